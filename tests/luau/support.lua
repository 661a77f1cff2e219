-- tests/luau/support.lua — what the busted specs share: the module under test, a luasocket
-- HTTP transport and a dkjson codec injected into it, fresh universes, and admin calls
-- (fault rules, the virtual clock) against the server given by DATASTORED_URL.
local http = require("socket.http")
local ltn12 = require("ltn12")
local socket = require("socket")
local dkjson = require("dkjson")

local support = {}

support.url = assert(os.getenv("DATASTORED_URL"), "DATASTORED_URL is not set (use tests/luau/run.sh)")
support.keyedUrl = os.getenv("DATASTORED_KEYED_URL")
support.key = os.getenv("DATASTORED_KEY")
support.DataStoreService = dofile(assert(os.getenv("LUAU_MODULE"), "LUAU_MODULE is not set"))

-- The transport, shaped like HttpService:RequestAsync.
function support.transport(request)
	local chunks = {}
	local headers = {}
	for k, v in pairs(request.Headers or {}) do
		headers[k] = v
	end
	if request.Body then
		headers["content-length"] = tostring(#request.Body)
	end
	local ok, code, responseHeaders = http.request({
		url = request.Url,
		method = request.Method,
		headers = headers,
		source = request.Body and ltn12.source.string(request.Body) or nil,
		sink = ltn12.sink.table(chunks),
	})
	if not ok or type(code) ~= "number" then
		error("transport: " .. tostring(code))
	end
	return { StatusCode = code, Headers = responseHeaders, Body = table.concat(chunks) }
end

support.json = {
	encode = function(value)
		return dkjson.encode(value)
	end,
	decode = function(text)
		local value, _, err = dkjson.decode(text)
		if err then
			error("JSON: " .. err)
		end
		return value
	end,
}

local nextUniverse = math.floor(socket.gettime() * 1000) % 100000000000 + 200000000000

-- A universe no other test has used.
function support.universe()
	nextUniverse = nextUniverse + 1
	return nextUniverse
end

-- A service on a fresh universe; overrides are merged into its configuration.
function support.service(overrides)
	local config = {
		baseUrl = support.url,
		universeId = support.universe(),
		transport = support.transport,
		json = support.json,
		sleep = socket.sleep,
		retryBaseDelay = 0.01,
	}
	for k, v in pairs(overrides or {}) do
		config[k] = v
	end
	return support.DataStoreService.new(config)
end

-- A raw request to the open server: status and decoded body (nil when empty).
function support.call(method, path, body)
	local response = support.transport({
		Url = support.url .. path,
		Method = method,
		Headers = { ["Content-Type"] = "application/json" },
		Body = body and support.json.encode(body) or nil,
	})
	local decoded = nil
	if response.Body ~= "" then
		decoded = support.json.decode(response.Body)
	end
	return response.StatusCode, decoded
end

function support.addFault(rule)
	local status, body = support.call("POST", "/admin/v1/faults", rule)
	assert(status == 200, "fault rule refused: " .. dkjson.encode(body))
	return body.id
end

function support.clearFaults()
	assert(support.call("DELETE", "/admin/v1/faults") == 200)
end

-- fired count of a fault rule.
function support.fired(id)
	local _, body = support.call("GET", "/admin/v1/faults/" .. id)
	return body.fired
end

function support.advanceClock(seconds)
	assert(support.call("POST", "/admin/v1/clock:advance", { seconds = seconds }) == 200)
end

-- Runs f and returns the error string it raised (fails if it did not raise).
function support.errorOf(f, ...)
	local ok, err = pcall(f, ...)
	assert(not ok, "expected an error")
	return err
end

return support
