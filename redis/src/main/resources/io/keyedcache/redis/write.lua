-- One JCache write to each of n entries of one hash tag, decided here as the layer decides it (a Plan): the
-- write's one round trip. Used for single keys (n = 1) and for bulk operations (n keys of one hash tag).
--
-- KEYS[1] the registry of the value names of the entries' shard (one server: of the cache), scored by their
-- deadlines; KEYS[2] the index of the shard's CacheKey keys; KEYS[2i+1], KEYS[2i+2]: entry i's value and the lease
-- of a step on it.
-- ARGV[1]  the mode: put, putIfAbsent, replace, remove, access (a read that gives a present entry its access
--          lifetime)
-- ARGV[2]  now, epoch milliseconds in 19 digits (so that deadlines compare as strings, without a number's parse)
-- ARGV[3]  the creation deadline (19 digits), ARGV[4] its PX ('0' no TTL, '-' expired at once)
-- ARGV[5]  the update deadline, '' to keep the entry's; ARGV[6] its PX (as ARGV[4])
-- ARGV[7]  the access deadline, '' to keep the entry's; ARGV[8] its PX (as ARGV[4])
-- ARGV[9]  the value a present entry must hold (its codec byte and bytes), '' for any
-- ARGV[10] '1' to answer with the envelopes the entries had, '' to answer with their states only
-- ARGV[9+2i], ARGV[10+2i]: entry i's new envelope, dated with the creation deadline ('' when it has none),
--          and its index member ('' for none)
--
-- Reply: {-1, i} while a step of some JVM holds entry i's lease (for any mode but access): nothing was written.
-- Otherwise {codes, old_1, ..., old_n} (the olds only when ARGV[10] asks): codes has one digit per entry, its state
-- before times 2, plus 1 if it was written or removed. States: 0 absent, 1 live, 2 past its deadline, 3 not an entry
-- of format 1 (left alone). old_i is the envelope entry i had ('' for none). An entry past its deadline is removed.
local n = (#KEYS - 2) / 2
local mode = ARGV[1]
-- a read's new deadline does not wait: a step's closing script takes a new deadline alone for no change
if mode ~= 'access' then
  local leases = {}
  for i = 1, n do
    leases[i] = KEYS[2 * i + 2]
  end
  if redis.call('EXISTS', unpack(leases)) > 0 then
    for i = 1, n do
      if redis.call('EXISTS', KEYS[2 * i + 2]) == 1 then
        return {-1, i}
      end
    end
  end
end
local now = ARGV[2]
local expected = ARGV[9]
local NEVER = '9223372036854775807'
local CODES = {'0', '1', '2', '3', '4', '5', '6', '7'}

-- the registry score of an entry whose deadline has these digits and whose PX is px: its deadline (Redis parses the
-- digits; no number is formatted here)
local function score(digits, px)
  if px == '0' or digits == NEVER then
    return 'inf'
  end
  return digits
end
local created = score(ARGV[3], ARGV[4])
local updated = ARGV[5] ~= '' and score(ARGV[5], ARGV[6])
local accessed = ARGV[7] ~= '' and score(ARGV[7], ARGV[8])

-- the envelope with the 19 digits of another deadline (bytes 4 to 22)
local function dated(envelope, digits)
  return string.sub(envelope, 1, 3) .. digits .. string.sub(envelope, 23)
end

-- the registry's changes, made with one ZADD and one ZREM at the end
local registered = {}
local unregistered = {}

-- writes the entry and registers its name with its score
local function set(key, envelope, px, rank)
  if px == '0' then
    redis.call('SET', key, envelope)
  else
    redis.call('SET', key, envelope, 'PX', px)
  end
  registered[#registered + 1] = rank
  registered[#registered + 1] = key
end

local function drop(key, member)
  redis.call('DEL', key)
  unregistered[#unregistered + 1] = key
  if member ~= '' then
    redis.call('ZREM', KEYS[2], member)
  end
end

local function create(key, member, envelope)
  if ARGV[4] == '-' then
    return 0
  end
  set(key, envelope, ARGV[4], created)
  if member ~= '' then
    redis.call('ZADD', KEYS[2], 0, member)
  end
  return 1
end

local function update(key, member, envelope, digits)
  if not updated then
    redis.call('SET', key, dated(envelope, digits), 'KEEPTTL')
    registered[#registered + 1] = score(digits, '')
    registered[#registered + 1] = key
  elseif ARGV[6] == '-' then
    drop(key, member)
  else
    set(key, dated(envelope, ARGV[5]), ARGV[6], updated)
  end
  return 1
end

local function access(key, member, old)
  if not accessed then
    return 0
  end
  if ARGV[8] == '-' then
    drop(key, member)
  else
    set(key, dated(old, ARGV[7]), ARGV[8], accessed)
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
  names[i] = KEYS[2 * i + 1]
end
local olds = redis.call('MGET', unpack(names))
local answers = ARGV[10] == '1'
local codes = {}
local reply = {''}
for i = 1, n do
  local key = KEYS[2 * i + 1]
  local envelope, member = ARGV[9 + 2 * i], ARGV[10 + 2 * i]
  local old = olds[i]
  local state = 0
  local digits
  if old then
    local k, one = string.byte(old, 1, 2)
    -- 'K1': an entry of format 1, whose bytes 4 to 22 are its deadline's digits
    if k ~= 75 or one ~= 49 or #old < 26 then
      state = 3
    else
      digits = string.sub(old, 4, 22)
      state = digits > now and 1 or 2
    end
  end
  local wrote = 0
  if state == 3 then
    -- not ours to read here: the caller decides in Java
  elseif state == 1 then
    if mode == 'put' then
      wrote = update(key, member, envelope, digits)
    elseif mode == 'replace' or mode == 'remove' then
      if expected == '' or value(old) == expected then
        if mode == 'replace' then
          wrote = update(key, member, envelope, digits)
        else
          drop(key, member)
          wrote = 1
        end
      else
        wrote = access(key, member, old)
      end
    elseif mode == 'access' then
      wrote = access(key, member, old)
    end
  else
    if mode == 'put' or mode == 'putIfAbsent' then
      wrote = create(key, member, envelope)
    end
    if state == 2 and wrote == 0 then
      drop(key, member)
      wrote = 1
    end
  end
  codes[i] = CODES[state * 2 + wrote + 1]
  if answers then
    reply[i + 1] = old or ''
  end
end
reply[1] = table.concat(codes)
if #registered > 0 then
  redis.call('ZADD', KEYS[1], unpack(registered))
end
if #unregistered > 0 then
  redis.call('ZREM', KEYS[1], unpack(unregistered))
end
return reply
