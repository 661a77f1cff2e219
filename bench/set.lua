-- SET (v1 POST) of a 1 KiB value over a random preloaded key (cooldown off): an overwrite,
-- as a game's saves are, and as the anchors (pgbench simple-update, a SET's own statements)
-- update existing rows.
local lib = dofile("bench/lib.lua")
request = function()
  return wrk.format("POST", lib.v1 .. "?datastoreName=Bench&entryKey=k" .. math.random(0, lib.keys - 1),
    {["Content-Type"] = "application/json"}, lib.value)
end
done = lib.done
