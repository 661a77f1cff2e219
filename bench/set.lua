-- SET (v1 POST) of a 1 KiB value to a random key of a separate data store (cooldown off).
local lib = dofile("bench/lib.lua")
request = function()
  return wrk.format("POST", lib.v1 .. "?datastoreName=BenchSet&entryKey=s" .. math.random(0, lib.keys - 1),
    {["Content-Type"] = "application/json"}, lib.value)
end
done = lib.done
