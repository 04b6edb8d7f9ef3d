-- Removes a batch of the cache's entries: KEYS[1] the registry of value names, KEYS[2..] the names (as the registry
-- lists them); each is unlinked and leaves the registry. With ARGV[1] = 'last' the registry's shard index KEYS[#KEYS]
-- goes too (clear() is not atomic: what is written while it runs may stay). {n} the names removed.
local last = #KEYS
if ARGV[1] == 'last' then
  redis.call('UNLINK', KEYS[#KEYS])
  last = #KEYS - 1
end
for i = 2, last do
  redis.call('UNLINK', KEYS[i])
  redis.call('ZREM', KEYS[1], KEYS[i])
end
return {last - 1}
