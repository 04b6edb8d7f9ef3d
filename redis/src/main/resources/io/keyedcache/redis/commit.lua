-- A step's end, under its lease. KEYS[1] the value, KEYS[2] the lease, KEYS[3] the index, KEYS[4] the registry of
-- the cache's value names. ARGV[1] the lease's token; ARGV[2] 'set' (ARGV[3] the envelope, ARGV[4] its PX or 0),
-- 'del' or 'keep'; ARGV[5] the index member or ''; ARGV[6] the entry the step read ('' for none). The registry scores
-- a name by its entry's deadline.
-- {-1} when the lease is no longer ours: nothing written. {2} when a put (a plain write, which does not wait for
-- leases) replaced what the step read: the put is later, so the step writes nothing. A new deadline alone (a read's
-- access) or an entry removed as expired is no such change. {1} when the decision was written.
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return {-1}
end
local now = redis.call('GET', KEYS[1])
if now and (ARGV[6] == '' or string.sub(now, 1, 3) ~= string.sub(ARGV[6], 1, 3)
    or string.sub(now, 23) ~= string.sub(ARGV[6], 23)) then
  redis.call('DEL', KEYS[2])
  return {2}
end
if ARGV[2] == 'set' then
  if ARGV[4] == '0' then
    redis.call('SET', KEYS[1], ARGV[3])
    redis.call('ZADD', KEYS[4], 'inf', KEYS[1])
  else
    redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
    redis.call('ZADD', KEYS[4], string.sub(ARGV[3], 4, 22), KEYS[1])
  end
  if ARGV[5] ~= '' then
    redis.call('ZADD', KEYS[3], 0, ARGV[5])
  end
elseif ARGV[2] == 'del' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[4], KEYS[1])
  if ARGV[5] ~= '' then
    redis.call('ZREM', KEYS[3], ARGV[5])
  end
end
redis.call('DEL', KEYS[2])
return {1}
