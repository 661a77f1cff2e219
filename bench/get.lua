-- GET (v1) of a random preloaded key.
local lib = dofile("bench/lib.lua")
request = function()
  return wrk.format("GET", lib.v1 .. "?datastoreName=Bench&entryKey=k" .. math.random(0, lib.keys - 1))
end
done = lib.done
