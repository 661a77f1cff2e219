-- 80% GET / 20% SET on the preloaded keys.
local lib = dofile("bench/lib.lua")
request = function()
  local key = "k" .. math.random(0, lib.keys - 1)
  if math.random() < 0.8 then
    return wrk.format("GET", lib.v1 .. "?datastoreName=Bench&entryKey=" .. key)
  end
  return wrk.format("POST", lib.v1 .. "?datastoreName=Bench&entryKey=" .. key,
    {["Content-Type"] = "application/json"}, lib.value)
end
done = lib.done
