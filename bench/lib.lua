-- bench/lib.lua — shared by the wrk scenarios: the report line bench/run parses.
-- Scenarios set KEYS (number of preloaded keys) from the environment.
local M = {}
M.keys = tonumber(os.getenv("BENCH_KEYS") or "100000")
M.universe = os.getenv("BENCH_UNIVERSE") or "1"
M.v1 = "/datastores/v1/universes/" .. M.universe .. "/standard-datastores/datastore/entries/entry"
M.v2 = "/cloud/v2/universes/" .. M.universe .. "/data-stores/Bench/entries/"
M.value = '{"id":0,"pad":"' .. string.rep("x", 1000) .. '"}'   -- ~1 KiB; update.lua replaces /id

function M.done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read
            + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d requests=%d\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    bad, summary.requests))
end
return M
