-- Before a computed value is committed, under the step's lease: KEYS[1] the index, KEYS[2..] the generations of the
-- key's groups; ARGV[1] the index member or '', ARGV[2..] the generations the computation began under ('' for one
-- that was missing). {-2} when a group was deleted since (a generation differs or is gone; a missing one never
-- matches, since its deletion cannot be told from its absence); otherwise the key joins the index now, so that a
-- group deletion that begins from here on finds it (and waits for the step's lease to remove it). {1}.
for i = 2, #KEYS do
  local g = redis.call('GET', KEYS[i])
  if not g or g ~= ARGV[i] then
    return {-2}
  end
end
if ARGV[1] ~= '' then
  redis.call('ZADD', KEYS[1], 0, ARGV[1])
end
return {1}
