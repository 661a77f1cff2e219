-- tests/luau/ordered_errors_spec.lua — ordered data stores and GetSortedAsync pages, request
-- budgets, and the error paths through the Luau module against a real datastored: retries
-- that recover (503, dropped connections), retries that give up (Roblox-numbered throttle
-- errors, 502 for server errors), 4xx never retried, increments not repeated, locks, keys.
package.path = "tests/luau/?.lua;" .. package.path
local support = require("support")

describe("OrderedDataStore", function()
	local service, board
	before_each(function()
		service = support.service()
		board = service:GetOrderedDataStore("Leaderboard")
		for i = 1, 12 do
			board:SetAsync("p" .. i, i * 10)
		end
	end)

	it("gets, sets, increments, updates and removes integers", function()
		assert.are.equal(30, board:GetAsync("p3"))
		assert.is_nil(board:GetAsync("nobody"))
		assert.are.equal(1030, board:IncrementAsync("p3", 1000))
		assert.are.equal(1031, board:IncrementAsync("p3"))
		assert.are.equal(2062, board:UpdateAsync("p3", function(v) return v * 2 end))
		assert.is_nil(board:UpdateAsync("p3", function() return nil end))
		assert.are.equal(2062, board:GetAsync("p3"))
		assert.are.equal(2062, board:RemoveAsync("p3"))
		assert.is_nil(board:GetAsync("p3"))
		assert.matches("^104: ", support.errorOf(function() board:SetAsync("p1", 1.5) end))
		assert.matches("^104: ", support.errorOf(function() board:SetAsync("p1", "ten") end))
	end)

	it("pages GetSortedAsync in both directions", function()
		local pages = board:GetSortedAsync(false, 5)
		local first = pages:GetCurrentPage()
		assert.are.same({ key = "p12", value = 120 }, first[1])
		assert.are.equal(5, #first)
		local seen = #first
		while not pages.IsFinished do
			pages:AdvanceToNextPageAsync()
			seen = seen + #pages:GetCurrentPage()
		end
		assert.are.equal(12, seen)
		assert.are.equal("No pages to advance to", support.errorOf(function() pages:AdvanceToNextPageAsync() end))
		local ascending = board:GetSortedAsync(true, 3):GetCurrentPage()
		assert.are.same({ "p1", "p2", "p3" }, { ascending[1].key, ascending[2].key, ascending[3].key })
	end)

	it("honours inclusive bounds", function()
		local page = board:GetSortedAsync(true, 100, 30, 60):GetCurrentPage()
		assert.are.equal(4, #page)
		assert.are.equal(30, page[1].value)
		assert.are.equal(60, page[4].value)
	end)

	it("raises 106 and 107 for bad page sizes and bounds", function()
		assert.matches("^106: ", support.errorOf(function() board:GetSortedAsync(true, 0) end))
		assert.matches("^106: ", support.errorOf(function() board:GetSortedAsync(true, 101) end))
		assert.matches("^106: ", support.errorOf(function() board:GetSortedAsync(true, 10, 1.5) end))
		assert.matches("^107: ", support.errorOf(function() board:GetSortedAsync(true, 10, 50, 40) end))
	end)
end)

describe("GetRequestBudgetForRequestType", function()
	it("answers the budget behind a request type, by name or Enum item", function()
		local service = support.service()
		assert.is_true(service:GetRequestBudgetForRequestType("GetAsync") > 0)
		assert.is_true(service:GetRequestBudgetForRequestType({ Name = "SetIncrementAsync" }) > 0)
		assert.is_true(service:GetRequestBudgetForRequestType("Enum.DataStoreRequestType.GetSortedAsync") > 0)
		assert.matches("^103: ", support.errorOf(function() service:GetRequestBudgetForRequestType("Teleport") end))
	end)
end)

describe("errors and retries", function()
	local service, store, u
	before_each(function()
		support.clearFaults()
		service = support.service({ maxRetries = 2 })
		u = service._config.universeId
		store = service:GetDataStore("Players")
		store:SetAsync("k", "v")
	end)
	after_each(function()
		support.clearFaults()
	end)

	local function fault(operations, effect, count)
		return support.addFault({ match = { universe = u, operations = operations }, effect = effect, count = count })
	end

	it("recovers from 503s and dropped connections", function()
		local id = fault({ "get" }, { type = "error", status = 503, retryAfterSeconds = 0 }, 2)
		assert.are.equal("v", (store:GetAsync("k")))
		assert.are.equal(2, support.fired(id))
		id = fault({ "get" }, { type = "drop" }, 1)
		assert.are.equal("v", (store:GetAsync("k")))
		assert.are.equal(1, support.fired(id))
	end)

	it("waits out a 429's Retry-After", function()
		local id = fault({ "get" }, { type = "throttle", retryAfterSeconds = 1 }, 1)
		local slept = 0
		local counting = support.service({
			universeId = u,
			sleep = function(s)
				slept = slept + s
			end,
		})
		assert.are.equal("v", (counting:GetDataStore("Players"):GetAsync("k")))
		assert.are.equal(1, support.fired(id))
		assert.is_true(slept >= 1)
	end)

	it("gives up with Roblox's numbered throttle errors", function()
		fault({ "get", "set" }, { type = "throttle", retryAfterSeconds = 0 }, 10)
		assert.matches("^301: GetAsync request dropped", support.errorOf(function() store:GetAsync("k") end))
		assert.matches("^302: SetAsync request dropped", support.errorOf(function() store:SetAsync("k", 1) end))
		local id = fault({ "get" }, { type = "throttle", retryAfterSeconds = 600 }, 1)
		support.clearFaults()
		id = fault({ "get" }, { type = "throttle", retryAfterSeconds = 600 }, 1)
		assert.matches("^301: ", support.errorOf(function() store:GetAsync("k") end))
		assert.are.equal(1, support.fired(id)) -- too long a Retry-After: not waited for
	end)

	it("gives up on persistent server errors with a 502", function()
		local id = fault({ "get" }, { type = "error", status = 503, retryAfterSeconds = 0 }, 10)
		assert.matches("^502: .*HTTP 503 %(UNAVAILABLE%)", support.errorOf(function() store:GetAsync("k") end))
		assert.are.equal(3, support.fired(id)) -- 1 + maxRetries
	end)

	it("never retries a 4xx", function()
		local id = fault({ "get" }, { type = "error", status = 400 }, 5)
		assert.matches("^502: .*HTTP 400", support.errorOf(function() store:GetAsync("k") end))
		assert.are.equal(1, support.fired(id))
	end)

	it("does not repeat an increment whose answer was lost", function()
		fault({ "increment" }, { type = "after_commit", status = 503, retryAfterSeconds = 0 }, 1)
		assert.matches("^502: .*HTTP 503", support.errorOf(function() store:IncrementAsync("n", 1) end))
		assert.are.equal(1, (store:GetAsync("n"))) -- it committed, once
	end)

	it("reports a session lock held elsewhere", function()
		local path = "/cloud/v2/universes/" .. string.format("%.0f", u) .. "/data-stores/Players/entries/locked:lock"
		assert.are.equal(200, (support.call("POST", path, { owner = "other-server", ttlSeconds = 60 })))
		assert.matches("^502: .*HTTP 409 %(ABORTED%) LockHeld", support.errorOf(function() store:SetAsync("locked", 1) end))
		assert.matches("LockHeld", support.errorOf(function() store:UpdateAsync("locked", function() return 1 end) end))
	end)

	it("needs the API key where one is configured", function()
		local keyed = support.service({ baseUrl = support.keyedUrl })
		assert.matches("^502: .*HTTP 401.*Invalid API Key", support.errorOf(function() keyed:GetDataStore("P"):GetAsync("k") end))
		local authorized = support.service({ baseUrl = support.keyedUrl, apiKey = support.key })
		authorized:GetDataStore("P"):SetAsync("k", 1)
		assert.are.equal(1, (authorized:GetDataStore("P"):GetAsync("k")))
	end)

	it("raises 502 when nothing answers", function()
		local dead = support.service({ baseUrl = "http://127.0.0.1:1", maxRetries = 1 })
		assert.matches("^502: API Services rejected request", support.errorOf(function() dead:GetDataStore("P"):GetAsync("k") end))
	end)
end)
