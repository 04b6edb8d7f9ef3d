package io.keyedcache.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A Lua script of this package's resources ({@code <name>.lua}, where each says what its keys and arguments are),
 * run by its digest (EVALSHA) and loaded again when the server has lost it (a restart; on a cluster a replica
 * promoted to master, which has not seen the SCRIPT LOAD; Valkey may evict scripts). Every script's keys share one
 * hash tag, so one hash slot.
 */
final class Script {
  static final Script WRITE = new Script("write");
  static final Script SET = new Script("set");
  static final Script PUT_ALL = new Script("put_all");
  static final Script CLEAR = new Script("clear");
  static final Script COMMIT = new Script("commit");
  static final Script REMOVE_IF_SAME = new Script("remove_if_same");
  static final Script TOUCH = new Script("touch");
  static final Script RENEW = new Script("renew");
  static final Script PREPARE = new Script("prepare");
  static final Script GENERATIONS = new Script("generations");
  static final Script RELEASE = new Script("release");

  private final String text;
  private volatile String digest;

  private Script(String name) {
    try (InputStream in = Script.class.getResourceAsStream(name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("The script " + name + ".lua is missing from keyedcache's redis jar");
      }
      this.text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends the script without waiting for its reply (loading it first if this JVM has not yet); a reply of
   * {@code NOSCRIPT} is the caller's to handle, by {@link #run}.
   */
  @SuppressWarnings("unchecked")
  RedisFuture<List<Object>> send(RedisClusterCommands<byte[], byte[]> commands,
      RedisClusterAsyncCommands<byte[], byte[]> async, byte[][] keys, byte[]... args) {
    String sha = digest;
    if (sha == null) {
      sha = commands.scriptLoad(text);
      digest = sha;
    }
    return (RedisFuture<List<Object>>) (RedisFuture<?>) async.evalsha(sha, ScriptOutputType.MULTI, keys, args);
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
}
