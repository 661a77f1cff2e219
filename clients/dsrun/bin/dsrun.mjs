#!/usr/bin/env node
// bin/dsrun.mjs — run Roblox Luau game code against datastored in the real Luau VM.
//   dsrun script FILE.luau [options]   run a server Script (then its BindToClose functions)
//   dsrun test PATH... [options]       run TestEZ-style specs (*.spec.luau / *.spec.lua)
// Options: --server URL (default $DATASTORED_URL or http://127.0.0.1:8080), --universe N,
// --api-key KEY, --admin-key KEY, --project DIR (a Rojo project: default.project.json),
// --clock real|virtual, --timeout S (per test), --module FILE (DataStoreService module).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const usage = `usage: dsrun script FILE.luau [options]
       dsrun test PATH... [options]
options: --server URL  --universe N  --api-key KEY  --admin-key KEY  --project DIR
         --clock real|virtual  --timeout SECONDS  --module FILE`

function fail(message) {
    process.stderr.write(`dsrun: ${message}\n`)
    process.exit(2)
}

function parse(argv) {
    const opts = { positional: [] }
    const takes = new Set(['server', 'universe', 'api-key', 'admin-key', 'project', 'clock', 'timeout', 'module'])
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i]
        if (a === '-h' || a === '--help') {
            process.stdout.write(usage + '\n')
            process.exit(0)
        }
        if (a.startsWith('--')) {
            const [name, inline] = a.slice(2).split('=', 2)
            if (!takes.has(name)) fail(`unknown option --${name}\n${usage}`)
            const value = inline ?? argv[++i]
            if (value === undefined) fail(`--${name} needs a value`)
            opts[name] = value
        } else {
            opts.positional.push(a)
        }
    }
    return opts
}

// Services of a Rojo project file mapped to directories: {ReplicatedStorage: "/abs/dir"}.
function rojoServices(projectDir) {
    const file = join(projectDir, 'default.project.json')
    if (!existsSync(file)) return {}
    let project
    try {
        project = JSON.parse(readFileSync(file, 'utf8'))
    } catch (e) {
        fail(`${file}: ${e.message}`)
    }
    const services = {}
    for (const [name, node] of Object.entries(project.tree || {})) {
        if (node && typeof node === 'object' && typeof node.$path === 'string')
            services[name] = resolve(projectDir, node.$path)
    }
    return services
}

function specFiles(paths) {
    const out = []
    const walk = (p) => {
        const st = statSync(p)
        if (st.isDirectory()) for (const e of readdirSync(p).sort()) walk(join(p, e))
        else if (/\.spec\.luau?$/.test(p)) out.push(resolve(p))
    }
    for (const p of paths) {
        if (!existsSync(p)) fail(`${p}: no such file or directory`)
        walk(p)
    }
    return out
}

const [command, ...rest] = process.argv.slice(2)
if (!command) fail(usage)
if (command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(usage + '\n')
    process.exit(0)
}
const opts = parse(rest)
const clock = opts.clock || 'real'
if (clock !== 'real' && clock !== 'virtual') fail('--clock is real or virtual')
const universe = opts.universe ? Number(opts.universe) : 0
if (opts.universe && !(Number.isInteger(universe) && universe > 0)) fail('--universe must be a positive integer')
const timeout = opts.timeout ? Number(opts.timeout) : 30
if (!(timeout > 0)) fail('--timeout must be a positive number of seconds')
const moduleFile = resolve(opts.module || process.env.DSRUN_MODULE || join(here, '..', '..', 'luau', 'DataStoreService.lua'))
if (!existsSync(moduleFile)) fail(`DataStoreService module not found: ${moduleFile}`)
const config = {
    serverUrl: (opts.server || process.env.DATASTORED_URL || 'http://127.0.0.1:8080').replace(/\/+$/, ''),
    universe: universe || undefined,
    apiKey: opts['api-key'] || process.env.DATASTORED_API_KEY || undefined,
    adminKey: opts['admin-key'] || process.env.DATASTORED_ADMIN_KEY || undefined,
    virtualClock: clock === 'virtual',
    timeout,
    dataStoreModule: moduleFile,
    services: rojoServices(resolve(opts.project || '.')),
}

const { createRuntime } = await import('../lib/host.mjs')
const runtime = await createRuntime({})
let status
try {
    if (command === 'script') {
        if (opts.positional.length !== 1) fail('dsrun script takes one FILE')
        const file = resolve(opts.positional[0])
        if (!existsSync(file)) fail(`${file}: no such file`)
        ;[status] = await runtime.call('script', file, JSON.stringify(config))
    } else if (command === 'test') {
        const files = specFiles(opts.positional.length ? opts.positional : ['.'])
        if (!files.length) fail('no *.spec.luau or *.spec.lua files found')
        ;[status] = await runtime.call('test', JSON.stringify(files), JSON.stringify(config))
    } else {
        fail(`unknown command ${command}\n${usage}`)
    }
} catch (e) {
    process.stderr.write(`dsrun: ${e && e.message ? e.message : e}\n`)
    status = 1
}
process.exit(typeof status === 'number' ? status : 1)
