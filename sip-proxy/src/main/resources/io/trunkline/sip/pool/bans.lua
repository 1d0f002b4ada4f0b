-- The pool's live bans: source, then the ban's remaining milliseconds, for each.
-- KEYS[1] the pool's bans (a sorted set: member = source, score = end of the ban, ms)
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local live = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf', 'WITHSCORES')
local result = {}
for i = 1, #live, 2 do
  result[#result + 1] = live[i]
  result[#result + 1] = tostring(tonumber(live[i + 1]) - now)
end
return result
