package io.keyedcache.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.List;

/**
 * A Lua script run by its digest (EVALSHA), loaded again when the server has lost it (a restart, or on a cluster a
 * replica promoted to master, which has not seen the SCRIPT LOAD). On a cluster SCRIPT LOAD goes to every node, and
 * every script's keys share one hash slot.
 */
final class Script {
  private final String text;
  private volatile String digest;

  Script(String text) {
    this.text = text;
  }

  /** Runs the script; its reply is a list (every script here returns a table). */
  @SuppressWarnings("unchecked")
  List<Object> run(RedisClusterCommands<byte[], byte[]> commands, byte[][] keys, byte[]... args) {
    String sha = digest;
    if (sha == null) {
      sha = commands.scriptLoad(text);
      digest = sha;
    }
    try {
      return (List<Object>) commands.evalsha(sha, ScriptOutputType.MULTI, keys, args);
    } catch (RedisNoScriptException e) {
      digest = commands.scriptLoad(text);
      return (List<Object>) commands.evalsha(digest, ScriptOutputType.MULTI, keys, args);
    }
  }

  // KEYS[1] the value, KEYS[2] the lease, KEYS[3] the index; ARGV[1] the envelope, ARGV[2] its PX or 0, ARGV[3] the
  // index member or ''. Plain writes wait for a step's lease: {-1}.
  static final Script PUT = new Script(
      "if redis.call('EXISTS', KEYS[2]) == 1 then return {-1} end\n"
      + "if ARGV[2] == '0' then redis.call('SET', KEYS[1], ARGV[1])\n"
      + "else redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end\n"
      + "if ARGV[3] ~= '' then redis.call('ZADD', KEYS[3], 0, ARGV[3]) end\n"
      + "return {1}");

  // As PUT, ARGV[4] now: stores only if no live entry; {0, present} otherwise.
  static final Script PUT_IF_ABSENT = new Script(
      "if redis.call('EXISTS', KEYS[2]) == 1 then return {-1} end\n"
      + "local old = redis.call('GET', KEYS[1])\n"
      + "if old and tonumber(string.sub(old, 4, 22)) > tonumber(ARGV[4]) then return {0, old} end\n"
      + "if ARGV[2] == '0' then redis.call('SET', KEYS[1], ARGV[1])\n"
      + "else redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end\n"
      + "if ARGV[3] ~= '' then redis.call('ZADD', KEYS[3], 0, ARGV[3]) end\n"
      + "return {1}");

  // ARGV[1] the index member or ''. {0} nothing there, {1, old} removed.
  static final Script REMOVE = new Script(
      "if redis.call('EXISTS', KEYS[2]) == 1 then return {-1} end\n"
      + "local old = redis.call('GET', KEYS[1])\n"
      + "if ARGV[1] ~= '' then redis.call('ZREM', KEYS[3], ARGV[1]) end\n"
      + "if not old then return {0} end\n"
      + "redis.call('DEL', KEYS[1])\n"
      + "return {1, old}");

  // Removes the entry if it is still exactly ARGV[1] (an expired envelope); ARGV[2] the index member or ''.
  static final Script REMOVE_IF_SAME = new Script(
      "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0} end\n"
      + "redis.call('DEL', KEYS[1])\n"
      + "if ARGV[2] ~= '' then redis.call('ZREM', KEYS[3], ARGV[2]) end\n"
      + "return {1}");

  // A step's end, under its lease ARGV[1]: ARGV[2] 'set' (ARGV[3] envelope, ARGV[4] PX or 0) or 'del' or 'keep';
  // ARGV[5] the index member or ''; ARGV[6] the entry the step read ('' for none). {-1} when the lease is no longer
  // ours: nothing written. {2} when a put (a plain SET, which does not wait for leases) replaced what the step read:
  // the put is later, so the step writes nothing. A new deadline alone (a read's TOUCH) or an entry removed as
  // expired is no such change.
  static final Script COMMIT = new Script(
      "if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {-1} end\n"
      + "local now = redis.call('GET', KEYS[1])\n"
      + "if now and (ARGV[6] == '' or string.sub(now, 1, 3) ~= string.sub(ARGV[6], 1, 3)\n"
      + "    or string.sub(now, 23) ~= string.sub(ARGV[6], 23)) then\n"
      + "  redis.call('DEL', KEYS[2])\n"
      + "  return {2}\n"
      + "end\n"
      + "if ARGV[2] == 'set' then\n"
      + "  if ARGV[4] == '0' then redis.call('SET', KEYS[1], ARGV[3])\n"
      + "  else redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4]) end\n"
      + "  if ARGV[5] ~= '' then redis.call('ZADD', KEYS[3], 0, ARGV[5]) end\n"
      + "elseif ARGV[2] == 'del' then\n"
      + "  redis.call('DEL', KEYS[1])\n"
      + "  if ARGV[5] ~= '' then redis.call('ZREM', KEYS[3], ARGV[5]) end\n"
      + "end\n"
      + "redis.call('DEL', KEYS[2])\n"
      + "return {1}");

  // Gives a present entry a new deadline ARGV[1] (19 digits) and PX ARGV[2] (or 0); ARGV[3] the deadline it must
  // still have, or '' for any.
  static final Script TOUCH = new Script(
      "local v = redis.call('GET', KEYS[1])\n"
      + "if not v then return {0} end\n"
      + "if ARGV[3] ~= '' and string.sub(v, 4, 22) ~= ARGV[3] then return {0} end\n"
      + "local t = string.sub(v, 1, 3) .. ARGV[1] .. string.sub(v, 23)\n"
      + "if ARGV[2] == '0' then redis.call('SET', KEYS[1], t) else redis.call('SET', KEYS[1], t, 'PX', ARGV[2]) end\n"
      + "return {1}");

  // Extends a lease that is still ours (ARGV[1]) by ARGV[2] milliseconds.
  static final Script RENEW = new Script(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return {1} end\n"
      + "return {0}");

  // Before a computed value is committed, under the step's lease: KEYS[1] the index, KEYS[2..] the generations of
  // the key's groups, ARGV[1] the index member or '', ARGV[2..] the generations the computation began under ('' for
  // none). {-2} when a group was deleted since; otherwise the key joins the index now, so that a group deletion
  // that begins from here on finds it (and waits for the step's lease to remove it).
  static final Script PREPARE = new Script(
      "for i = 2, #KEYS do\n"
      + "  local g = redis.call('GET', KEYS[i]) or ''\n"
      + "  if g ~= ARGV[i] then return {-2} end\n"
      + "end\n"
      + "if ARGV[1] ~= '' then redis.call('ZADD', KEYS[1], 0, ARGV[1]) end\n"
      + "return {1}");

  // Releases a lease that is still ours (a step that threw).
  static final Script RELEASE = new Script(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end\n"
      + "return {1}");
}
