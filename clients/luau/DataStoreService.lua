--[[
DataStoreService.lua — Roblox's DataStoreService over datastored's HTTP surface (or Roblox
Open Cloud), as one ModuleScript. Game code that calls
    game:GetService("DataStoreService")
runs unchanged against the emulator by requiring this module instead:
    local DataStoreService = require(path.to.DataStoreService)
    DataStoreService:Configure({ baseUrl = "http://127.0.0.1:8080", universeId = 42 })

It behaves as Roblox's does, member for member (clients/luau/ROBLOX_PARITY.md): the same
argument checks and numbered errors, GetAsync's 4-second cache, per-server request budgets
per Enum.DataStoreRequestType, and throttling that makes a request wait in its queue (30
deep; 301–306 when full) instead of failing. Like Roblox it does not retry other failures:
a 5xx or a lost connection raises to the caller's pcall, so the caller's own retry logic is
what a fault-injection test exercises. Configure{ retries = { maxRetries = 4 } } opts in.

Written in the Lua 5.1 subset that is also valid Luau (no type annotations, no compound
assignment, no goto). The HTTP transport, JSON codec, sleep and clocks are injectable; by
default they are Roblox's HttpService:RequestAsync, JSONEncode/JSONDecode, task.wait and
os.clock, so inside Roblox (or dsrun) the module needs nothing else.

One file on purpose: a ModuleScript that can be dropped into any place without siblings.
Sections: configuration, helpers, errors, budgets and throttle queues, key info and
options, pages, HTTP, standard data stores, ordered data stores, the service.
]]

local DataStoreService = {}

local DEFAULTS = {
	baseUrl = "http://127.0.0.1:8080",
	retries = false, -- or { maxRetries, baseDelay, maxDelay, maxRetryAfter }: opt-in retries
	maxUpdateAttempts = 64, -- UpdateAsync rounds before giving up on conflicts
	cacheSeconds = 4, -- GetAsync results are served from the cache this long (Roblox: 4 s)
	throttleQueueSize = 30, -- requests one throttle queue holds (Roblox: 30)
	maxThrottleWait = 60, -- seconds a throttled request waits in its queue before dropping
	enforceBudgets = false, -- true: wait in the queue when this server's budget is spent
	onUpdateInterval = 60, -- seconds between OnUpdate polls (Roblox polls once a minute)
}

local RETRY_DEFAULTS = { maxRetries = 4, baseDelay = 0.1, maxDelay = 5, maxRetryAfter = 60 }

local MAX_NAME = 50
local MAX_VALUE = 4194304
local MAX_METADATA = 300
local MAX_USER_IDS = 4

-- ---------------------------------------------------------------- helpers

local function urlEncode(text)
	return (string.gsub(tostring(text), "[^%w%-%._~]", function(c)
		return string.format("%%%02X", string.byte(c))
	end))
end

-- Integers (universe ids, deltas, bounds) without Lua 5.1's "1e+15" spelling.
local function integerText(n)
	return string.format("%.0f", n)
end

local function isInteger(n)
	return type(n) == "number" and n == n and n ~= math.huge and n ~= -math.huge and math.floor(n) == n
end

-- Days since 1970-01-01 of a civil date (proleptic Gregorian), free of the local time zone.
local function daysFromCivil(y, m, d)
	if m <= 2 then
		y = y - 1
	end
	local era = math.floor(y / 400)
	local yoe = y - era * 400
	local mp = (m + 9) % 12
	local doy = math.floor((153 * mp + 2) / 5) + d - 1
	local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
	return era * 146097 + doe - 719468
end

-- RFC 3339 ("2026-11-25T15:03:32.1582300Z", "+00:00") to milliseconds since the epoch.
local function parseTime(text)
	if type(text) ~= "string" then
		return nil
	end
	local y, mo, d, h, mi, s, rest = string.match(text, "^(%d+)-(%d+)-(%d+)[Tt ](%d+):(%d+):(%d+)(.*)$")
	if not y then
		return nil
	end
	local ms = 0
	local frac = string.match(rest, "^%.(%d+)")
	if frac then
		ms = math.floor(tonumber(string.sub(frac .. "000", 1, 3)))
		rest = string.sub(rest, #frac + 2)
	end
	local offset = 0
	local sign, oh, om = string.match(rest, "^([%+%-])(%d+):(%d+)$")
	if sign then
		offset = (tonumber(oh) * 60 + tonumber(om)) * 60
		if sign == "-" then
			offset = -offset
		end
	end
	local days = daysFromCivil(tonumber(y), tonumber(mo), tonumber(d))
	local seconds = days * 86400 + tonumber(h) * 3600 + tonumber(mi) * 60 + tonumber(s) - offset
	return seconds * 1000 + ms
end

-- Milliseconds since the epoch to "YYYY-MM-DDTHH:MM:SS.mmmZ".
local function formatTime(ms)
	local seconds = math.floor(ms / 1000)
	local days = math.floor(seconds / 86400)
	local rem = seconds - days * 86400
	local z = days + 719468
	local era = math.floor(z / 146097)
	local doe = z - era * 146097
	local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
	local y = yoe + era * 400
	local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
	local mp = math.floor((5 * doy + 2) / 153)
	local d = doy - math.floor((153 * mp + 2) / 5) + 1
	local m = mp < 10 and mp + 3 or mp - 9
	if m <= 2 then
		y = y + 1
	end
	return string.format(
		"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		y,
		m,
		d,
		math.floor(rem / 3600),
		math.floor(rem / 60) % 60,
		rem % 60,
		ms - seconds * 1000
	)
end

-- ---------------------------------------------------------------- errors

-- Raises a Roblox-style error: "<code>: <message>" (pcall returns that string).
local function fail(code, message)
	error(tostring(code) .. ": " .. message, 0)
end

-- The number Roblox puts on a request dropped from a full throttle queue, by method.
local THROTTLE_CODES = {
	GetAsync = 301,
	SetAsync = 302,
	IncrementAsync = 303,
	UpdateAsync = 304,
	GetSortedAsync = 305,
	RemoveAsync = 306,
}

local function dropped(method)
	local text = method .. " request dropped. Request was throttled, but throttled request queue was full."
	local code = THROTTLE_CODES[method]
	if code then
		fail(code, text)
	end
	error(text, 0) -- Roblox's other throttle errors (ListKeysAsync, ...) carry no number
end

local function checkKey(key)
	if type(key) == "number" then
		key = tostring(key)
	end
	if type(key) ~= "string" or #key == 0 then
		fail(101, "Key name can't be empty.")
	end
	if #key > MAX_NAME then
		fail(102, "Key name exceeds the 50 character limit.")
	end
	return key
end

local function checkName(name, what)
	if type(name) ~= "string" or #name == 0 then
		fail(101, "DataStore " .. what .. " can't be empty.")
	end
	if #name > MAX_NAME then
		fail(102, "DataStore " .. what .. " exceeds the 50 character limit.")
	end
	return name
end

-- Rejects what a data store cannot hold (functions, cycles, mixed tables, NaN), as Roblox does.
local function checkStorable(value, seen, depth)
	local kind = type(value)
	if kind == "string" or kind == "boolean" then
		return
	end
	if kind == "number" then
		if value ~= value or value == math.huge or value == -math.huge then
			fail(104, "Cannot store NaN or infinity in data store.")
		end
		return
	end
	if kind ~= "table" then
		fail(104, "Cannot store " .. kind .. " in data store. Data stores can only accept valid UTF-8 characters.")
	end
	if seen[value] or depth > 100 then
		fail(104, "Cannot store a table that contains itself (or is nested too deep) in data store.")
	end
	seen[value] = true
	local n, count, hasString = #value, 0, false
	for k, v in pairs(value) do
		count = count + 1
		if type(k) == "string" then
			hasString = true
		elseif not (isInteger(k) and k >= 1 and k <= n) then
			fail(104, "Cannot store Array with non-sequential or non-integer keys in data store.")
		end
		checkStorable(v, seen, depth + 1)
	end
	if hasString and count ~= 0 and n > 0 then
		fail(104, "Cannot store mixed tables (array and dictionary keys) in data store.")
	end
	seen[value] = nil
end

-- ---------------------------------------------------------------- budgets and throttle queues

-- Enum.DataStoreRequestType, by value (Roblox numbers its items this way).
local REQUEST_TYPES = {
	[0] = "GetAsync",
	[1] = "SetIncrementAsync",
	[2] = "UpdateAsync",
	[3] = "GetSortedAsync",
	[4] = "SetIncrementSortedAsync",
	[5] = "OnUpdate",
	[6] = "ListAsync",
	[7] = "GetVersionAsync",
	[8] = "RemoveVersionAsync",
}

-- Per-server budget of each type: base + perPlayer × players requests a minute (the classic
-- per-server table of ROBLOX_FACTS.md §4.3). UpdateAsync has no budget of its own: it is
-- the smaller of GetAsync and SetIncrementAsync, and an UpdateAsync spends both.
local RATES = {
	GetAsync = { 60, 10 },
	SetIncrementAsync = { 60, 10 },
	GetSortedAsync = { 5, 2 },
	SetIncrementSortedAsync = { 30, 5 },
	OnUpdate = { 30, 5 },
	ListAsync = { 5, 2 },
	GetVersionAsync = { 5, 2 },
	RemoveVersionAsync = { 5, 2 },
}

-- What each call spends, and the queue it waits in when throttled (Roblox has four).
local CALLS = {
	GetAsync = { { "GetAsync" }, "get" },
	SetAsync = { { "SetIncrementAsync" }, "set" },
	IncrementAsync = { { "SetIncrementAsync" }, "set" },
	RemoveAsync = { { "SetIncrementAsync" }, "set" },
	UpdateAsync = { { "GetAsync", "SetIncrementAsync" }, "set" },
	GetVersionAsync = { { "GetVersionAsync" }, "get" },
	GetVersionAtTimeAsync = { { "GetVersionAsync" }, "get" },
	RemoveVersionAsync = { { "RemoveVersionAsync" }, "set" },
	ListKeysAsync = { { "ListAsync" }, "get" },
	ListVersionsAsync = { { "ListAsync" }, "get" },
	ListDataStoresAsync = { { "ListAsync" }, "get" },
	OnUpdate = { { "OnUpdate" }, "get" },
	OrderedGetAsync = { { "GetAsync" }, "orderedGet" },
	OrderedSetAsync = { { "SetIncrementSortedAsync" }, "orderedSet" },
	OrderedIncrementAsync = { { "SetIncrementSortedAsync" }, "orderedSet" },
	OrderedRemoveAsync = { { "SetIncrementSortedAsync" }, "orderedSet" },
	OrderedUpdateAsync = { { "GetAsync", "SetIncrementSortedAsync" }, "orderedSet" },
	GetSortedAsync = { { "GetSortedAsync" }, "orderedGet" },
}

-- The Roblox method name of a call (ordered calls are named without the prefix).
local function methodName(call)
	return (string.gsub(call, "^Ordered", ""))
end

-- The name of a request type given as an EnumItem, its name ("GetAsync" or
-- "Enum.DataStoreRequestType.GetAsync") or its number.
local function requestTypeName(requestType)
	local name
	if type(requestType) == "number" then
		name = REQUEST_TYPES[requestType]
	elseif type(requestType) == "string" then
		name = string.match(requestType, "([%w]+)$")
	elseif (type(requestType) == "table" or type(requestType) == "userdata") and requestType.Name then
		name = tostring(requestType.Name)
	end
	if not name or (not RATES[name] and name ~= "UpdateAsync") then
		fail(103, "Unable to cast value to Enum.DataStoreRequestType: " .. tostring(requestType))
	end
	return name
end

local function playerCount(service)
	local c = service._config
	if type(c.players) == "number" then
		return c.players
	end
	if type(c.players) == "function" then
		return c.players()
	end
	local ok, n = pcall(function()
		return #game:GetService("Players"):GetPlayers()
	end)
	return ok and n or 0
end

-- Requests a minute for one budget type on this server.
local function ratePerMinute(service, name)
	local r = service._rates[name] or RATES[name]
	return r[1] + r[2] * playerCount(service)
end

-- The budget of one type now: it starts at one minute's worth, refills continuously at the
-- per-minute rate and holds at most three minutes' worth.
local function bucket(service, name)
	local b = service._buckets[name]
	local now = service._config.clock()
	local perMinute = ratePerMinute(service, name)
	if not b then
		b = { tokens = perMinute, at = now }
		service._buckets[name] = b
	end
	b.tokens = math.min(3 * perMinute, b.tokens + (now - b.at) * perMinute / 60)
	b.at = now
	return b
end

local function available(service, kinds)
	for _, name in ipairs(kinds) do
		if bucket(service, name).tokens < 1 then
			return false
		end
	end
	return true
end

local function spend(service, kinds)
	for _, name in ipairs(kinds) do
		local b = bucket(service, name)
		b.tokens = b.tokens - 1
	end
end

-- Enters the call's throttle queue (raising 30x when it is full); returns a function that
-- leaves it.
local function enterQueue(service, call)
	local queue = service._queues[CALLS[call][2]]
	if queue.waiting >= service._config.throttleQueueSize then
		dropped(methodName(call))
	end
	queue.waiting = queue.waiting + 1
	local left = false
	return function()
		if not left then
			left = true
			queue.waiting = queue.waiting - 1
		end
	end
end

-- Spends the call's budget. With enforceBudgets, a call over budget waits in its queue
-- until the budget refills (or drops after maxThrottleWait, or at once when the queue is
-- full), as a Roblox server does.
local function admit(service, call)
	local kinds = CALLS[call][1]
	local c = service._config
	if c.enforceBudgets and not available(service, kinds) then
		local leave = enterQueue(service, call)
		local deadline = c.clock() + c.maxThrottleWait
		while not available(service, kinds) do
			if c.clock() >= deadline then
				leave()
				dropped(methodName(call))
			end
			c.sleep(0.25)
		end
		leave()
	end
	spend(service, kinds)
end

-- ---------------------------------------------------------------- key info and options

local DataStoreKeyInfo = {}
DataStoreKeyInfo.__index = DataStoreKeyInfo
DataStoreKeyInfo.ClassName = "DataStoreKeyInfo"

local function newKeyInfo(version, createdMs, updatedMs, userIds, metadata)
	return setmetatable({
		Version = version,
		CreatedTime = createdMs,
		UpdatedTime = updatedMs,
		_userIds = userIds or {},
		_metadata = metadata or {},
	}, DataStoreKeyInfo)
end

function DataStoreKeyInfo:GetUserIds()
	local copy = {}
	for i, id in ipairs(self._userIds) do
		copy[i] = id
	end
	return copy
end

function DataStoreKeyInfo:GetMetadata()
	local copy = {}
	for k, v in pairs(self._metadata) do
		copy[k] = v
	end
	return copy
end

local function copyKeyInfo(info)
	return info and newKeyInfo(info.Version, info.CreatedTime, info.UpdatedTime, info:GetUserIds(), info:GetMetadata())
end

-- DataStoreSetOptions / DataStoreIncrementOptions: metadata to store with a write.
local DataStoreSetOptions = {}
DataStoreSetOptions.__index = DataStoreSetOptions
DataStoreSetOptions.ClassName = "DataStoreSetOptions"

function DataStoreSetOptions.new()
	return setmetatable({ _metadata = {} }, DataStoreSetOptions)
end

function DataStoreSetOptions:SetMetadata(metadata)
	if type(metadata) ~= "table" then
		fail(513, "Attribute metadata format is invalid")
	end
	self._metadata = metadata
end

function DataStoreSetOptions:GetMetadata()
	local copy = {}
	for k, v in pairs(self._metadata) do
		copy[k] = v
	end
	return copy
end

local DataStoreIncrementOptions = setmetatable({}, { __index = DataStoreSetOptions })
DataStoreIncrementOptions.__index = DataStoreIncrementOptions
DataStoreIncrementOptions.ClassName = "DataStoreIncrementOptions"

function DataStoreIncrementOptions.new()
	return setmetatable({ _metadata = {} }, DataStoreIncrementOptions)
end

-- DataStoreOptions (GetDataStore): AllScopes lists and addresses keys as "scope/key".
local DataStoreOptions = {}
DataStoreOptions.__index = DataStoreOptions
DataStoreOptions.ClassName = "DataStoreOptions"

function DataStoreOptions.new()
	return setmetatable({ AllScopes = false }, DataStoreOptions)
end

function DataStoreOptions:SetExperimentalFeatures() end

-- DataStoreGetOptions: UseCache = false skips GetAsync's 4-second cache.
local DataStoreGetOptions = {}
DataStoreGetOptions.__index = DataStoreGetOptions
DataStoreGetOptions.ClassName = "DataStoreGetOptions"

function DataStoreGetOptions.new()
	return setmetatable({ UseCache = true }, DataStoreGetOptions)
end

DataStoreService.DataStoreKeyInfo = DataStoreKeyInfo
DataStoreService.DataStoreSetOptions = DataStoreSetOptions
DataStoreService.DataStoreIncrementOptions = DataStoreIncrementOptions
DataStoreService.DataStoreOptions = DataStoreOptions
DataStoreService.DataStoreGetOptions = DataStoreGetOptions

-- ---------------------------------------------------------------- pages

-- Pages (DataStorePages, DataStoreKeyPages, DataStoreVersionPages, DataStoreListingPages):
-- fetch(cursor) returns the items of one page and the next cursor (nil at the end).
local Pages = {}
Pages.__index = Pages

local function copyItem(item)
	if type(item) ~= "table" then
		return item
	end
	local copy = {}
	for k, v in pairs(item) do
		copy[k] = v
	end
	return setmetatable(copy, getmetatable(item))
end

local function newPages(className, fetch)
	local items, nextCursor = fetch(nil)
	local pages = setmetatable({ ClassName = className, _fetch = fetch, _items = items, _next = nextCursor }, Pages)
	pages.IsFinished = nextCursor == nil
	pages.Cursor = nextCursor or ""
	return pages
end

-- A copy each time: a caller's edits never reach the next call (as in Roblox).
function Pages:GetCurrentPage()
	local copy = {}
	for i, item in ipairs(self._items) do
		copy[i] = copyItem(item)
	end
	return copy
end

function Pages:AdvanceToNextPageAsync()
	if self.IsFinished then
		error("No pages to advance to", 0)
	end
	local items, nextCursor = self._fetch(self._next)
	self._items, self._next, self.IsFinished = items, nextCursor, nextCursor == nil
	self.Cursor = nextCursor or ""
end

-- ---------------------------------------------------------------- HTTP

-- Roblox's HttpService, looked up only when used (the module loads outside Roblox too).
local function httpService()
	return game:GetService("HttpService")
end

local function robloxTransport(request)
	local response = httpService():RequestAsync({
		Url = request.Url,
		Method = request.Method,
		Headers = request.Headers,
		Body = request.Body,
	})
	return { StatusCode = response.StatusCode, Headers = response.Headers, Body = response.Body }
end

local robloxJson = {
	encode = function(value)
		return httpService():JSONEncode(value)
	end,
	decode = function(text)
		return httpService():JSONDecode(text)
	end,
}

local function defaultSleep(seconds)
	if task and task.wait then
		task.wait(seconds)
	elseif wait then
		wait(seconds)
	end
end

local function lowerHeaders(headers)
	local out = {}
	for k, v in pairs(headers or {}) do
		out[string.lower(tostring(k))] = v
	end
	return out
end

-- One request. A 429 (throttled) makes the call wait in its throttle queue and try again,
-- as Roblox queues a throttled request; it drops with 30x when the queue is full or after
-- maxThrottleWait. Nothing else is repeated unless Configure{retries = ...} asks for it
-- (then 5xx and lost answers of safe requests — reads, set, remove — up to maxRetries).
-- Returns status, body text, headers (lower-case keys) and the number of attempts; raises
-- 502 for a transport error.
local function send(service, call, method, path, body, headers, safe)
	local config = service._config
	local request = { Url = config.baseUrl .. path, Method = method, Headers = { ["Content-Type"] = "application/json" } }
	if config.apiKey then
		request.Headers["x-api-key"] = config.apiKey
	end
	for k, v in pairs(headers or {}) do
		request.Headers[k] = v
	end
	if body ~= nil then
		request.Body = body
	end
	local retries = config.retries
	local attempt, leave, deadline = 0, nil, nil
	while true do
		attempt = attempt + 1
		local ok, response = pcall(config.transport, request)
		local status, text, answer = 0, "", {}
		if ok and type(response) == "table" then
			status, text, answer = tonumber(response.StatusCode) or 0, response.Body or "", lowerHeaders(response.Headers)
		end
		local wait
		if status == 429 then
			if not leave then
				leave = enterQueue(service, call)
				deadline = config.clock() + config.maxThrottleWait
			end
			wait = math.max(tonumber(answer["retry-after"] or "") or 1, 0.05)
			if config.clock() + wait > deadline then
				leave()
				dropped(methodName(call))
			end
		elseif (not ok or status == 0 or status >= 500) and retries and safe and attempt <= retries.maxRetries then
			local ceiling = math.min(retries.maxDelay, retries.baseDelay * 2 ^ (attempt - 1))
			wait = math.max(tonumber(answer["retry-after"] or "") or 0, config.random() * ceiling)
			if wait > retries.maxRetryAfter then
				wait = nil
			end
		end
		if not wait then
			if leave then
				leave()
			end
			if not ok or status == 0 then
				fail(502, "API Services rejected request with error. HTTP 0 (HttpError): " .. tostring(response))
			end
			return status, text, answer, attempt
		end
		config.sleep(wait)
	end
end

-- The server's error (any of Open Cloud's envelopes) as code, detail and message.
local function describe(service, status, text)
	local ok, doc = pcall(service._config.json.decode, text)
	local code, detail, message = "", "", ""
	if ok and type(doc) == "table" then
		code = tostring(doc.error or doc.code or "")
		message = tostring(doc.message or "")
		local details = doc.errorDetails or doc.details
		if type(details) == "table" and type(details[1]) == "table" then
			detail = tostring(details[1].datastoreErrorCode or "")
		end
		if type(doc.errors) == "table" and type(doc.errors[1]) == "table" then
			message = tostring(doc.errors[1].message or message)
		end
	end
	return code, detail, message
end

-- Raises the Roblox-style error for a failed answer: 502 "API Services rejected request".
local function raise(service, status, text)
	local code, detail, message = describe(service, status, text)
	if string.match(message, "^%d%d%d: ") then
		error(message, 0) -- already Roblox-numbered
	end
	fail(
		502,
		string.format(
			"API Services rejected request with error. HTTP %d (%s)%s %s",
			status,
			code,
			detail ~= "" and " " .. detail .. ":" or ":",
			message
		)
	)
end

-- Pages over a listing route: base is its path and query without the page token, tokenParam
-- the token's query name, firstToken where to start (nil: the beginning), listField and
-- nextField the answer's array and next-token members, toItem maps one array element.
local function listPages(service, call, className, base, tokenParam, firstToken, listField, nextField, toItem)
	return newPages(className, function(token)
		token = token or firstToken
		admit(service, call)
		local path = base .. ((token and token ~= "") and "&" .. tokenParam .. "=" .. urlEncode(token) or "")
		local status, text = send(service, call, "GET", path, nil, nil, true)
		if status ~= 200 then
			raise(service, status, text)
		end
		local doc = service._config.json.decode(text)
		local items = {}
		for i, entry in ipairs(doc[listField] or {}) do
			items[i] = toItem(entry)
		end
		local nextToken = doc[nextField]
		return items, (nextToken ~= nil and nextToken ~= "") and nextToken or nil
	end)
end

-- ---------------------------------------------------------------- standard data stores

local DataStore = {}
DataStore.__index = DataStore
DataStore.ClassName = "DataStore"

local function newDataStore(service, name, scope, allScopes)
	return setmetatable({ _service = service, _name = name, _scope = scope, _allScopes = allScopes, Name = name }, DataStore)
end

-- Scope and key of a call: with AllScopes the key is "scope/key".
function DataStore:_target(key)
	key = checkKey(key)
	if not self._allScopes then
		return self._scope, key
	end
	local scope, rest = string.match(key, "^([^/]+)/(.+)$")
	if not scope then
		fail(101, "Key name can't be empty.")
	end
	return scope, checkKey(rest)
end

function DataStore:_v1(suffix, key, extra)
	local scope, name = self:_target(key)
	return string.format(
		"/datastores/v1/universes/%s/standard-datastores/datastore/entries%s?datastoreName=%s&entryKey=%s&scope=%s%s",
		integerText(self._service:_universe()),
		suffix,
		urlEncode(self._name),
		urlEncode(name),
		urlEncode(scope),
		extra or ""
	)
end

-- Key info from the roblox-entry-* headers of a v1 answer.
local function keyInfoFromHeaders(service, headers)
	local json = service._config.json
	local ok, ids = pcall(json.decode, headers["roblox-entry-userids"] or "[]")
	local ok2, metadata = pcall(json.decode, headers["roblox-entry-attributes"] or "{}")
	return newKeyInfo(
		headers["roblox-entry-version"],
		parseTime(headers["roblox-entry-created-time"]),
		parseTime(headers["roblox-entry-version-created-time"]),
		ok and type(ids) == "table" and ids or {},
		ok2 and type(metadata) == "table" and metadata or {}
	)
end

-- Request headers carrying user ids and metadata, validated as Roblox does.
local function writeHeaders(service, userIds, options)
	local json = service._config.json
	local headers = {}
	if userIds ~= nil then
		if type(userIds) ~= "table" then
			fail(513, "Attribute userId format is invalid")
		end
		if #userIds > MAX_USER_IDS then
			fail(512, "UserID size exceeds limit of 4")
		end
		local parts = {}
		for i, id in ipairs(userIds) do
			if not isInteger(id) then
				fail(513, "Attribute userId format is invalid")
			end
			parts[i] = integerText(id)
		end
		headers["roblox-entry-userids"] = "[" .. table.concat(parts, ",") .. "]"
	end
	local metadata = options and options.GetMetadata and options:GetMetadata()
	if metadata and next(metadata) ~= nil then
		local text = json.encode(metadata)
		if #text > MAX_METADATA then
			fail(511, "Metadata attribute size exceeds 300 bytes limit")
		end
		headers["roblox-entry-attributes"] = text
	end
	return headers
end

local function encodeValue(service, value)
	if value == nil then
		fail(104, "Cannot store nil in data store.")
	end
	checkStorable(value, {}, 0)
	local text = service._config.json.encode(value)
	if #text > MAX_VALUE then
		fail(105, "Serialized value exceeds 4MB limit.")
	end
	return text
end

-- The cache of this server: key → { text (JSON, nil for none), info, at }. Each hit decodes
-- the text again, so callers never share a table.
function DataStore:_cacheKey(key)
	local scope, name = self:_target(key)
	return self._name .. "\0" .. scope .. "\0" .. name
end

function DataStore:_remember(key, text, info)
	self._service._cache[self:_cacheKey(key)] = { text = text, info = info, at = self._service._config.clock() }
end

function DataStore:_cached(key)
	local c = self._service._cache[self:_cacheKey(key)]
	if c and self._service._config.clock() - c.at < self._service._config.cacheSeconds then
		return c
	end
	return nil
end

local function fromCache(service, c)
	if c.text == nil then
		return nil, nil
	end
	return service._config.json.decode(c.text), copyKeyInfo(c.info)
end

-- GET of the current value: value, key info (nil, nil when there is none), remembered.
function DataStore:_read(key, call)
	local service = self._service
	local status, text, headers = send(service, call, "GET", self:_v1("/entry", key), nil, nil, true)
	if status == 404 then
		self:_remember(key, nil, nil)
		return nil, nil
	end
	if status ~= 200 then
		raise(service, status, text)
	end
	local info = keyInfoFromHeaders(service, headers)
	self:_remember(key, text, info)
	return service._config.json.decode(text), copyKeyInfo(info)
end

-- GetAsync(key, options): served from this server's cache for 4 s after a read or write of
-- the key (a cached read spends no budget); DataStoreGetOptions.UseCache = false skips it.
function DataStore:GetAsync(key, options)
	self:_target(key)
	if options ~= nil and type(options) ~= "table" then
		fail(103, "Argument 2 is not a DataStoreGetOptions")
	end
	if not (options and options.UseCache == false) then
		local c = self:_cached(key)
		if c then
			return fromCache(self._service, c)
		end
	end
	admit(self._service, "GetAsync")
	return self:_read(key, "GetAsync")
end

-- The write under SetAsync and UpdateAsync: returns the answer's status, body and attempts.
function DataStore:_write(call, key, text, headers, extra)
	local status, answer, _, attempts = send(self._service, call, "POST", self:_v1("/entry", key, extra), text, headers, true)
	return status, answer, attempts
end

-- Key info of a write's answer (v1 EntryVersion), with the ids and metadata it sent.
local function writtenInfo(service, answer, userIds, metadata)
	local doc = service._config.json.decode(answer)
	return newKeyInfo(doc.version, parseTime(doc.objectCreatedTime), parseTime(doc.createdTime), userIds, metadata)
end

function DataStore:SetAsync(key, value, userIds, options)
	local service = self._service
	self:_target(key)
	local text = encodeValue(service, value)
	local headers = writeHeaders(service, userIds, options)
	admit(service, "SetAsync")
	local status, answer = self:_write("SetAsync", key, text, headers)
	if status ~= 200 then
		raise(service, status, answer)
	end
	local info = writtenInfo(service, answer, userIds, options and options:GetMetadata())
	self:_remember(key, text, info)
	return info.Version
end

function DataStore:IncrementAsync(key, delta, userIds, options)
	local service = self._service
	self:_target(key)
	if delta == nil then
		delta = 1
	end
	if not isInteger(delta) then
		fail(103, "IncrementAsync delta must be an integer")
	end
	local headers = writeHeaders(service, userIds, options)
	admit(service, "IncrementAsync")
	local path = self:_v1("/entry/increment", key, "&incrementBy=" .. integerText(delta))
	-- An increment whose answer was lost may have committed: never repeated after a 5xx.
	local status, text, answerHeaders = send(service, "IncrementAsync", "POST", path, nil, headers, false)
	if status ~= 200 then
		raise(service, status, text)
	end
	local info = keyInfoFromHeaders(service, answerHeaders)
	self:_remember(key, text, info)
	return tonumber(text), copyKeyInfo(info)
end

-- RemoveAsync returns the removed value and its key info, read in the delete's own
-- transaction (datastored's returnEntry), so a concurrent write is never lost from it.
function DataStore:RemoveAsync(key)
	local service = self._service
	self:_target(key)
	admit(service, "RemoveAsync")
	local status, text, headers = send(service, "RemoveAsync", "DELETE", self:_v1("/entry", key, "&returnEntry=true"), nil, nil, true)
	if status ~= 200 and status ~= 204 then
		raise(service, status, text)
	end
	self:_remember(key, nil, nil)
	if status == 204 then
		return nil, nil
	end
	return service._config.json.decode(text), keyInfoFromHeaders(service, headers)
end

-- UpdateAsync: the transform runs here, on the current value and key info; the write is
-- conditional on the version it saw (exclusiveCreate for a new key) and the whole round
-- starts again when another writer got in first. Returning nil cancels.
function DataStore:UpdateAsync(key, transform)
	local service = self._service
	self:_target(key)
	if type(transform) ~= "function" then
		fail(103, "UpdateAsync needs a transform function")
	end
	admit(service, "UpdateAsync")
	local json = service._config.json
	local attempted -- what a retried write (after a 5xx or lost answer) tried to store
	for _ = 1, service._config.maxUpdateAttempts do
		local status, text, headers = send(service, "UpdateAsync", "GET", self:_v1("/entry", key), nil, nil, true)
		local current, info
		if status == 200 then
			if attempted and text == attempted then
				local settled = keyInfoFromHeaders(service, headers)
				self:_remember(key, text, settled)
				return json.decode(text), copyKeyInfo(settled)
			end
			current, info = json.decode(text), keyInfoFromHeaders(service, headers)
		elseif status ~= 404 then
			raise(service, status, text)
		end
		attempted = nil
		local newValue, userIds, metadata = transform(current, info and copyKeyInfo(info))
		if newValue == nil then
			return nil, nil
		end
		local valueText = encodeValue(service, newValue)
		local options = DataStoreSetOptions.new()
		if metadata ~= nil then
			options:SetMetadata(metadata)
		end
		local extra = info and "&matchVersion=" .. urlEncode(info.Version) or "&exclusiveCreate=true"
		local writeStatus, answer, attempts = self:_write("UpdateAsync", key, valueText, writeHeaders(service, userIds, options), extra)
		if writeStatus == 200 then
			local written = writtenInfo(service, answer, userIds, metadata)
			self:_remember(key, valueText, written)
			return json.decode(valueText), copyKeyInfo(written)
		end
		local _, detail = describe(service, writeStatus, answer)
		local conflict = writeStatus == 412 or (writeStatus == 409 and (detail == "" or detail == "PreconditionFailed"))
		if not conflict then
			raise(service, writeStatus, answer)
		end
		-- A conflict after a retried write may be our own committed first attempt.
		if attempts > 1 then
			attempted = valueText
		end
	end
	dropped("UpdateAsync")
end

-- ListKeysAsync(prefix, pageSize, cursor, excludeDeleted) → DataStoreKeyPages of
-- DataStoreKey ({KeyName}); with AllScopes the names are "scope/key".
function DataStore:ListKeysAsync(prefix, pageSize, cursor, excludeDeleted)
	local service = self._service
	local scope = self._allScopes and "-" or self._scope
	local base = string.format(
		"/cloud/v2/universes/%s/data-stores/%s/scopes/%s/entries?showDeleted=%s",
		integerText(service:_universe()),
		urlEncode(self._name),
		urlEncode(scope),
		excludeDeleted and "false" or "true"
	)
	base = base .. "&maxPageSize=" .. integerText(math.min((pageSize and pageSize > 0) and pageSize or 50, 256))
	if prefix and prefix ~= "" then
		base = base .. "&filter=" .. urlEncode('id.startsWith("' .. prefix .. '")')
	end
	return listPages(service, "ListKeysAsync", "DataStoreKeyPages", base, "pageToken", cursor, "dataStoreEntries", "nextPageToken", function(entry)
		return { ClassName = "DataStoreKey", KeyName = entry.id }
	end)
end

local function sortName(direction)
	if direction == nil then
		return "Ascending"
	end
	local name = type(direction) == "string" and direction
		or (type(direction) == "number" and (direction == 1 and "Descending" or "Ascending"))
		or direction.Name
		or tostring(direction)
	return string.find(name, "Descending", 1, true) and "Descending" or "Ascending"
end

-- ListVersionsAsync(key, sortDirection, minDate, maxDate, pageSize) → DataStoreVersionPages
-- of DataStoreObjectVersionInfo ({Version, CreatedTime, IsDeleted}); dates in ms.
function DataStore:ListVersionsAsync(key, sortDirection, minDate, maxDate, pageSize)
	local service = self._service
	local extra = "&sortOrder=" .. sortName(sortDirection)
	if minDate and minDate > 0 then
		extra = extra .. "&startTime=" .. urlEncode(formatTime(minDate))
	end
	if maxDate and maxDate > 0 then
		extra = extra .. "&endTime=" .. urlEncode(formatTime(maxDate))
	end
	if pageSize and pageSize > 0 then
		extra = extra .. "&limit=" .. integerText(pageSize)
	end
	local base = self:_v1("/entry/versions", key, extra)
	return listPages(service, "ListVersionsAsync", "DataStoreVersionPages", base, "cursor", nil, "versions", "nextPageCursor", function(v)
		return { ClassName = "DataStoreObjectVersionInfo", Version = v.version, CreatedTime = parseTime(v.createdTime), IsDeleted = v.deleted == true }
	end)
end

-- GetVersionAsync(key, version) → value, key info; nil, nil for a deleted version.
function DataStore:GetVersionAsync(key, version)
	local service = self._service
	self:_target(key)
	if type(version) ~= "string" or version == "" then
		fail(103, "GetVersionAsync needs a version string")
	end
	admit(service, "GetVersionAsync")
	local path = self:_v1("/entry/versions/version", key, "&versionId=" .. urlEncode(version))
	local status, text, headers = send(service, "GetVersionAsync", "GET", path, nil, nil, true)
	if status == 404 then
		local _, detail = describe(service, status, text)
		if detail == "EntryNotFound" then
			return nil, nil
		end
	end
	if status ~= 200 then
		raise(service, status, text)
	end
	return service._config.json.decode(text), keyInfoFromHeaders(service, headers)
end

-- GetVersionAtTimeAsync(key, timestamp ms) → the value and key info of the version current
-- at that time; nil, nil when there was none (or it was a deletion).
function DataStore:GetVersionAtTimeAsync(key, timestamp)
	local service = self._service
	local scope, name = self:_target(key)
	local now = service._config.epochMs()
	if type(timestamp) ~= "number" or timestamp <= 0 or timestamp > now + 600000 then
		error("InvalidTimestamp: the timestamp must be positive and at most ten minutes in the future", 0)
	end
	admit(service, "GetVersionAtTimeAsync")
	local path = string.format(
		"/cloud/v2/universes/%s/data-stores/%s/scopes/%s/entries/%s",
		integerText(service:_universe()),
		urlEncode(self._name),
		urlEncode(scope),
		urlEncode(name .. "@latest:" .. formatTime(math.floor(timestamp)))
	)
	local status, text = send(service, "GetVersionAtTimeAsync", "GET", path, nil, nil, true)
	if status == 404 then
		return nil, nil
	end
	if status ~= 200 then
		raise(service, status, text)
	end
	local doc = service._config.json.decode(text)
	if doc.state == "DELETED" or doc.value == nil then
		return nil, nil
	end
	local ids = {}
	for i, u in ipairs(doc.users or {}) do
		ids[i] = tonumber((string.gsub(tostring(u), "^users/", "")))
	end
	return doc.value, newKeyInfo(doc.revisionId, parseTime(doc.createTime), parseTime(doc.revisionCreateTime), ids, doc.attributes or {})
end

-- RemoveVersionAsync(key, version): deletes that version of history for good.
function DataStore:RemoveVersionAsync(key, version)
	local service = self._service
	self:_target(key)
	if type(version) ~= "string" or version == "" then
		fail(103, "RemoveVersionAsync needs a version string")
	end
	admit(service, "RemoveVersionAsync")
	local path = self:_v1("/entry/versions/version", key, "&versionId=" .. urlEncode(version))
	local status, text = send(service, "RemoveVersionAsync", "DELETE", path, nil, nil, true)
	if status ~= 204 and status ~= 200 then
		raise(service, status, text)
	end
end

-- OnUpdate(key, callback) (deprecated in Roblox, still callable): polls the key every
-- onUpdateInterval seconds (Roblox: once a minute) and calls callback(value, keyInfo) when
-- its version changed. Returns a connection with Disconnect().
function DataStore:OnUpdate(key, callback)
	local service = self._service
	self:_target(key)
	if type(callback) ~= "function" then
		fail(103, "OnUpdate needs a callback function")
	end
	admit(service, "OnUpdate")
	local connection = { Connected = true, ClassName = "RBXScriptConnection" }
	function connection:Disconnect()
		connection.Connected = false
	end
	local store = self
	local function poll()
		local _, info = store:_read(key, "OnUpdate")
		local seen = info and info.Version
		while connection.Connected do
			service._config.sleep(service._config.onUpdateInterval)
			if not connection.Connected then
				break
			end
			local ok, value, latest = pcall(store._read, store, key, "OnUpdate")
			local version = ok and latest and latest.Version or nil
			if ok and version ~= seen then
				seen = version
				callback(value, latest)
			end
		end
	end
	if task and task.spawn then
		task.spawn(poll)
	else
		local thread = coroutine.create(poll)
		coroutine.resume(thread)
	end
	return connection
end

-- ---------------------------------------------------------------- ordered data stores

local OrderedDataStore = {}
OrderedDataStore.__index = OrderedDataStore
OrderedDataStore.ClassName = "OrderedDataStore"

local function newOrderedDataStore(service, name, scope)
	return setmetatable({ _service = service, _name = name, _scope = scope, Name = name }, OrderedDataStore)
end

function OrderedDataStore:_path(key, suffix)
	local path = string.format(
		"/cloud/v2/universes/%s/ordered-data-stores/%s/scopes/%s/entries",
		integerText(self._service:_universe()),
		urlEncode(self._name),
		urlEncode(self._scope)
	)
	if key then
		path = path .. "/" .. urlEncode(checkKey(key))
	end
	return path .. (suffix or "")
end

-- Ordered stores hold integers only.
local function checkOrderedValue(value)
	if not isInteger(value) then
		fail(104, "Cannot store non-integer value in OrderedDataStore.")
	end
	return value
end

function OrderedDataStore:_get(key, call)
	local service = self._service
	local status, text = send(service, call, "GET", self:_path(key), nil, nil, true)
	if status == 404 then
		return nil
	end
	if status ~= 200 then
		raise(service, status, text)
	end
	return service._config.json.decode(text).value
end

function OrderedDataStore:GetAsync(key)
	checkKey(key)
	admit(self._service, "OrderedGetAsync")
	return self:_get(key, "OrderedGetAsync")
end

function OrderedDataStore:SetAsync(key, value)
	local service = self._service
	checkKey(key)
	local body = service._config.json.encode({ value = checkOrderedValue(value) })
	admit(service, "OrderedSetAsync")
	local status, text = send(service, "OrderedSetAsync", "PATCH", self:_path(key, "?allowMissing=true"), body, nil, true)
	if status ~= 200 then
		raise(service, status, text)
	end
	return service._config.json.decode(text).value
end

function OrderedDataStore:IncrementAsync(key, delta)
	local service = self._service
	checkKey(key)
	if delta == nil then
		delta = 1
	end
	if not isInteger(delta) then
		fail(103, "IncrementAsync delta must be an integer")
	end
	local body = service._config.json.encode({ amount = delta })
	admit(service, "OrderedIncrementAsync")
	local status, text = send(service, "OrderedIncrementAsync", "POST", self:_path(key, ":increment"), body, nil, false)
	if status ~= 200 then
		raise(service, status, text)
	end
	return service._config.json.decode(text).value
end

-- Returns the removed value, read in the delete itself (DELETE ... RETURNING).
function OrderedDataStore:RemoveAsync(key)
	local service = self._service
	checkKey(key)
	admit(service, "OrderedRemoveAsync")
	local status, text = send(service, "OrderedRemoveAsync", "DELETE", self:_path(key, "?returnEntry=true"), nil, nil, true)
	if status ~= 200 and status ~= 204 and status ~= 404 then
		raise(service, status, text)
	end
	if status ~= 200 or text == "" then
		return nil
	end
	return service._config.json.decode(text).value
end

-- UpdateAsync: read, transform, and a compare-and-set write (expectedValue) that succeeds
-- only while the entry still holds what the transform saw; otherwise it starts again.
function OrderedDataStore:UpdateAsync(key, transform)
	local service = self._service
	checkKey(key)
	if type(transform) ~= "function" then
		fail(103, "UpdateAsync needs a transform function")
	end
	admit(service, "OrderedUpdateAsync")
	local json = service._config.json
	for _ = 1, service._config.maxUpdateAttempts do
		local current = self:_get(key, "OrderedUpdateAsync")
		local newValue = transform(current)
		if newValue == nil then
			return nil
		end
		local body = json.encode({ value = checkOrderedValue(newValue) })
		local expected = current == nil and "none" or integerText(current)
		local path = self:_path(key, "?allowMissing=true&expectedValue=" .. expected)
		local status, text = send(service, "OrderedUpdateAsync", "PATCH", path, body, nil, false)
		if status == 200 then
			return json.decode(text).value
		end
		local _, detail = describe(service, status, text)
		if not (status == 409 and detail == "PreconditionFailed") then
			raise(service, status, text)
		end
	end
	dropped("UpdateAsync")
end

-- GetSortedAsync(ascending, pageSize, minValue, maxValue) → DataStorePages of {key, value}.
function OrderedDataStore:GetSortedAsync(ascending, pageSize, minValue, maxValue)
	local service = self._service
	if type(ascending) ~= "boolean" then
		fail(103, "GetSortedAsync: ascending must be a boolean")
	end
	if not isInteger(pageSize) or pageSize < 1 or pageSize > 100 then
		fail(106, "PageSize must be within a predefined range.")
	end
	if minValue ~= nil and not isInteger(minValue) then
		fail(106, "MinValue has to be an integer.")
	end
	if maxValue ~= nil and not isInteger(maxValue) then
		fail(106, "MaxValue has to be an integer.")
	end
	if minValue ~= nil and maxValue ~= nil and minValue > maxValue then
		fail(107, "MaxValue must be greater than or equal to MinValue.")
	end
	local base = self:_path(nil)
		.. "?orderBy="
		.. (ascending and "value" or urlEncode("value desc"))
		.. "&maxPageSize="
		.. integerText(pageSize)
	local filter = {}
	if minValue ~= nil then
		filter[#filter + 1] = "entry >= " .. integerText(minValue)
	end
	if maxValue ~= nil then
		filter[#filter + 1] = "entry <= " .. integerText(maxValue)
	end
	if #filter > 0 then
		base = base .. "&filter=" .. urlEncode(table.concat(filter, " && "))
	end
	return listPages(service, "GetSortedAsync", "DataStorePages", base, "pageToken", nil, "orderedDataStoreEntries", "nextPageToken", function(entry)
		return { key = entry.id, value = entry.value }
	end)
end

-- ---------------------------------------------------------------- the service

local Service = {}
Service.__index = Service
Service.ClassName = "DataStoreService"

local function newService(config)
	local self = setmetatable({ _config = {}, _cache = {}, _buckets = {}, _rates = {} }, Service)
	self._queues = { get = { waiting = 0 }, set = { waiting = 0 }, orderedGet = { waiting = 0 }, orderedSet = { waiting = 0 } }
	self:Configure(config or {})
	return self
end

local function defaultEpochMs()
	if DateTime and DateTime.now then
		return DateTime.now().UnixTimestampMillis
	end
	return os.time() * 1000
end

-- Configure{baseUrl, apiKey, universeId, transport, json, sleep, random, clock, epochMs,
-- players, retries, maxUpdateAttempts, cacheSeconds, throttleQueueSize, maxThrottleWait,
-- enforceBudgets, onUpdateInterval}; unspecified keys keep their value (or default).
-- retries = true (or a table overriding RETRY_DEFAULTS) opts in to retrying 5xx and lost
-- answers of safe requests; Roblox itself does not.
function Service:Configure(config)
	local c = self._config
	for k, v in pairs(DEFAULTS) do
		if c[k] == nil then
			c[k] = v
		end
	end
	for k, v in pairs(config) do
		c[k] = v
	end
	if c.retries == true or type(c.retries) == "table" then
		local r = {}
		for k, v in pairs(RETRY_DEFAULTS) do
			r[k] = type(c.retries) == "table" and c.retries[k] or v
		end
		c.retries = r
	else
		c.retries = false
	end
	c.baseUrl = string.gsub(c.baseUrl, "/+$", "")
	c.transport = c.transport or robloxTransport
	c.json = c.json or robloxJson
	c.sleep = c.sleep or defaultSleep
	c.random = c.random or math.random
	c.clock = c.clock or os.clock
	c.epochMs = c.epochMs or defaultEpochMs
	return self
end

function Service:_universe()
	local id = self._config.universeId
	if id == nil and game then
		id = game.GameId
	end
	if not isInteger(id) or id <= 0 then
		fail(502, "API Services rejected request: no universe id (Configure{universeId = N}, or run in a published experience).")
	end
	return id
end

function Service:GetDataStore(name, scope, options)
	checkName(name, "name")
	local allScopes = type(options) == "table" and options.AllScopes == true
	if allScopes then
		if scope ~= nil and scope ~= "" then
			fail(102, "DataStore scope must be empty when AllScopes is true.")
		end
		return newDataStore(self, name, nil, true)
	end
	if scope == nil or scope == "" then
		scope = "global"
	end
	return newDataStore(self, name, checkName(scope, "scope"), false)
end

-- The experience's global data store (datastored: data store "GlobalDataStore", scope
-- "global" — the name MockDataStoreService fixtures import into).
function Service:GetGlobalDataStore()
	local store = newDataStore(self, "GlobalDataStore", "global", false)
	store.ClassName = "GlobalDataStore"
	return store
end

function Service:GetOrderedDataStore(name, scope)
	checkName(name, "name")
	if scope == nil or scope == "" then
		scope = "global"
	end
	return newOrderedDataStore(self, name, checkName(scope, "scope"))
end

-- Requests this server may still make of a type right now (an Enum.DataStoreRequestType
-- item, its name or its number), counted here as Roblox counts them per server: no request
-- to datastored, so any key (or none) can read it.
function Service:GetRequestBudgetForRequestType(requestType)
	local name = requestTypeName(requestType)
	if name == "UpdateAsync" then
		return math.floor(math.min(bucket(self, "GetAsync").tokens, bucket(self, "SetIncrementAsync").tokens))
	end
	return math.floor(bucket(self, name).tokens)
end

-- SetRateLimitForRequestType(requestType, baseLimit, perPlayerLimit): this server's rate.
function Service:SetRateLimitForRequestType(requestType, baseLimit, perPlayerLimit)
	local name = requestTypeName(requestType)
	if type(baseLimit) ~= "number" or baseLimit < 0 or (perPlayerLimit ~= nil and (type(perPlayerLimit) ~= "number" or perPlayerLimit < 0)) then
		fail(103, "SetRateLimitForRequestType needs non-negative limits")
	end
	local names = name == "UpdateAsync" and { "GetAsync", "SetIncrementAsync" } or { name }
	for _, n in ipairs(names) do
		bucket(self, n) -- settle the budget at the old rate first
		self._rates[n] = { baseLimit, perPlayerLimit or 0 }
		local b = self._buckets[n]
		b.tokens = math.min(b.tokens, ratePerMinute(self, n)) -- at most a minute's worth now
	end
end

-- ListDataStoresAsync(prefix, pageSize, cursor) → DataStoreListingPages of DataStoreInfo
-- ({DataStoreName, CreatedTime, UpdatedTime}).
function Service:ListDataStoresAsync(prefix, pageSize, cursor)
	local base = "/datastores/v1/universes/" .. integerText(self:_universe()) .. "/standard-datastores?prefix=" .. urlEncode(prefix or "")
	base = base .. "&limit=" .. integerText((pageSize and pageSize > 0) and pageSize or 32) -- Roblox's default
	return listPages(self, "ListDataStoresAsync", "DataStoreListingPages", base, "cursor", cursor, "datastores", "nextPageCursor", function(d)
		local created = parseTime(d.createdTime)
		return { ClassName = "DataStoreInfo", DataStoreName = d.name, CreatedTime = created, UpdatedTime = created }
	end)
end

-- The module is itself a service (configure it, then use it like DataStoreService), and
-- DataStoreService.new(config) makes independent ones (each with its own cache and budgets,
-- as each Roblox server has).
local default = newService({})
for k, v in pairs(Service) do
	if k ~= "__index" then
		DataStoreService[k] = v
	end
end
for k, v in pairs(default) do
	DataStoreService[k] = v
end
DataStoreService.new = newService
DataStoreService._internal = { parseTime = parseTime, formatTime = formatTime, urlEncode = urlEncode }

return DataStoreService
