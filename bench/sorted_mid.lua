-- GetSortedAsync: a bounded page of 100 from the middle of the value range
-- (filter "entry >= lo && entry <= lo + 10^8", lo random).
local lib = dofile("bench/lib.lua")
local base = "/ordered-data-stores/v1/universes/" .. lib.universe ..
  "/orderedDataStores/Leaderboard/scopes/global/entries?max_page_size=100&filter="
request = function()
  local lo = math.random(0, 800000000)
  return wrk.format("GET", base .. "entry%20%3E%3D%20" .. lo .. "%20%26%26%20entry%20%3C%3D%20" .. (lo + 100000000))
end
done = lib.done
