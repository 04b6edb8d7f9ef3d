-- Plain puts of n entries of one hash tag that never expire, as one MSET: KEYS[1] the registry of the cache's value
-- names, KEYS[2] the index of its CacheKey keys, KEYS[3..n+2] the entries' names; ARGV[1..n] their envelopes,
-- ARGV[n+1..2n] their index members ('' for none). Like set.lua, it does not wait for a step's lease. {n}.
local n = #KEYS - 2
local entries = {}
local names = {}
local members = {}
for i = 1, n do
  entries[#entries + 1] = KEYS[i + 2]
  entries[#entries + 1] = ARGV[i]
  names[#names + 1] = 'inf'
  names[#names + 1] = KEYS[i + 2]
  if ARGV[n + i] ~= '' then
    members[#members + 1] = 0
    members[#members + 1] = ARGV[n + i]
  end
end
redis.call('MSET', unpack(entries))
redis.call('ZADD', KEYS[1], unpack(names))
if #members > 0 then
  redis.call('ZADD', KEYS[2], unpack(members))
end
return {n}
