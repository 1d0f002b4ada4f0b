-- Counts one wrong answer from a source across the pool, and bans it once it has failed
-- too often within the window.
-- KEYS[1] the source's recent failures (a sorted set by time); KEYS[2] the pool's bans
-- ARGV[1] the source; ARGV[2] window (ms); ARGV[3] failures that ban; ARGV[4] ban (ms);
-- ARGV[5] a name for this failure, unique
-- Returns the ban's remaining milliseconds when this failure bans the source, else 0.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('PEXPIRE', KEYS[1], window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]))
return tonumber(ARGV[4])
