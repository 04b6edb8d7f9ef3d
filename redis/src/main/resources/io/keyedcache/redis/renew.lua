-- Extends the lease KEYS[1] by ARGV[2] milliseconds if it is still ours (token ARGV[1]). {1} renewed, {0} not ours.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1}
end
return {0}
