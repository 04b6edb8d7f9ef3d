-- One JCache write to each of n entries of one hash tag, decided here as the layer decides it (a Plan): the
-- write's one round trip. Used for single keys (n = 1) and for bulk operations (n keys of one hash tag).
--
-- KEYS[4i-3], KEYS[4i-2], KEYS[4i-1], KEYS[4i]: entry i's value, the lease of a step on it, the index of its
-- CacheKey keys, and the registry of the cache's value names (scored by when Redis drops each).
-- ARGV[1]  the mode: put, putIfAbsent, replace, remove, access (a read that gives a present entry its access
--          lifetime)
-- ARGV[2]  now, epoch milliseconds
-- ARGV[3]  the creation deadline (19 digits), ARGV[4] its PX ('0' no TTL, '-' expired at once)
-- ARGV[5]  the update deadline, '' to keep the entry's; ARGV[6] its PX (as ARGV[4])
-- ARGV[7]  the access deadline, '' to keep the entry's; ARGV[8] its PX (as ARGV[4])
-- ARGV[9]  the value a present entry must hold (its codec byte and bytes), '' for any; ARGV[10] the grace (ms) that
--          Redis keeps an entry past its deadline
-- ARGV[11+2(i-1)], ARGV[12+2(i-1)]: entry i's new envelope ('' when it has none), its index member ('' for none)
--
-- Reply: {-1, i} while a step of some JVM holds entry i's lease (for any mode but access): nothing was written. Otherwise three items per
-- entry: its state before (0 absent, 1 live, 2 past its deadline, 3 not an entry of format 1: left alone), the
-- envelope it had ('' for none), and 1 if it was written or removed, else 0. An entry past its deadline is removed.
local n = #KEYS / 4
local mode = ARGV[1]
-- a read's new deadline does not wait: a step's closing script takes a new deadline alone for no change
if mode ~= 'access' then
  local leases = {}
  for i = 1, n do
    leases[i] = KEYS[4 * i - 2]
  end
  if redis.call('EXISTS', unpack(leases)) > 0 then
    for i = 1, n do
      if redis.call('EXISTS', KEYS[4 * i - 2]) == 1 then
        return {-1, i}
      end
    end
  end
end
local now = tonumber(ARGV[2])
local expected = ARGV[9]
local grace = tonumber(ARGV[10])

-- the envelope with the 19 digits of another deadline (bytes 4 to 22)
local function dated(envelope, digits)
  return string.sub(envelope, 1, 3) .. digits .. string.sub(envelope, 23)
end

-- the registry's changes, made with one ZADD and one ZREM at the end
local registered = {}
local unregistered = {}

-- writes the entry and registers its name, scored by when Redis will drop it (its deadline and the grace)
local function set(key, envelope, px)
  if px == '0' then
    redis.call('SET', key, envelope)
    registered[#registered + 1] = 'inf'
  else
    redis.call('SET', key, envelope, 'PX', px)
    registered[#registered + 1] = tonumber(string.sub(envelope, 4, 22)) + grace
  end
  registered[#registered + 1] = key
end

local function drop(key, index, member)
  redis.call('DEL', key)
  unregistered[#unregistered + 1] = key
  if member ~= '' then
    redis.call('ZREM', index, member)
  end
end

local function create(key, index, member, envelope)
  if ARGV[4] == '-' then
    return 0
  end
  set(key, dated(envelope, ARGV[3]), ARGV[4])
  if member ~= '' then
    redis.call('ZADD', index, 0, member)
  end
  return 1
end

local function update(key, index, member, envelope, old)
  if ARGV[5] == '' then
    redis.call('SET', key, dated(envelope, string.sub(old, 4, 22)), 'KEEPTTL')
    local digits = string.sub(old, 4, 22)
    registered[#registered + 1] = digits == '9223372036854775807' and 'inf' or tonumber(digits) + grace
    registered[#registered + 1] = key
  elseif ARGV[6] == '-' then
    drop(key, index, member)
  else
    set(key, dated(envelope, ARGV[5]), ARGV[6])
  end
  return 1
end

local function access(key, index, member, old)
  if ARGV[7] == '' then
    return 0
  end
  if ARGV[8] == '-' then
    drop(key, index, member)
  else
    set(key, dated(old, ARGV[7]), ARGV[8])
  end
  return 1
end

-- the codec byte and the value's bytes of an envelope: what follows the key's part
local function value(envelope)
  local a, b, c, d = string.byte(envelope, 23, 26)
  local length = ((a * 256 + b) * 256 + c) * 256 + d
  return string.sub(envelope, 3, 3) .. string.sub(envelope, 27 + length)
end

local names = {}
for i = 1, n do
  names[i] = KEYS[4 * i - 3]
end
local olds = redis.call('MGET', unpack(names))
local reply = {}
for i = 1, n do
  local key, index = KEYS[4 * i - 3], KEYS[4 * i - 1]
  local envelope, member = ARGV[11 + 2 * (i - 1)], ARGV[12 + 2 * (i - 1)]
  local old = olds[i]
  local state = 0
  if old then
    local deadline = tonumber(string.sub(old, 4, 22))
    if string.sub(old, 1, 2) ~= 'K1' or string.len(old) < 26 or not deadline then
      state = 3
    elseif deadline > now then
      state = 1
    else
      state = 2
    end
  end
  local wrote = 0
  if state == 3 then
    -- not ours to read here: the caller decides in Java
  elseif state == 1 then
    if mode == 'put' then
      wrote = update(key, index, member, envelope, old)
    elseif mode == 'replace' or mode == 'remove' then
      if expected == '' or value(old) == expected then
        if mode == 'replace' then
          wrote = update(key, index, member, envelope, old)
        else
          drop(key, index, member)
          wrote = 1
        end
      else
        wrote = access(key, index, member, old)
      end
    elseif mode == 'access' then
      wrote = access(key, index, member, old)
    end
  else
    if mode == 'put' or mode == 'putIfAbsent' then
      wrote = create(key, index, member, envelope)
    end
    if state == 2 and wrote == 0 then
      drop(key, index, member)
      wrote = 1
    end
  end
  reply[#reply + 1] = state
  reply[#reply + 1] = old or ''
  reply[#reply + 1] = wrote
end
-- every entry of one script shares its hash tag, so one registry: KEYS[4]
if #registered > 0 then
  redis.call('ZADD', KEYS[4], unpack(registered))
end
if #unregistered > 0 then
  redis.call('ZREM', KEYS[4], unpack(unregistered))
end
return reply
