-- examples/luau-example.lua — the Luau DataStoreService module outside Roblox: the same game
-- code, with a luasocket transport and dkjson codec injected (inside Roblox the defaults,
-- HttpService, are used and only Configure{baseUrl, universeId} is needed).
-- Run against a server:  lua5.1 examples/luau-example.lua [http://127.0.0.1:8080] [universe]
-- Needs the Debian packages lua5.1, lua-socket and lua-dkjson.
local http = require("socket.http")
local ltn12 = require("ltn12")
local socket = require("socket")
local dkjson = require("dkjson")

local DataStoreService = dofile("clients/luau/DataStoreService.lua")
DataStoreService:Configure({
	baseUrl = arg[1] or "http://127.0.0.1:8080",
	universeId = tonumber(arg[2] or "42"),
	json = {
		encode = function(v)
			return dkjson.encode(v)
		end,
		decode = function(s)
			return (dkjson.decode(s))
		end,
	},
	sleep = socket.sleep,
	transport = function(request) -- shaped like HttpService:RequestAsync
		local body = {}
		local headers = request.Headers
		if request.Body then
			headers["content-length"] = tostring(#request.Body)
		end
		local ok, status, responseHeaders = http.request({
			url = request.Url,
			method = request.Method,
			headers = headers,
			source = request.Body and ltn12.source.string(request.Body) or nil,
			sink = ltn12.sink.table(body),
		})
		assert(ok, status)
		return { StatusCode = status, Headers = responseHeaders, Body = table.concat(body) }
	end,
})

-- Ordinary game code from here on.
local players = DataStoreService:GetDataStore("Players")
local options = DataStoreService.DataStoreSetOptions.new() -- Instance.new("DataStoreSetOptions")
options:SetMetadata({ region = "eu" })
players:SetAsync("user_269323", { coins = 10, inventory = { "sword" } }, { 269323 }, options)

local data, keyInfo = players:UpdateAsync("user_269323", function(current, info)
	current.coins = current.coins + 25
	return current, info:GetUserIds(), info:GetMetadata()
end)
print("coins", data.coins, "version", keyInfo.Version, "region", keyInfo:GetMetadata().region)

local board = DataStoreService:GetOrderedDataStore("TopCoins")
board:SetAsync("user_269323", data.coins)
local pages = board:GetSortedAsync(false, 10)
for rank, entry in ipairs(pages:GetCurrentPage()) do
	print(rank, entry.key, entry.value)
end

local ok, err = pcall(function()
	players:SetAsync("user_269323", string.rep("x", 4194305))
end)
print("too big:", ok, err) -- false  105: Serialized value exceeds 4MB limit.
