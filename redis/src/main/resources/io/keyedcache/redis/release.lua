-- Releases the lease KEYS[1] if it is still ours (token ARGV[1]); one that lapsed or was taken over is left alone.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
return {1}
