// lib/host.mjs — the Node side of dsrun: one Luau VM (luau-web) and the few host functions
// the Luau prelude (lib/prelude.luau) builds Roblox's environment on. Everything crosses the
// boundary as strings and numbers. Blocking work (HTTP, waiting for time) never blocks the
// VM from JavaScript's side: httpStart begins a request and returns an id; poll(ms) is the
// one asynchronous host function — the Luau scheduler calls it when every Luau thread is
// waiting, and it resolves with the next finished request (or nothing, at the timeout).
import http from 'node:http'
import https from 'node:https'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { raiseWasmMemory } from './wasm_memory.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const HEAP_MIB = Number(process.env.DSRUN_HEAP_MIB || 1024)
raiseWasmMemory(HEAP_MIB)
const { LuauState } = await import('luau-web')

const agentHttp = new http.Agent({ keepAlive: true, maxSockets: 256 })
const agentHttps = new https.Agent({ keepAlive: true, maxSockets: 256 })

function isFile(p) {
    try {
        return statSync(p).isFile()
    } catch {
        return false
    }
}

function isDir(p) {
    try {
        return statSync(p).isDirectory()
    } catch {
        return false
    }
}

// Creates the VM with the prelude loaded; returns { state, run(chunk, name) }.
export async function createRuntime(options) {
    const finished = [] // completed requests waiting to be polled
    let wake = null // resolves poll() early when a request completes
    let nextId = 1
    const started = performance.now()
    const out = options.stdout || ((s) => process.stdout.write(s + '\n'))
    const err = options.stderr || ((s) => process.stderr.write(s + '\n'))

    function complete(event) {
        finished.push(event)
        if (wake) {
            const w = wake
            wake = null
            w()
        }
    }

    const host = {
        // A request; the answer arrives through poll() as JSON {id, status, headers, body}
        // or {id, error}. headersJson is a JSON object of header names to values.
        httpStart(method, url, headersJson, body, timeoutMs) {
            const id = nextId++
            let target
            try {
                target = new URL(String(url))
            } catch (e) {
                queueMicrotask(() => complete({ id, error: `invalid URL ${url}` }))
                return id
            }
            const lib = target.protocol === 'https:' ? https : http
            const parsed = headersJson ? JSON.parse(headersJson) : {}
            const headers = Array.isArray(parsed) ? {} : parsed // Luau's {} encodes as []
            const data = body === undefined || body === null ? null : Buffer.from(String(body), 'utf8')
            if (data) headers['content-length'] = String(data.length)
            const req = lib.request(
                target,
                {
                    method: String(method),
                    headers,
                    agent: target.protocol === 'https:' ? agentHttps : agentHttp,
                    timeout: timeoutMs || 30000,
                },
                (res) => {
                    const chunks = []
                    res.on('data', (c) => chunks.push(c))
                    res.on('end', () => {
                        const h = {}
                        for (const [k, v] of Object.entries(res.headers))
                            h[k] = Array.isArray(v) ? v.join(', ') : v
                        complete({
                            id,
                            status: res.statusCode,
                            headers: h,
                            body: Buffer.concat(chunks).toString('utf8'),
                        })
                    })
                    res.on('error', (e) => complete({ id, error: String(e.message || e) }))
                },
            )
            req.on('timeout', () => req.destroy(new Error('request timed out')))
            req.on('error', (e) => complete({ id, error: String(e.code || e.message || e) }))
            if (data) req.write(data)
            req.end()
            return id
        },
        // Waits up to ms (0: just look) for a finished request: its JSON, or "" on timeout.
        async poll(ms) {
            // Always let Node's event loop turn (sockets, timers) before answering.
            if (!finished.length && ms <= 0) await new Promise((r) => setImmediate(r))
            if (!finished.length && ms > 0) {
                await new Promise((r) => {
                    const t = setTimeout(r, ms)
                    wake = () => {
                        clearTimeout(t)
                        r()
                    }
                })
                wake = null
            }
            const e = finished.shift()
            return e ? JSON.stringify(e) : ''
        },
        // Waits ms of real time (virtual-clock runs pass 0), then polls without waiting.
        nowMs: () => performance.now() - started,
        epochMs: () => Date.now(),
        readFile(path) {
            try {
                return readFileSync(String(path), 'utf8')
            } catch {
                return null
            }
        },
        isFile: (p) => isFile(String(p)),
        isDir: (p) => isDir(String(p)),
        listDir(path) {
            try {
                return JSON.stringify(readdirSync(String(path)).sort())
            } catch {
                return '[]'
            }
        },
        join: (a, b) => join(String(a), String(b)),
        resolvePath: (p) => resolve(String(p)),
        print: (s) => out(String(s)),
        warn: (s) => err(String(s)),
        getenv: (name) => process.env[String(name)] ?? null,
        // Compiles Luau source: the function, or the compiler's message (a string).
        compile: (source, chunkname) => state.loadstring(String(source), String(chunkname), false),
        random: () => Math.random(),
    }
    const state = await LuauState.createAsync({ __host: host })
    const load = (file) => state.loadstring(readFileSync(join(here, file), 'utf8'), `@dsrun/${file}`, true)
    const [dsrun] = await load('prelude.luau')()
    for (const file of ['json.luau', 'scheduler.luau', 'world.luau', 'services.luau', 'testez.luau', 'sim.luau'])
        await load(file)(dsrun)
    const [entry] = await load('main.luau')(dsrun)
    // The VM's first suspension costs ~0.4 s (luau-web sets its async path up then): pay it
    // here, not inside the first task.wait of a script or a test.
    await state.loadstring('__host.poll(1)', '@dsrun/warm-up', true)()
    return {
        state,
        // Calls an entry point of lib/main.luau ("script", "test"); resolves with its results.
        async call(name, ...args) {
            const fn = entry[name]
            if (typeof fn !== 'function') throw new Error(`dsrun has no entry point ${name}`)
            return await fn(...args)
        },
    }
}
