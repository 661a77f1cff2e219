// tests/luau/luau_compile.mjs — compiles Lua files with the real Luau compiler (luau-web, the
// Luau sources built to WebAssembly) and fails on anything Luau rejects.
// Usage: LUAU_WEB=<dir of the luau-web package> node luau_compile.mjs FILE...
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

const pkg = process.env.LUAU_WEB
if (!pkg) {
  console.error('LUAU_WEB is not set')
  process.exit(2)
}
const { LuauState } = await import(pathToFileURL(`${pkg}/src/index.js`).href)
const state = await LuauState.createAsync()
let failed = 0
// A known-bad chunk first: the check itself must be able to fail.
try {
  state.loadstring('local x = 1 goto done', 'self-test', true)
  console.error('luau-web accepted goto: the compiler check is not working')
  process.exit(2)
} catch (e) {}
for (const file of process.argv.slice(2)) {
  try {
    state.loadstring(readFileSync(file, 'utf8'), file, true)
    console.log(`luau: ${file} compiles`)
  } catch (e) {
    console.error(`luau: ${file}: ${e.message}`)
    failed++
  }
}
process.exit(failed ? 1 : 0)
