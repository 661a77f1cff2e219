#!/usr/bin/env node
// bin/dsrun.mjs — run Roblox Luau game code against datastored in the real Luau VM.
//   dsrun script FILE.luau [options]   run a server Script (then its BindToClose functions)
//   dsrun test PATH... [options]       run TestEZ-style specs (*.spec.luau / *.spec.lua)
//   dsrun sim BOOTSTRAP.luau [options] simulate servers and players; report lost data
// Options: --server URL (default $DATASTORED_URL or http://127.0.0.1:8080), --universe N,
// --api-key KEY, --admin-key KEY, --project DIR (a Rojo project: default.project.json),
// --clock real|virtual, --timeout S (per test), --module FILE (DataStoreService module).
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
// `dsrun ... | head` closes our stdout early: that is not an error.
process.stdout.on('error', (e) => process.exit(e.code === 'EPIPE' ? 0 : 1))
const usage = `usage: dsrun script FILE.luau [options]
       dsrun test PATH... [options]
       dsrun sim BOOTSTRAP.luau --servers N --players M --duration S [--churn R] [--hop P]
                 [--shutdown-at T[,T...]] [--faults FILE] [--seed K] [--report out.json]
options: --server URL  --universe N  --api-key KEY  --admin-key KEY  --project DIR
         --clock real|virtual  --timeout SECONDS  --module FILE`

function fail(message) {
    process.stderr.write(`dsrun: ${message}\n`)
    process.exit(2)
}

function parse(argv) {
    const opts = { positional: [] }
    const takes = new Set(['server', 'universe', 'api-key', 'admin-key', 'project', 'clock', 'timeout', 'module',
        'servers', 'players', 'duration', 'churn', 'hop', 'shutdown-at', 'faults', 'seed', 'report'])
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
let universe = opts.universe ? Number(opts.universe) : 0
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

function number(name, fallback, { min = 0, integer = false } = {}) {
    if (opts[name] === undefined) {
        if (fallback === undefined) fail(`dsrun sim needs --${name}`)
        return fallback
    }
    const n = Number(opts[name])
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
        fail(`--${name} must be ${integer ? 'an integer' : 'a number'} of at least ${min}`)
    return n
}

// dsrun sim: runs the scenario, prints a summary, writes the JSON report; 1 if data was lost.
async function simulate() {
    if (opts.positional.length !== 1) fail('dsrun sim takes one BOOTSTRAP file')
    const bootstrap = resolve(opts.positional[0])
    if (!existsSync(bootstrap)) fail(`${bootstrap}: no such file`)
    const sim = {
        servers: number('servers', undefined, { min: 1, integer: true }),
        players: number('players', undefined, { min: 1, integer: true }),
        duration: number('duration', undefined, { min: 1, integer: true }),
        churn: number('churn', 1), // leaves per player per minute
        hop: number('hop', 0), // server hops per player per minute
        seed: number('seed', 1, { integer: true }),
        shutdownAt: opts['shutdown-at'] ? opts['shutdown-at'].split(',').map((t) => {
            const n = Number(t)
            if (!Number.isInteger(n) || n < 1) fail(`--shutdown-at: '${t}' is not a whole second`)
            return n
        }) : [],
        faults: [],
    }
    if (opts.faults) {
        try {
            sim.faults = JSON.parse(readFileSync(opts.faults, 'utf8'))
        } catch (e) {
            fail(`--faults ${opts.faults}: ${e.message}`)
        }
        if (!Array.isArray(sim.faults) || sim.faults.some((f) => !f || typeof f.rule !== 'object' || !(f.from >= 0)))
            fail(`--faults ${opts.faults}: want [{"from": S, "until": S, "rule": {fault rule}}, ...]`)
    }
    if (!universe) universe = Date.now() % 1e12 // a fresh universe: no data of an earlier run
    config.universe = universe
    const [text] = await runtime.call('sim', bootstrap, JSON.stringify(config), JSON.stringify(sim))
    const report = JSON.parse(text)
    if (report.error) {
        process.stderr.write(`dsrun sim: ${report.error}\n`)
        return 1
    }
    report.universe = universe
    const line = (k, v) => process.stdout.write(`${k.padEnd(26)} ${v}\n`)
    process.stdout.write(`dsrun sim: ${sim.servers} servers, ${sim.players} players, ${sim.duration} s of game time in ${report.realSeconds.toFixed(1)} s (${clock} clock), seed ${sim.seed}\n`)
    line('lost updates', `${report.lostUpdates} (${report.playersWithLoss} of ${sim.players} players)`)
    line('double ownership', report.doubleOwnership)
    line('saves closer than cooldown', report.cooldownViolations)
    line('throttled answers (429)', report.throttledResponses)
    line('dropped (301-306)', report.dropped)
    line('errors seen by the script', report.scriptErrors)
    line('BindToClose unfinished', report.bindToCloseUnfinished)
    line('joins / hops / shutdowns', `${report.joins} / ${report.hops} / ${report.shutdowns}`)
    line('plays / saves', `${report.plays} / ${report.saves}`)
    for (const f of report.faults) line(`fault ${f.from}-${f.until} s`, `fired ${f.fired} times`)
    if (opts.report) {
        writeFileSync(opts.report, JSON.stringify(report, null, 2) + '\n')
        process.stdout.write(`report: ${opts.report}\n`)
    }
    return report.lostUpdates > 0 ? 1 : 0
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
    } else if (command === 'sim') {
        status = await simulate()
    } else if (command === 'test') {
        const files = specFiles(opts.positional.length ? opts.positional : ['.'])
        if (!files.length) fail('no *.spec.luau or *.spec.lua files found')
        ;[status] = await runtime.call('test', JSON.stringify(files), JSON.stringify(config))
    } else {
        fail(`unknown command ${command}\n${usage}`)
    }
} catch (e) {
    process.stderr.write(`dsrun: ${e && e.message ? e.message : e}\n`)
    if (process.env.DSRUN_DEBUG) process.stderr.write(String(e && e.stack) + "\n")
    status = 1
}
process.exit(typeof status === 'number' ? status : 1)
