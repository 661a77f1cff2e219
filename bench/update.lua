-- :update (JSON Patch) of a random preloaded key: replace one member.
local lib = dofile("bench/lib.lua")
request = function()
  local body = '[{"op":"replace","path":"/id","value":' .. math.random(0, 1000000) .. '}]'
  return wrk.format("POST", lib.v2 .. "k" .. math.random(0, lib.keys - 1) .. ":update",
    {["Content-Type"] = "application/json"}, body)
end
done = lib.done
