-- The generations of a computation's groups, read as it begins: KEYS the generations (one for each group of the
-- key, in the key's shard); ARGV[1] a token unique to this computation, ARGV[2] the lifetime (ms) of a generation
-- made now. A missing generation is made with the token (where the server has room: a full one refuses the SET, and
-- the generation stays missing). A group deletion deletes its generations, so a write of the computation's value is
-- fenced off (prepare.lua) when any of them differs from what this returns, or is gone: losing one is a recompute,
-- never a stale value. Reply: the generations, nil for one still missing.
for i = 1, #KEYS do
  redis.pcall('SET', KEYS[i], ARGV[1], 'NX', 'PX', ARGV[2])
end
return redis.call('MGET', unpack(KEYS))
