-- Gives the present entry KEYS[1] a new deadline ARGV[1] (19 digits) and PX ARGV[2] (or 0 for none), and its name
-- the matching score in the registry KEYS[2] (its deadline); ARGV[3] the deadline it must still have, or '' for any.
-- {1} done, {0} not there or changed meanwhile.
local v = redis.call('GET', KEYS[1])
if not v then
  return {0}
end
if ARGV[3] ~= '' and string.sub(v, 4, 22) ~= ARGV[3] then
  return {0}
end
local t = string.sub(v, 1, 3) .. ARGV[1] .. string.sub(v, 23)
if ARGV[2] == '0' then
  redis.call('SET', KEYS[1], t)
  redis.call('ZADD', KEYS[2], 'inf', KEYS[1])
else
  redis.call('SET', KEYS[1], t, 'PX', ARGV[2])
  redis.call('ZADD', KEYS[2], ARGV[1], KEYS[1])
end
return {1}
