-- :increment of a random counter key.
local lib = dofile("bench/lib.lua")
request = function()
  return wrk.format("POST", lib.v2 .. "c" .. math.random(0, lib.keys - 1) .. ":increment",
    {["Content-Type"] = "application/json"}, '{"amount":1}')
end
done = lib.done
