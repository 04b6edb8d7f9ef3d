package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.net.URI;
import java.util.List;
import java.util.Properties;
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
    return names("removal", name);
  }

  private static long names(String namespace, String name) {
    String reply = REDIS.server().send("EVAL \"return #redis.call('KEYS', ARGV[1])\" 0 " + namespace + ":{"
        + namespace + ":" + name + "}:*");
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
    // an entry of another format, registered as every entry is (write.lua, set.lua)
    String foreign = "removal:{removal:" + name + "}:v:sd";
    assertThat(REDIS.server().send("SET " + foreign + " not-an-entry")).isEqualTo("+OK");
    assertThat(REDIS.server().send("ZADD removal:{removal:" + name + "}:e inf " + foreign)).isEqualTo(":1");
    assertThat(names(name)).as("five entries and the registry of their names").isEqualTo(6);
    return manager(name + "-narrow", null).createCache(name, new MutableConfiguration<>());
  }

  @Test
  void removeAllLeavesNothingBehindAndSaysWhatItRemoved() {
    try (LogLines lines = LogLines.of(Scans.class, RedisStores.class)) {
      List<String> logged = lines.messages();
      Cache<Object, Object> narrow = withUnreadableEntries("r");
      List<Object> seen = new java.util.ArrayList<>();
      narrow.forEach(entry -> seen.add(entry.getKey()));
      assertThat(seen).containsExactlyInAnyOrder("a", "b");
      assertThat(names("r")).as("iteration removes nothing").isEqualTo(6);
      assertThat(logged).as("iteration says it cannot read them, not that it removed them").isNotEmpty()
          .noneMatch(line -> line.contains("removed"));
      narrow.removeAll();
      assertThat(names("r")).as("names of the cache left after removeAll()").isZero();
      assertThat(logged).anyMatch(line -> line.contains("removed 3 entries"));
    }
  }

  /**
   * A cache of 50 entries on a server that holds 100,000 other keys: clear, iteration and the size estimate send a
   * few commands each (counted by MONITOR), never a SCAN of the keyspace.
   */
  @Test
  void clearIterationAndSizeReadTheCacheNotTheKeyspace() throws Exception {
    assertThat(REDIS.server().send("EVAL \"for i = 1, 100000 do redis.call('SET', 'other:' .. i, 'x') end"
        + " return 1\" 0")).isEqualTo(":1");
    Properties properties = new Properties();
    properties.setProperty("near-cache-size", "0");
    Cache<String, String> cache = managers.open(URI.create(REDIS.server().uri() + "#proportional"), properties)
        .createCache("p", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    for (int i = 0; i < 50; i++) {
      cache.put("k" + i, "v" + i);
    }
    try (Monitor monitor = new Monitor(REDIS.server())) {
      List<String> iterated = monitor.during(() -> {
        int count = 0;
        for (Cache.Entry<String, String> entry : cache) {
          count++;
        }
        assertThat(count).isEqualTo(50);
      });
      assertThat(iterated).as("iteration").doesNotContain("scan", "keys").hasSizeLessThanOrEqualTo(3);
      List<String> sized = monitor.during(() -> assertThat(cache.unwrap(RedisStore.class)
          .estimatedSize()).isEqualTo(50));
      assertThat(sized).as("size").doesNotContain("scan", "keys").hasSizeLessThanOrEqualTo(2);
      List<String> cleared = monitor.during(cache::clear);
      assertThat(cleared).as("clear").doesNotContain("scan", "keys").hasSizeLessThanOrEqualTo(3);
    }
    assertThat(cache.iterator().hasNext()).isFalse();
    assertThat(names("proportional", "p")).isZero();
    assertThat(REDIS.server().send("EXISTS other:1 other:100000")).as("the other keys").isEqualTo(":2");
  }

  @Test
  void clearLeavesNothingBehind() {
    Cache<Object, Object> narrow = withUnreadableEntries("c");
    narrow.clear();
    assertThat(names("c")).as("names of the cache left after clear()").isZero();
  }
}
