package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.net.URI;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code removeAll()} and {@code clear()} leave nothing of the cache on the server, entries that this JVM cannot
 * decode included (a key or value of a class outside its serialization filter, bytes of another format), and the log
 * says an entry was removed only when it was.
 */
class RemovalTest {
  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  final Managers managers = new Managers();

  /** A class that one manager's filter lists and the other's does not. */
  public record Listed(String name) implements Serializable {}

  private CacheManager manager(String fragment, String filter) {
    Properties properties = new Properties();
    properties.setProperty("namespace", "removal");
    if (filter != null) {
      properties.setProperty("serialization-filter", filter);
    }
    return managers.open(URI.create(REDIS.server().uri() + "#" + fragment), properties);
  }

  /** How many names of the cache {@code name} the server holds. */
  private static long names(String name) {
    String reply = REDIS.server().send("EVAL \"return #redis.call('KEYS', ARGV[1])\" 0 removal:{removal:" + name
        + "}:*");
    return Long.parseLong(reply.substring(1));
  }

  /**
   * A cache in which a JVM with a narrower filter finds two entries it can read, one whose value and one whose key it
   * cannot, and one of another format.
   */
  private Cache<Object, Object> withUnreadableEntries(String name) {
    Cache<Object, Object> wide = manager(name + "-wide", "io.keyedcache.redis.RemovalTest$Listed")
        .createCache(name, new MutableConfiguration<>());
    wide.put("a", "readable");
    wide.put("b", "readable too");
    wide.put("c", new Listed("value outside the narrow filter"));
    wide.put(new Listed("key outside the narrow filter"), "x");
    assertThat(REDIS.server().send("SET removal:{removal:" + name + "}:v:sd not-an-entry")).isEqualTo("+OK");
    assertThat(names(name)).isEqualTo(5);
    return manager(name + "-narrow", null).createCache(name, new MutableConfiguration<>());
  }

  @Test
  void removeAllLeavesNothingBehindAndSaysWhatItRemoved() {
    List<String> logged = new CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger scans = Logger.getLogger(Scans.class.getName());
    Logger stores = Logger.getLogger(RedisStores.class.getName());
    scans.addHandler(handler);
    stores.addHandler(handler);
    try {
      Cache<Object, Object> narrow = withUnreadableEntries("r");
      List<Object> seen = new java.util.ArrayList<>();
      narrow.forEach(entry -> seen.add(entry.getKey()));
      assertThat(seen).containsExactlyInAnyOrder("a", "b");
      assertThat(names("r")).as("iteration removes nothing").isEqualTo(5);
      assertThat(logged).as("iteration says it cannot read them, not that it removed them").isNotEmpty()
          .noneMatch(line -> line.contains("removed"));
      narrow.removeAll();
      assertThat(names("r")).as("names of the cache left after removeAll()").isZero();
      assertThat(logged).anyMatch(line -> line.contains("removed 3 entries"));
    } finally {
      scans.removeHandler(handler);
      stores.removeHandler(handler);
    }
  }

  @Test
  void clearLeavesNothingBehind() {
    Cache<Object, Object> narrow = withUnreadableEntries("c");
    narrow.clear();
    assertThat(names("c")).as("names of the cache left after clear()").isZero();
  }
}
