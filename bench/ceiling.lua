-- HTTP ceiling: /healthz answered by the same server stack without touching the database.
local lib = dofile("bench/lib.lua")
request = function() return wrk.format("GET", "/healthz") end
done = lib.done
