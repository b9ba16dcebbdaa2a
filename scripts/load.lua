-- The mixed workload of scripts/load.sh for wrk: one connection per thread, each thread a
-- logged-in customer (cookie from $LOAD_COOKIES). Per round: browse the catalogue, open part
-- pages, add to the cart, read the cart, place the order with the total just read.

local cookies = {}
for line in io.lines(os.getenv("LOAD_COOKIES")) do cookies[#cookies + 1] = line end
local parts = tonumber(os.getenv("LOAD_PARTS") or "37")
local searches = { "brake", "filter", "spark+plug", "bosch", "disc", "oil", "bp123", "wiper" }

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  cookie = cookies[((id - 1) % #cookies) + 1]
  step = 0
  total = nil
  kind = nil
  counts = { s2xx = 0, s3xx = 0, s4xx = 0, s429 = 0, s5xx = 0, placed = 0, refused = 0, added = 0 }
  math.randomseed(id * 7919 + os.time())
end

local function form(path, body)
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
    ["Cookie"] = cookie,
  }, body)
end

function request()
  step = step + 1
  local phase = step % 10
  if phase == 8 then
    kind = "cart"
    return form("/api/cart_contents", "")
  elseif phase == 9 and total then
    kind = "order"
    local key = string.format("load%04d%012d", id, step)
    return form("/api/place_order", "shipping_name=Load+Test&shipping_address=Teststr.+1%0A12345+Teststadt&checkout_key="
      .. key .. "&expected_total=" .. total)
  elseif phase == 6 or phase == 7 then
    kind = "add"
    return form("/api/add_to_cart", "part_id=" .. math.random(1, parts) .. "&quantity=1")
  elseif phase >= 3 then
    kind = "part"
    return wrk.format("GET", "/parts/" .. math.random(1, parts), { ["Cookie"] = cookie })
  else
    kind = "browse"
    return wrk.format("GET", "/catalogue?q=" .. searches[math.random(#searches)], { ["Cookie"] = cookie })
  end
end

function response(status, headers, body)
  if status >= 500 then counts.s5xx = counts.s5xx + 1
  elseif status == 429 then counts.s429 = counts.s429 + 1
  elseif status >= 400 then counts.s4xx = counts.s4xx + 1
  elseif status >= 300 then counts.s3xx = counts.s3xx + 1
  else counts.s2xx = counts.s2xx + 1 end
  if kind == "cart" then
    total = nil
    if status == 200 and not string.find(body, '"lines":%[%]') then
      total = string.match(body, '"total":(%d+)')
    end
  elseif kind == "order" then
    total = nil
    if status == 200 then counts.placed = counts.placed + 1 else counts.refused = counts.refused + 1 end
  elseif kind == "add" and status == 200 then
    counts.added = counts.added + 1
  end
end

function done(summary, latency, requests)
  local sum = { s2xx = 0, s3xx = 0, s4xx = 0, s429 = 0, s5xx = 0, placed = 0, refused = 0, added = 0 }
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for k, v in pairs(c) do sum[k] = sum[k] + v end
  end
  local secs = summary.duration / 1e6
  io.write(string.format("LOAD requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("LOAD 2xx=%d 3xx=%d 4xx=%d 429=%d 5xx=%d socket_errors=%d added=%d orders_placed=%d orders_refused=%d\n",
    sum.s2xx, sum.s3xx, sum.s4xx, sum.s429, sum.s5xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    sum.added, sum.placed, sum.refused))
end
