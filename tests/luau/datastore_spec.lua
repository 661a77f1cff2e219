-- tests/luau/datastore_spec.lua — standard data stores through the Luau module against a real
-- datastored: GetAsync/SetAsync with DataStoreKeyInfo and DataStoreSetOptions, IncrementAsync,
-- RemoveAsync, UpdateAsync (cancel, metadata, conflicts), listing keys and versions,
-- GetVersionAsync, AllScopes, the global data store, and the errors Roblox would raise.
package.path = "tests/luau/?.lua;" .. package.path
local support = require("support")
local DataStoreService = support.DataStoreService

local function now_ms()
	return os.time() * 1000
end

describe("the module", function()
	it("is itself a configurable service and makes independent ones", function()
		assert.is_function(DataStoreService.GetDataStore)
		assert.is_function(DataStoreService.new)
		DataStoreService:Configure({
			baseUrl = support.url .. "/",
			universeId = support.universe(),
			transport = support.transport,
			json = support.json,
		})
		local store = DataStoreService:GetDataStore("ModuleLevel")
		store:SetAsync("k", { answer = 42 })
		assert.are.same({ answer = 42 }, (store:GetAsync("k")))
	end)

	it("needs a universe", function()
		local service = support.service({ universeId = false })
		local err = support.errorOf(function()
			service:GetDataStore("X"):GetAsync("k")
		end)
		assert.matches("universe", err)
	end)

	it("converts times both ways", function()
		local t = DataStoreService._internal
		assert.are.equal(0, t.parseTime("1970-01-01T00:00:00Z"))
		assert.are.equal(1795619385181, t.parseTime("2026-11-25T15:09:45.1810910Z"))
		assert.are.equal(1795619385181, t.parseTime("2026-11-25T16:09:45.181+01:00"))
		assert.are.equal("2026-11-25T15:09:45.181Z", t.formatTime(1795619385181))
		assert.are.equal("2000-02-29T23:59:59.999Z", t.formatTime(t.parseTime("2000-02-29T23:59:59.999Z")))
		assert.is_nil(t.parseTime("yesterday"))
	end)
end)

describe("GetAsync and SetAsync", function()
	local service, store
	before_each(function()
		service = support.service()
		store = service:GetDataStore("Players")
	end)

	it("returns nil, nil for a key that was never written", function()
		local value, info = store:GetAsync("nobody")
		assert.is_nil(value)
		assert.is_nil(info)
	end)

	it("round-trips values with DataStoreKeyInfo", function()
		local options = DataStoreService.DataStoreSetOptions.new()
		options:SetMetadata({ class = "mage" })
		local version = store:SetAsync("user_1", { coins = 10, items = { "sword", "shield" } }, { 269323, 7 }, options)
		assert.matches("^%x+%.%d+%.%x+%.%x%x$", version)
		local value, info = store:GetAsync("user_1")
		assert.are.same({ coins = 10, items = { "sword", "shield" } }, value)
		assert.are.equal(version, info.Version)
		assert.are.same({ 269323, 7 }, info:GetUserIds())
		assert.are.same({ class = "mage" }, info:GetMetadata())
		assert.is_true(math.abs(info.CreatedTime - now_ms()) < 120000)
		assert.are.equal(info.CreatedTime, info.UpdatedTime)
		assert.are.same({ class = "mage" }, options:GetMetadata())
	end)

	it("clears user ids and metadata a write leaves out, and keeps the creation time", function()
		store:SetAsync("user_2", "first", { 1 })
		local _, before = store:GetAsync("user_2")
		support.advanceClock(2)
		store:SetAsync("user_2", "second")
		local value, info = store:GetAsync("user_2")
		assert.are.equal("second", value)
		assert.are.same({}, info:GetUserIds())
		assert.are.same({}, info:GetMetadata())
		assert.are.equal(before.CreatedTime, info.CreatedTime)
		assert.is_true(info.UpdatedTime >= before.UpdatedTime + 2000)
		assert.are_not.equal(before.Version, info.Version)
	end)

	it("stores strings, numbers, booleans and nested tables", function()
		for i, v in ipairs({ "text", 3.5, -12, true, false, { a = { b = { c = "deep" } } }, { 1, 2, 3 } }) do
			store:SetAsync("v" .. i, v)
			assert.are.same(v, (store:GetAsync("v" .. i)))
		end
	end)

	it("addresses scopes separately", function()
		service:GetDataStore("Players", "season1"):SetAsync("k", 1)
		assert.are.equal(1, (service:GetDataStore("Players", "season1"):GetAsync("k")))
		assert.is_nil((store:GetAsync("k")))
	end)

	it("raises Roblox's errors for what cannot be stored or addressed", function()
		local cyclic = {}
		cyclic.self = cyclic
		local cases = {
			{ "^101: ", function() store:GetAsync("") end },
			{ "^102: ", function() store:GetAsync(string.rep("k", 51)) end },
			{ "^101: ", function() service:GetDataStore("") end },
			{ "^102: ", function() service:GetDataStore("P", string.rep("s", 51)) end },
			{ "^104: ", function() store:SetAsync("k", nil) end },
			{ "^104: ", function() store:SetAsync("k", print) end },
			{ "^104: ", function() store:SetAsync("k", cyclic) end },
			{ "^104: ", function() store:SetAsync("k", { 1, 2, x = 3 }) end },
			{ "^104: ", function() store:SetAsync("k", { [1] = 1, [3] = 3 }) end },
			{ "^104: ", function() store:SetAsync("k", 0 / 0) end },
			{ "^105: ", function() store:SetAsync("k", string.rep("x", 4194304)) end },
			{ "^512: ", function() store:SetAsync("k", 1, { 1, 2, 3, 4, 5 }) end },
			{ "^513: ", function() store:SetAsync("k", 1, { "one" }) end },
			{ "^513: ", function() DataStoreService.DataStoreSetOptions.new():SetMetadata("x") end },
		}
		local big = DataStoreService.DataStoreSetOptions.new()
		big:SetMetadata({ blob = string.rep("m", 300) })
		cases[#cases + 1] = { "^511: ", function() store:SetAsync("k", 1, nil, big) end }
		for i, case in ipairs(cases) do
			local err = support.errorOf(case[2])
			assert.matches(case[1], err, 1, false, "case " .. i .. ": " .. err)
		end
		assert.is_nil((store:GetAsync("k")))
	end)
end)

describe("IncrementAsync and RemoveAsync", function()
	local store
	before_each(function()
		store = support.service():GetDataStore("Counters")
	end)

	it("creates at zero, adds, defaults to 1, and returns key info", function()
		local value, info = store:IncrementAsync("gold", 5, { 42 })
		assert.are.equal(5, value)
		assert.are.same({ 42 }, info:GetUserIds())
		assert.are.equal(6, (store:IncrementAsync("gold")))
		assert.are.equal(-4, (store:IncrementAsync("gold", -10)))
		assert.are.equal(-4, (store:GetAsync("gold")))
	end)

	it("refuses fractions and non-numeric values", function()
		assert.matches("^106: ", support.errorOf(function() store:IncrementAsync("gold", 1.5) end))
		store:SetAsync("name", "text")
		local err = support.errorOf(function() store:IncrementAsync("name", 1) end)
		assert.matches("^502: .*HTTP 400 .*ExistingValueNotNumeric", err)
	end)

	it("removes, returning the removed value and its key info", function()
		store:SetAsync("doomed", { hp = 0 }, { 9 })
		local value, info = store:RemoveAsync("doomed")
		assert.are.same({ hp = 0 }, value)
		assert.are.same({ 9 }, info:GetUserIds())
		assert.is_nil((store:GetAsync("doomed")))
		local again = store:RemoveAsync("doomed")
		assert.is_nil(again)
	end)
end)

describe("UpdateAsync", function()
	local service, store
	before_each(function()
		service = support.service()
		store = service:GetDataStore("Players")
	end)

	it("creates a missing key from nil and returns the new value with key info", function()
		local seen = "unset"
		local value, info = store:UpdateAsync("fresh", function(current, keyInfo)
			seen = current
			assert.is_nil(keyInfo)
			return { coins = 1 }, { 5 }, { tag = "new" }
		end)
		assert.is_nil(seen)
		assert.are.same({ coins = 1 }, value)
		assert.are.same({ 5 }, info:GetUserIds())
		assert.are.same({ tag = "new" }, info:GetMetadata())
		local stored, storedInfo = store:GetAsync("fresh")
		assert.are.same({ coins = 1 }, stored)
		assert.are.equal(info.Version, storedInfo.Version)
		assert.are.same({ tag = "new" }, storedInfo:GetMetadata())
	end)

	it("passes the current value and key info, and cancels on nil", function()
		-- (not { n = ... }: dkjson, the test codec, encodes a table with a numeric n as an array)
		store:SetAsync("k", { hp = 1 }, { 3 })
		local value = store:UpdateAsync("k", function(current, keyInfo)
			assert.are.same({ hp = 1 }, current)
			assert.are.same({ 3 }, keyInfo:GetUserIds())
			return nil
		end)
		assert.is_nil(value)
		assert.are.same({ hp = 1 }, (store:GetAsync("k")))
	end)

	it("runs the transform again when another server wrote in between", function()
		store:SetAsync("contended", 10)
		local rival = support.DataStoreService.new(service._config):GetDataStore("Players")
		local calls = 0
		local value = store:UpdateAsync("contended", function(current)
			calls = calls + 1
			if calls == 1 then
				rival:SetAsync("contended", 100) -- lands between our read and our write
			end
			return current + 1
		end)
		assert.are.equal(2, calls)
		assert.are.equal(101, value)
		assert.are.equal(101, (store:GetAsync("contended")))
	end)

	it("applies once when its write committed but the answer was a 503", function()
		local u = service._config.universeId
		store:SetAsync("n", 10)
		support.clearFaults()
		support.addFault({
			match = { universe = u, operations = { "set" } },
			effect = { type = "after_commit", status = 503, retryAfterSeconds = 0 },
			count = 1,
		})
		local calls = 0
		local value = store:UpdateAsync("n", function(current)
			calls = calls + 1
			return current + 1
		end)
		support.clearFaults()
		assert.are.equal(1, calls)
		assert.are.equal(11, value)
		assert.are.equal(11, (store:GetAsync("n")))
	end)

	it("needs a function", function()
		assert.matches("^103: ", support.errorOf(function() store:UpdateAsync("k", 5) end))
	end)
end)

describe("listing", function()
	local service, store
	before_each(function()
		service = support.service()
		store = service:GetDataStore("Inventory")
	end)

	it("pages keys with IsFinished and AdvanceToNextPageAsync", function()
		for i = 1, 5 do
			store:SetAsync("item_" .. i, i)
		end
		store:SetAsync("other", 0)
		local pages = store:ListKeysAsync("item_", 2)
		local names = {}
		while true do
			for _, key in ipairs(pages:GetCurrentPage()) do
				names[#names + 1] = key.KeyName
			end
			if pages.IsFinished then
				break
			end
			pages:AdvanceToNextPageAsync()
		end
		table.sort(names)
		assert.are.same({ "item_1", "item_2", "item_3", "item_4", "item_5" }, names)
		assert.are.equal("No pages to advance to", support.errorOf(function() pages:AdvanceToNextPageAsync() end))
	end)

	it("lists removed keys unless excludeDeleted", function()
		store:SetAsync("alive", 1)
		store:SetAsync("dead", 1)
		store:RemoveAsync("dead")
		assert.are.equal(2, #store:ListKeysAsync(nil, 10):GetCurrentPage())
		local pages = store:ListKeysAsync(nil, 10, nil, true)
		assert.are.same({ { KeyName = "alive" } }, pages:GetCurrentPage())
	end)

	it("addresses every scope as scope/key with AllScopes", function()
		service:GetDataStore("Inventory", "s1"):SetAsync("a", 1)
		service:GetDataStore("Inventory", "s2"):SetAsync("b", 2)
		local options = DataStoreService.DataStoreOptions.new()
		options.AllScopes = true
		local all = service:GetDataStore("Inventory", "", options)
		local names = {}
		for _, key in ipairs(all:ListKeysAsync(nil, 10):GetCurrentPage()) do
			names[#names + 1] = key.KeyName
		end
		table.sort(names)
		assert.are.same({ "s1/a", "s2/b" }, names)
		assert.are.equal(2, (all:GetAsync("s2/b")))
		assert.matches("^101: ", support.errorOf(function() all:GetAsync("noscope") end))
		assert.matches("^102: ", support.errorOf(function() service:GetDataStore("Inventory", "s1", options) end))
	end)

	it("lists versions both ways, by date, and reads an old one", function()
		local first = store:SetAsync("hist", "one")
		support.advanceClock(3600)
		store:SetAsync("hist", "two")
		support.advanceClock(3600)
		store:RemoveAsync("hist")
		local versions = store:ListVersionsAsync("hist"):GetCurrentPage()
		assert.are.equal(3, #versions)
		assert.are.equal(first, versions[1].Version)
		assert.is_false(versions[1].IsDeleted)
		assert.is_true(versions[3].IsDeleted)
		local newest = store:ListVersionsAsync("hist", { Name = "Descending" }, nil, nil, 1)
		assert.is_true(newest:GetCurrentPage()[1].IsDeleted)
		assert.is_false(newest.IsFinished)
		newest:AdvanceToNextPageAsync()
		assert.are.equal(versions[2].Version, newest:GetCurrentPage()[1].Version)
		local early = store:ListVersionsAsync("hist", "Ascending", nil, versions[2].CreatedTime - 1)
		assert.are.equal(1, #early:GetCurrentPage())

		local value, info = store:GetVersionAsync("hist", first)
		assert.are.equal("one", value)
		assert.are.equal(first, info.Version)
		assert.is_nil((store:GetVersionAsync("hist", versions[3].Version)))
		assert.matches("^502: .*HTTP 400", support.errorOf(function() store:GetVersionAsync("hist", "bogus") end))
		assert.matches("^103: ", support.errorOf(function() store:GetVersionAsync("hist") end))
	end)

	it("lists data stores by prefix", function()
		service:GetDataStore("Alpha"):SetAsync("k", 1)
		service:GetDataStore("Alps"):SetAsync("k", 1)
		service:GetDataStore("Beta"):SetAsync("k", 1)
		local pages = service:ListDataStoresAsync("Al", 1)
		local names = { pages:GetCurrentPage()[1].DataStoreName }
		assert.is_false(pages.IsFinished)
		pages:AdvanceToNextPageAsync()
		names[2] = pages:GetCurrentPage()[1].DataStoreName
		assert.are.same({ "Alpha", "Alps" }, names)
		assert.is_number(pages:GetCurrentPage()[1].CreatedTime)
	end)

	it("keeps the global data store apart", function()
		local global = service:GetGlobalDataStore()
		global:SetAsync("motd", "hello")
		assert.are.equal("hello", (global:GetAsync("motd")))
		assert.are.equal("GlobalDataStore", global.Name)
		assert.is_nil((service:GetDataStore("Players"):GetAsync("motd")))
	end)
end)
