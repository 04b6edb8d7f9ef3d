-- A plain put: the entry KEYS[1] is ARGV[1], with PX ARGV[2] (0 for none), and its name joins the registry KEYS[2] of
-- the cache's value names, scored by its deadline (ARGV[3]: 'inf', or the deadline in ms). It does
-- not wait for a step's lease: a step that finds it landed under its lease writes nothing (commit.lua).
if ARGV[2] == '0' then
  redis.call('SET', KEYS[1], ARGV[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
return {1}
