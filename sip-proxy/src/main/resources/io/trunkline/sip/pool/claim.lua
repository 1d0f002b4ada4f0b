-- Claims one call's channels for a replica of a pool, in one round trip and atomically.
-- KEYS[1]    the trunk's calls-per-second bucket (a hash: tokens, at)
-- KEYS[2..n] one sorted set per channel key: member = claim, score = lease expiry (ms)
-- ARGV[1]    the claim's name; ARGV[2] lease (ms); ARGV[3] calls per second (0: no limit)
-- ARGV[4..]  the limit of each channel key, in KEYS order
-- Returns 0 when every channel was taken, -1 over the rate, i >= 1 when the i-th channel is full.
-- The store's clock is the only clock, so replicas' clocks need not agree.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local rate = tonumber(ARGV[3])
if rate > 0 then
  local burst = math.max(1, rate)
  local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
  local tokens = tonumber(bucket[1]) or burst
  local at = tonumber(bucket[2]) or now
  tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
  local admitted = tokens >= 1
  if admitted then
    tokens = tokens - 1
  end
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
  -- A full bucket is the same as none: the key goes once it has refilled.
  redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
  if not admitted then
    return -1
  end
end
for i = 2, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  if redis.call('ZCARD', KEYS[i]) >= tonumber(ARGV[i + 2]) then
    return i - 1
  end
end
local lease = tonumber(ARGV[2])
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], now + lease, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], lease * 2)
end
return 0
