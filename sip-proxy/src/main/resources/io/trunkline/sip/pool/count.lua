-- Channels of one key held now across the pool: claims whose lease has not run out.
-- KEYS[1] the channel key
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
