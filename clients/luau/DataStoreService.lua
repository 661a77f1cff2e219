--[[
DataStoreService.lua — Roblox's DataStoreService API over datastored's HTTP surface (or
Roblox Open Cloud), as one ModuleScript. Game code that calls
    game:GetService("DataStoreService")
runs unchanged against the emulator by requiring this module instead:
    local DataStoreService = require(path.to.DataStoreService)
    DataStoreService:Configure({ baseUrl = "http://127.0.0.1:8080", universeId = 42 })

Written in the Lua 5.1 subset that is also valid Luau (no type annotations, no goto, no
integer division, no bit operators). The HTTP transport, JSON codec, sleep and clock are
injectable; by default they are Roblox's HttpService:RequestAsync, JSONEncode/JSONDecode and
task.wait, so the module needs nothing else inside Roblox. Outside Roblox (tests, tools)
pass `transport`, `json` and `sleep` in the configuration.

One file on purpose: a ModuleScript that can be dropped into any place without siblings.
Sections: configuration, HTTP with retry, errors, key info and options, pages, standard data
stores, ordered data stores, the service.
]]

local DataStoreService = {}

local DEFAULTS = {
	baseUrl = "http://127.0.0.1:8080",
	maxRetries = 4, -- retries of 429, 5xx and transport errors (never other 4xx)
	retryBaseDelay = 0.1, -- seconds; the backoff ceiling doubles per retry (full jitter)
	retryMaxDelay = 5,
	maxRetryAfter = 60, -- a Retry-After longer than this is raised, not waited for
	maxUpdateAttempts = 64, -- UpdateAsync rounds before giving up on conflicts
}

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

-- Queue/throttle codes Roblox uses per method when a request is dropped.
local THROTTLE_CODES = {
	GetAsync = 301,
	SetAsync = 302,
	IncrementAsync = 303,
	UpdateAsync = 304,
	GetSortedAsync = 305,
	RemoveAsync = 306,
}

local function checkKey(key)
	if type(key) ~= "string" and type(key) ~= "number" then
		fail(101, "Key name can't be empty.")
	end
	key = tostring(key)
	if #key == 0 then
		fail(101, "Key name can't be empty.")
	end
	if #key > MAX_NAME then
		fail(102, "Key name exceeds the 50 character limit.")
	end
	return key
end

local function checkName(name, what)
	if type(name) ~= "string" or #name == 0 or #name > MAX_NAME then
		fail(
			what == "scope" and 102 or 101,
			"DataStore " .. what .. " must be a string of 1 to 50 characters."
		)
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

-- ---------------------------------------------------------------- key info and options

local DataStoreKeyInfo = {}
DataStoreKeyInfo.__index = DataStoreKeyInfo

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

-- DataStoreSetOptions / DataStoreIncrementOptions: metadata to store with a write.
local DataStoreSetOptions = {}
DataStoreSetOptions.__index = DataStoreSetOptions

function DataStoreSetOptions.new()
	return setmetatable({ _metadata = {} }, DataStoreSetOptions)
end

function DataStoreSetOptions:SetMetadata(metadata)
	if type(metadata) ~= "table" then
		fail(513, "Attribute metadata format is invalid: expected a table.")
	end
	self._metadata = metadata
end

function DataStoreSetOptions:GetMetadata()
	return self._metadata
end

-- DataStoreOptions (GetDataStore): AllScopes lists and addresses keys as "scope/key".
local DataStoreOptions = {}
DataStoreOptions.__index = DataStoreOptions

function DataStoreOptions.new()
	return setmetatable({ AllScopes = false }, DataStoreOptions)
end

-- DataStoreGetOptions: UseCache is accepted; datastored has no client cache to bypass.
local DataStoreGetOptions = {}
DataStoreGetOptions.__index = DataStoreGetOptions

function DataStoreGetOptions.new()
	return setmetatable({ UseCache = true }, DataStoreGetOptions)
end

DataStoreService.DataStoreKeyInfo = DataStoreKeyInfo
DataStoreService.DataStoreSetOptions = DataStoreSetOptions
DataStoreService.DataStoreIncrementOptions = DataStoreSetOptions
DataStoreService.DataStoreOptions = DataStoreOptions
DataStoreService.DataStoreGetOptions = DataStoreGetOptions

-- ---------------------------------------------------------------- pages

-- Pages (DataStorePages, DataStoreKeyPages, DataStoreVersionPages, DataStoreListingPages):
-- fetch(cursor) returns the items of one page and the next cursor (nil at the end).
local Pages = {}
Pages.__index = Pages

local function newPages(fetch)
	local items, nextCursor = fetch(nil)
	return setmetatable({ _fetch = fetch, _items = items, _next = nextCursor, IsFinished = nextCursor == nil }, Pages)
end

function Pages:GetCurrentPage()
	return self._items
end

function Pages:AdvanceToNextPageAsync()
	if self.IsFinished then
		error("No pages to advance to", 0)
	end
	local items, nextCursor = self._fetch(self._next)
	self._items, self._next, self.IsFinished = items, nextCursor, nextCursor == nil
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

-- One request with the retry policy. Returns status, body text, headers (lower-case keys)
-- and the number of attempts, or raises for transport errors that did not recover. safe:
-- may be repeated after a 5xx or lost answer (reads, set, remove); 429 is always repeated.
local function send(service, method, path, body, headers, safe)
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
	local attempt = 0
	while true do
		attempt = attempt + 1
		local ok, response = pcall(config.transport, request)
		local status, text, answer, wait, retryable = 0, "", {}, 0, false
		if ok and type(response) == "table" then
			status, text, answer = tonumber(response.StatusCode) or 0, response.Body or "", lowerHeaders(response.Headers)
		end
		local ceiling = math.min(config.retryMaxDelay, config.retryBaseDelay * 2 ^ (attempt - 1))
		local backoff = config.random() * ceiling
		if not ok or status == 0 then
			retryable, wait = safe, backoff
		elseif status == 429 or status >= 500 then
			local after = tonumber(answer["retry-after"] or "") or 0
			retryable = (status == 429 or safe) and after <= config.maxRetryAfter
			wait = math.max(after, backoff)
		else
			return status, text, answer, attempt
		end
		if not retryable or attempt > config.maxRetries then
			if not ok or status == 0 then
				fail(502, "API Services rejected request: " .. tostring(response))
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

-- Raises the Roblox-style error for a failed answer of method.
local function raise(service, method, status, text)
	local code, detail, message = describe(service, status, text)
	if string.match(message, "^%d%d%d: ") then
		error(message, 0) -- already Roblox-numbered (cooldown queue full, ...)
	end
	if status == 429 and THROTTLE_CODES[method] then
		fail(THROTTLE_CODES[method], method .. " request dropped: " .. (detail ~= "" and detail .. ": " or "") .. message)
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
local function listPages(service, method, base, tokenParam, firstToken, listField, nextField, toItem)
	return newPages(function(token)
		token = token or firstToken
		local path = base .. ((token and token ~= "") and "&" .. tokenParam .. "=" .. urlEncode(token) or "")
		local status, text = send(service, "GET", path, nil, nil, true)
		if status ~= 200 then
			raise(service, method, status, text)
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
		fail(101, "With AllScopes the key must be \"scope/key\".")
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
			fail(513, "Attribute userId format is invalid.")
		end
		if #userIds > MAX_USER_IDS then
			fail(512, "UserID size exceeds limit of 4.")
		end
		for _, id in ipairs(userIds) do
			if not isInteger(id) then
				fail(513, "Attribute userId format is invalid.")
			end
		end
		local parts = {}
		for i, id in ipairs(userIds) do
			parts[i] = integerText(id)
		end
		headers["roblox-entry-userids"] = "[" .. table.concat(parts, ",") .. "]"
	end
	local metadata = options and options.GetMetadata and options:GetMetadata()
	if metadata and next(metadata) ~= nil then
		local text = json.encode(metadata)
		if #text > MAX_METADATA then
			fail(511, "Metadata attribute size exceeds 300 bytes limit.")
		end
		headers["roblox-entry-attributes"] = text
	end
	return headers
end

local function encodeValue(service, value)
	if value == nil then
		fail(104, "Cannot store nil in data store; use RemoveAsync.")
	end
	checkStorable(value, {}, 0)
	local text = service._config.json.encode(value)
	if #text > MAX_VALUE then
		fail(105, "Serialized value exceeds 4MB limit.")
	end
	return text
end

-- GET of the current value: value, key info (nil, nil when there is none).
function DataStore:_read(key, method)
	local service = self._service
	local status, text, headers = send(service, "GET", self:_v1("/entry", key), nil, nil, true)
	if status == 404 then
		return nil, nil
	end
	if status ~= 200 then
		raise(service, method, status, text)
	end
	return service._config.json.decode(text), keyInfoFromHeaders(service, headers)
end

function DataStore:GetAsync(key, options)
	return self:_read(key, "GetAsync")
end

-- The write under SetAsync and UpdateAsync: returns the answer's status and body text.
function DataStore:_write(key, text, headers, extra)
	return send(self._service, "POST", self:_v1("/entry", key, extra), text, headers, true)
end

function DataStore:SetAsync(key, value, userIds, options)
	local service = self._service
	self:_target(key)
	local text = encodeValue(service, value)
	local status, answer = self:_write(key, text, writeHeaders(service, userIds, options))
	if status ~= 200 then
		raise(service, "SetAsync", status, answer)
	end
	local doc = service._config.json.decode(answer)
	return doc and doc.version
end

function DataStore:IncrementAsync(key, delta, userIds, options)
	local service = self._service
	if delta == nil then
		delta = 1
	end
	if not isInteger(delta) then
		fail(106, "IncrementAsync delta must be an integer.")
	end
	local path = self:_v1("/entry/increment", key, "&incrementBy=" .. integerText(delta))
	-- An increment that timed out may have committed: only a 429 is repeated.
	local status, text, headers = send(service, "POST", path, nil, writeHeaders(service, userIds, options), false)
	if status ~= 200 then
		raise(service, "IncrementAsync", status, text)
	end
	return tonumber(text), keyInfoFromHeaders(service, headers)
end

-- Returns the removed value and its key info. datastored's delete does not answer the old
-- value, so it is read first: a write between the two calls is not reflected.
function DataStore:RemoveAsync(key)
	local service = self._service
	local value, info = self:_read(key, "RemoveAsync")
	local status, text = send(service, "DELETE", self:_v1("/entry", key), nil, nil, true)
	if status ~= 204 and status ~= 200 then
		raise(service, "RemoveAsync", status, text)
	end
	return value, info
end

-- UpdateAsync: the transform runs here, on the current value and key info; the write is
-- conditional on the version it saw (exclusiveCreate for a new key) and the whole round
-- starts again when another writer got in first. Returning nil cancels.
function DataStore:UpdateAsync(key, transform)
	local service = self._service
	if type(transform) ~= "function" then
		fail(103, "UpdateAsync needs a transform function.")
	end
	local json = service._config.json
	local attempted -- what a retried write (after a 5xx or lost answer) tried to store
	for _ = 1, service._config.maxUpdateAttempts do
		local status, text, headers = send(service, "GET", self:_v1("/entry", key), nil, nil, true)
		local current, info
		if status == 200 then
			if attempted and text == attempted then
				return json.decode(text), keyInfoFromHeaders(service, headers)
			end
			current, info = json.decode(text), keyInfoFromHeaders(service, headers)
		elseif status ~= 404 then
			raise(service, "UpdateAsync", status, text)
		end
		attempted = nil
		local newValue, userIds, metadata = transform(current, info)
		if newValue == nil then
			return nil, nil
		end
		local valueText = encodeValue(service, newValue)
		local options = DataStoreSetOptions.new()
		if metadata ~= nil then
			options:SetMetadata(metadata)
		end
		local extra = info and "&matchVersion=" .. urlEncode(info.Version) or "&exclusiveCreate=true"
		local writeStatus, answer, _, attempts = self:_write(key, valueText, writeHeaders(service, userIds, options), extra)
		if writeStatus == 200 then
			local doc = json.decode(answer)
			return newValue,
				newKeyInfo(doc.version, parseTime(doc.objectCreatedTime), parseTime(doc.createdTime), userIds, metadata)
		end
		local _, detail = describe(service, writeStatus, answer)
		if writeStatus ~= 409 or detail ~= "" then
			raise(service, "UpdateAsync", writeStatus, answer)
		end
		-- A conflict after a retried write may be our own committed first attempt.
		if attempts > 1 then
			attempted = valueText
		end
	end
	fail(304, "UpdateAsync gave up after " .. service._config.maxUpdateAttempts .. " conflicting writes.")
end

-- ListKeysAsync(prefix, pageSize, cursor, excludeDeleted) → pages of DataStoreKey
-- ({KeyName = ...}); with AllScopes the names are "scope/key".
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
	if pageSize and pageSize > 0 then
		base = base .. "&maxPageSize=" .. integerText(math.min(pageSize, 256))
	end
	if prefix and prefix ~= "" then
		base = base .. "&filter=" .. urlEncode('id.startsWith("' .. prefix .. '")')
	end
	return listPages(service, "ListKeysAsync", base, "pageToken", cursor, "dataStoreEntries", "nextPageToken", function(entry)
		return { KeyName = entry.id }
	end)
end

local function sortName(direction)
	if direction == nil then
		return "Ascending"
	end
	local name = type(direction) == "string" and direction or direction.Name or tostring(direction)
	return string.find(name, "Descending", 1, true) and "Descending" or "Ascending"
end

-- ListVersionsAsync(key, sortDirection, minDate, maxDate, pageSize) → pages of
-- DataStoreObjectVersionInfo ({Version, CreatedTime, IsDeleted}); dates in ms.
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
	return listPages(service, "ListVersionsAsync", base, "cursor", nil, "versions", "nextPageCursor", function(v)
		return { Version = v.version, CreatedTime = parseTime(v.createdTime), IsDeleted = v.deleted == true }
	end)
end

-- GetVersionAsync(key, version) → value, key info; nil, nil for a deleted version.
function DataStore:GetVersionAsync(key, version)
	local service = self._service
	if type(version) ~= "string" or version == "" then
		fail(103, "GetVersionAsync needs a version string.")
	end
	local path = self:_v1("/entry/versions/version", key, "&versionId=" .. urlEncode(version))
	local status, text, headers = send(service, "GET", path, nil, nil, true)
	if status == 404 then
		local _, detail = describe(service, status, text)
		if detail == "EntryNotFound" then
			return nil, nil
		end
	end
	if status ~= 200 then
		raise(service, "GetVersionAsync", status, text)
	end
	return service._config.json.decode(text), keyInfoFromHeaders(service, headers)
end

-- ---------------------------------------------------------------- ordered data stores

local OrderedDataStore = {}
OrderedDataStore.__index = OrderedDataStore

local function newOrderedDataStore(service, name, scope)
	return setmetatable({ _service = service, _name = name, _scope = scope, Name = name }, OrderedDataStore)
end

function OrderedDataStore:_path(key)
	local path = string.format(
		"/cloud/v2/universes/%s/ordered-data-stores/%s/scopes/%s/entries",
		integerText(self._service:_universe()),
		urlEncode(self._name),
		urlEncode(self._scope)
	)
	if key then
		path = path .. "/" .. urlEncode(checkKey(key))
	end
	return path
end

-- Ordered stores hold integers only.
local function checkOrderedValue(value)
	if not isInteger(value) then
		fail(104, "OrderedDataStore values must be integers.")
	end
	return value
end

function OrderedDataStore:GetAsync(key)
	local service = self._service
	local status, text = send(service, "GET", self:_path(key), nil, nil, true)
	if status == 404 then
		return nil
	end
	if status ~= 200 then
		raise(service, "GetAsync", status, text)
	end
	return service._config.json.decode(text).value
end

function OrderedDataStore:SetAsync(key, value)
	local service = self._service
	local body = service._config.json.encode({ value = checkOrderedValue(value) })
	local status, text = send(service, "PATCH", self:_path(key) .. "?allowMissing=true", body, nil, true)
	if status ~= 200 then
		raise(service, "SetAsync", status, text)
	end
	return service._config.json.decode(text).value
end

function OrderedDataStore:IncrementAsync(key, delta)
	local service = self._service
	if delta == nil then
		delta = 1
	end
	local body = service._config.json.encode({ amount = checkOrderedValue(delta) })
	local status, text = send(service, "POST", self:_path(key) .. ":increment", body, nil, false)
	if status ~= 200 then
		raise(service, "IncrementAsync", status, text)
	end
	return service._config.json.decode(text).value
end

function OrderedDataStore:RemoveAsync(key)
	local service = self._service
	local old = self:GetAsync(key)
	local status, text = send(service, "DELETE", self:_path(key), nil, nil, true)
	if status ~= 200 and status ~= 204 and status ~= 404 then
		raise(service, "RemoveAsync", status, text)
	end
	return old
end

-- Ordered entries have no versions to make the write conditional on, so this is read,
-- transform, write: a concurrent write between the two is overwritten.
function OrderedDataStore:UpdateAsync(key, transform)
	local newValue = transform(self:GetAsync(key))
	if newValue == nil then
		return nil
	end
	return self:SetAsync(key, newValue)
end

-- GetSortedAsync(ascending, pageSize, minValue, maxValue) → DataStorePages of {key, value}.
function OrderedDataStore:GetSortedAsync(ascending, pageSize, minValue, maxValue)
	local service = self._service
	pageSize = pageSize or 50
	if not isInteger(pageSize) or pageSize < 1 then
		fail(106, "PageSize must be within a predefined range.")
	end
	if pageSize > 100 then
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
	return listPages(service, "GetSortedAsync", base, "pageToken", nil, "orderedDataStoreEntries", "nextPageToken", function(entry)
		return { key = entry.id, value = entry.value }
	end)
end

-- ---------------------------------------------------------------- the service

local Service = {}
Service.__index = Service

-- Which server budget answers GetRequestBudgetForRequestType for each request type.
local BUDGET_OF = {
	GetAsync = { "StandardRead" },
	SetIncrementAsync = { "StandardWrite" },
	UpdateAsync = { "StandardRead", "StandardWrite" },
	GetSortedAsync = { "OrderedList" },
	SetIncrementSortedAsync = { "OrderedWrite" },
	OnUpdate = { "StandardRead" },
	ListAsync = { "StandardList" },
	GetVersionAsync = { "StandardRead" },
	RemoveVersionAsync = { "StandardRemove" },
	RemoveAsync = { "StandardRemove" },
}

local function newService(config)
	local self = setmetatable({ _config = {} }, Service)
	self:Configure(config or {})
	return self
end

-- Configure{baseUrl, apiKey, universeId, transport, json, sleep, random, maxRetries,
-- retryBaseDelay, retryMaxDelay, maxRetryAfter, maxUpdateAttempts}; unspecified keys keep
-- their current value (or default).
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
	c.baseUrl = string.gsub(c.baseUrl, "/+$", "")
	c.transport = c.transport or robloxTransport
	c.json = c.json or robloxJson
	c.sleep = c.sleep or defaultSleep
	c.random = c.random or math.random
	return self
end

function Service:_universe()
	local id = self._config.universeId
	if id == nil and game then
		id = game.GameId
	end
	if not isInteger(id) or id <= 0 then
		fail(502, "No universe id: Configure{universeId = N} (or run in a published experience).")
	end
	return id
end

function Service:GetDataStore(name, scope, options)
	checkName(name, "name")
	local allScopes = options ~= nil and options.AllScopes == true
	if allScopes then
		if scope ~= nil and scope ~= "" then
			fail(102, "With AllScopes the scope must be empty.")
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
	return newDataStore(self, "GlobalDataStore", "global", false)
end

function Service:GetOrderedDataStore(name, scope)
	checkName(name, "name")
	if scope == nil or scope == "" then
		scope = "global"
	end
	return newOrderedDataStore(self, name, checkName(scope, "scope"))
end

-- Requests left in the universe's budget for a request type (an Enum.DataStoreRequestType
-- item or its name). Reads datastored's admin API: needs the admin key when one is set.
function Service:GetRequestBudgetForRequestType(requestType)
	local name = type(requestType) == "string" and requestType or requestType and requestType.Name or tostring(requestType)
	name = string.match(name, "([%w]+)$") or name
	local budgets = BUDGET_OF[name] or { name }
	local path = "/admin/v1/universes/" .. integerText(self:_universe()) .. "/budgets"
	local status, text = send(self, "GET", path, nil, nil, true)
	if status ~= 200 then
		raise(self, "GetRequestBudgetForRequestType", status, text)
	end
	local doc = self._config.json.decode(text)
	local least
	for _, budget in ipairs(budgets) do
		local n = doc[budget]
		if type(n) ~= "number" then
			fail(103, "Unknown request type " .. name .. ".")
		end
		least = least and math.min(least, n) or n
	end
	return least
end

-- ListDataStoresAsync(prefix, pageSize, cursor) → pages of DataStoreInfo
-- ({DataStoreName, CreatedTime, UpdatedTime}).
function Service:ListDataStoresAsync(prefix, pageSize, cursor)
	local base = "/datastores/v1/universes/" .. integerText(self:_universe()) .. "/standard-datastores?prefix=" .. urlEncode(prefix or "")
	if pageSize and pageSize > 0 then
		base = base .. "&limit=" .. integerText(pageSize)
	end
	return listPages(self, "ListDataStoresAsync", base, "cursor", cursor, "datastores", "nextPageCursor", function(d)
		local created = parseTime(d.createdTime)
		return { DataStoreName = d.name, CreatedTime = created, UpdatedTime = created }
	end)
end

-- The module is itself a service (configure it, then use it like DataStoreService), and
-- DataStoreService.new(config) makes independent ones.
local default = newService({})
for k, v in pairs(Service) do
	if k ~= "__index" then
		DataStoreService[k] = v
	end
end
DataStoreService._config = default._config
DataStoreService.new = newService
DataStoreService._internal = { parseTime = parseTime, formatTime = formatTime, urlEncode = urlEncode }

return DataStoreService
