-- Applies one REGISTER's changes to a line's bindings atomically (RFC 3261 section 10.3 step 7),
-- dropping those that expired, and returns the bindings afterwards.
-- KEYS[1] the line's hash: field = Contact URI, value = the binding, its expiry (ms) first
-- ARGV[1] now (ms); then triples: contact, expiry (ms), binding
local now = tonumber(ARGV[1])
local function expiry(binding)
  return tonumber(string.match(binding, '^(%d+)'))
end
local current = redis.call('HGETALL', KEYS[1])
for i = 1, #current, 2 do
  if expiry(current[i + 1]) <= now then
    redis.call('HDEL', KEYS[1], current[i])
  end
end
for i = 2, #ARGV, 3 do
  if tonumber(ARGV[i + 1]) > now then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
  else
    redis.call('HDEL', KEYS[1], ARGV[i])
  end
end
local result = redis.call('HGETALL', KEYS[1])
local last = 0
for i = 2, #result, 2 do
  last = math.max(last, expiry(result[i]))
end
if last > now then
  -- Relative to the caller's clock, which wrote the expiries: the store's may differ from it.
  redis.call('PEXPIRE', KEYS[1], last - now)
end
return result
