// lib/wasm_memory.mjs — gives luau-web's WebAssembly module a larger heap. luau-web 1.4 is
// built with a fixed memory (no -sALLOW_MEMORY_GROWTH): its wasm defines ~17 MiB and
// aborts when Luau needs more, which real Roblox libraries do. The memory is defined inside
// the binary (not imported), so the only way to size it is the binary's own memory section:
// this rewrites that section's minimum (and a smaller maximum) before the module compiles.
// Emscripten reads the heap size from the memory it gets, so malloc then uses all of it.

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d]
const MEMORY_SECTION = 5
const PAGE = 65536

function readLeb(bytes, pos) {
    let value = 0
    let shift = 0
    for (;;) {
        const b = bytes[pos++]
        value += (b & 0x7f) * 2 ** shift
        shift += 7
        if ((b & 0x80) === 0) return [value, pos]
    }
}

function leb(value) {
    const out = []
    do {
        let b = value % 128
        value = Math.floor(value / 128)
        if (value > 0) b |= 0x80
        out.push(b)
    } while (value > 0)
    return out
}

// Returns a copy of a wasm binary whose first defined memory starts at `pages` pages, or
// the binary itself when it has no memory section (or already starts that large).
export function withMemoryPages(binary, pages) {
    const bytes = binary instanceof Uint8Array ? binary : new Uint8Array(binary)
    if (!WASM_MAGIC.every((b, i) => bytes[i] === b)) return binary
    let pos = 8
    while (pos < bytes.length) {
        const id = bytes[pos]
        const [size, payload] = readLeb(bytes, pos + 1)
        if (id === MEMORY_SECTION) {
            let p = payload
            const [count, afterCount] = readLeb(bytes, p)
            if (count < 1) return binary
            p = afterCount
            const flags = bytes[p++]
            const [min, afterMin] = readLeb(bytes, p)
            let max = null
            let end = afterMin
            if (flags & 1) [max, end] = readLeb(bytes, afterMin)
            if (min >= pages) return binary
            const limits = [flags, ...leb(pages)]
            if (flags & 1) limits.push(...leb(Math.max(max, pages)))
            const rest = bytes.subarray(end, payload + size) // further memories, if any
            const body = [...leb(count), ...limits]
            const section = new Uint8Array(1 + leb(body.length + rest.length).length + body.length + rest.length)
            let o = 0
            section[o++] = MEMORY_SECTION
            for (const b of leb(body.length + rest.length)) section[o++] = b
            for (const b of body) section[o++] = b
            section.set(rest, o)
            const out = new Uint8Array(pos + section.length + (bytes.length - (payload + size)))
            out.set(bytes.subarray(0, pos), 0)
            out.set(section, pos)
            out.set(bytes.subarray(payload + size), pos + section.length)
            return out
        }
        pos = payload + size
    }
    return binary
}

// Makes every wasm module compiled from now on start with at least `mib` MiB of memory.
export function raiseWasmMemory(mib) {
    const pages = Math.ceil((mib * 1024 * 1024) / PAGE)
    const instantiate = WebAssembly.instantiate
    WebAssembly.instantiate = function (source, imports) {
        if (source instanceof WebAssembly.Module) return instantiate.call(this, source, imports)
        return instantiate.call(this, withMemoryPages(source, pages), imports)
    }
    const compile = WebAssembly.compile
    WebAssembly.compile = (source) => compile(withMemoryPages(source, pages))
    if (WebAssembly.instantiateStreaming) {
        const streaming = WebAssembly.instantiateStreaming
        WebAssembly.instantiateStreaming = async (response, imports) => {
            const r = await response
            return WebAssembly.instantiate(await r.arrayBuffer(), imports)
        }
        void streaming
    }
}
