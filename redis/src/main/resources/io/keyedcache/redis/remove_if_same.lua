-- Removes the entry KEYS[1] if it is still exactly ARGV[1] (an envelope past its deadline); ARGV[2] its index
-- member ('' for none) in the index KEYS[3]. {1} removed, {0} not.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return {0}
end
redis.call('DEL', KEYS[1])
if ARGV[2] ~= '' then
  redis.call('ZREM', KEYS[3], ARGV[2])
end
return {1}
