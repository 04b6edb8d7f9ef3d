-- Removes the entry KEYS[1] if it is still exactly ARGV[1] (an envelope past its deadline, or one a JVM cannot
-- decode), with its name from the registry KEYS[4] and its member ARGV[2] ('' for none) from the index KEYS[3].
-- {1} removed, {0} not.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return {0}
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[4], KEYS[1])
if ARGV[2] ~= '' then
  redis.call('ZREM', KEYS[3], ARGV[2])
end
return {1}
