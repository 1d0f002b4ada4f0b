-- Renews (or puts back, after the store was away or lost its data) a replica's live claims on one
-- channel key: an upsert, so a claim is never counted twice.
-- KEYS[1] the channel key; ARGV[1] lease (ms); ARGV[2..] the claims
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local lease = tonumber(ARGV[1])
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], now + lease, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], lease * 2)
return #ARGV - 1
