-- GetSortedAsync: the top-100 page (descending) of the 1,000,000-entry leaderboard.
local lib = dofile("bench/lib.lua")
local path = "/ordered-data-stores/v1/universes/" .. lib.universe ..
  "/orderedDataStores/Leaderboard/scopes/global/entries?order_by=desc&max_page_size=100"
request = function() return wrk.format("GET", path) end
done = lib.done
