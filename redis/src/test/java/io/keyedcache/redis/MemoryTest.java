package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the tier leaves on the server, and a full server: group deletion and its fences leave no key without a
 * lifetime behind, and work when the server refuses every write for want of memory.
 */
class MemoryTest {
  @RegisterExtension
  final Managers managers = new Managers();

  @SuppressWarnings("unchecked")
  private KeyedCache<Object> keyed(RedisServer server, String namespace) {
    Cache<Object, Object> cache = managers.open(URI.create(server.uri() + "#" + namespace), new Properties())
        .createCache("c", new MutableConfiguration<>());
    return cache.unwrap(KeyedCache.class);
  }

  /** How many keys of {@code namespace} have no lifetime. */
  private static long eternal(RedisServer server, String namespace) {
    String reply = server.send("EVAL \"local n = 0 for _, k in ipairs(redis.call('keys', ARGV[1])) do"
        + " if redis.call('pttl', k) == -1 then n = n + 1 end end return n\" 0 " + namespace + ":*");
    return Long.parseLong(reply.substring(1));
  }

  /** A server that may evict any key is named with its policy when a manager connects; one that may not, is not. */
  @Test
  void anAllkeysPolicyIsWarnedOfWhenTheManagerConnects() throws Exception {
    try (RedisServer lru = RedisServer.start("--maxmemory-policy", "allkeys-lru");
        RedisServer volatileLru = RedisServer.start("--maxmemory-policy", "volatile-lru");
        LogLines logged = LogLines.of(RedisStores.class)) {
      keyed(volatileLru, "volatile");
      assertThat(logged.messages()).noneMatch(line -> line.contains("maxmemory-policy"));
      keyed(lru, "allkeys");
      assertThat(logged.messages()).anySatisfy(line -> assertThat(line).contains("maxmemory-policy allkeys-lru",
          "group deletion and clear()", "noeviction or a volatile-*"));
    }
  }

  /**
   * 1,000 products, each put, computed by a cached function and deleted as a group: what stays on the server without
   * a lifetime is the cache's index and registry, not a key per group.
   */
  @Test
  void groupDeletionsLeaveNoKeyWithoutALifetimePerGroup() throws Exception {
    try (RedisServer server = RedisServer.start()) {
      KeyedCache<Object> keyed = keyed(server, "bounded");
      Function<Integer, String> price = keyed.function("price", Duration.ofMinutes(10), id -> "price of " + id);
      for (int id = 0; id < 1000; id++) {
        keyed.put(CacheKey.of("product", id, "name"), "product " + id);
        assertThat(price.apply(id)).isEqualTo("price of " + id);
        keyed.deleteGroup(CacheKey.of("product", id));
      }
      keyed.deleteFunction("price");
      assertThat(eternal(server, "bounded")).as("keys without a lifetime").isLessThanOrEqualTo(2);
    }
  }

  /**
   * A server full under noeviction refuses writes, and a group deletion still removes every member: a stale value
   * does not stay readable while invalidation fails.
   */
  @Test
  void groupDeletionWorksOnAFullServer() throws Exception {
    try (RedisServer server = RedisServer.start("--maxmemory-policy", "noeviction")) {
      KeyedCache<Object> keyed = keyed(server, "full");
      Function<Integer, String> price = keyed.function("price", Duration.ofMinutes(10), id -> "price of " + id);
      for (int id = 0; id < 20; id++) {
        keyed.put(CacheKey.of("product", id % 2, "part", id), "part " + id);
        assertThat(price.apply(id)).isEqualTo("price of " + id);
      }
      // full: well past maxmemory, so that no write squeezes in at the boundary
      for (int i = 0; i < 100; i++) {
        assertThat(server.send("SET filler:" + i + " " + "x".repeat(10_000))).isEqualTo("+OK");
      }
      assertThat(server.send("CONFIG SET maxmemory 1mb")).isEqualTo("+OK");
      assertThat(server.send("SET one:more x")).as("the server is full").startsWith("-OOM");
      assertThatThrownBy(() -> keyed.put(CacheKey.of("product", 0, "part", 99), "more"))
          .isInstanceOf(CacheException.class).hasMessageContaining("OOM").hasMessageContaining("maxmemory-policy");
      keyed.deleteGroup(CacheKey.of("product", 0));
      keyed.deleteFunction("price");
      for (int id = 0; id < 20; id++) {
        Object part = keyed.get(CacheKey.of("product", id % 2, "part", id), null);
        assertThat(part).as("part %d", id).isEqualTo(id % 2 == 0 ? null : "part " + id);
      }
    }
  }

  /**
   * Under volatile-lru Redis evicts entries with a lifetime while the cache writes more than the server holds: a read
   * finds the last value written or nothing, never an older one, and a group deletion leaves no member readable.
   */
  @Test
  void underVolatileLruAnEvictedEntryIsAMissNeverAnOlderValue() throws Exception {
    try (RedisServer server = RedisServer.start("--maxmemory", "3mb", "--maxmemory-policy", "volatile-lru")) {
      MutableConfiguration<Object, Object> expiring = new MutableConfiguration<>()
          .setExpiryPolicyFactory(javax.cache.expiry.CreatedExpiryPolicy.factoryOf(
              javax.cache.expiry.Duration.TEN_MINUTES));
      Cache<Object, Object> cache = managers.open(URI.create(server.uri() + "?near-cache-size=0#volatile"),
          new Properties()).createCache("c", expiring);
      @SuppressWarnings("unchecked")
      KeyedCache<Object> keyed = cache.unwrap(KeyedCache.class);
      String padding = "p".repeat(2_000);
      for (String round : new String[] {"first", "second"}) {
        for (int i = 0; i < 2000; i++) {
          keyed.put(CacheKey.of("g", i % 10, "k", i), round + padding);
        }
      }
      assertThat(server.bulk("INFO stats")).as("Redis evicted entries").containsPattern("evicted_keys:[1-9]");
      int found = 0;
      for (int i = 0; i < 2000; i++) {
        Object value = keyed.get(CacheKey.of("g", i % 10, "k", i), null);
        assertThat(value).as("key %d", i).isIn(null, "second" + padding);
        found += value == null ? 0 : 1;
      }
      assertThat(found).as("some entries stayed").isPositive();
      for (int g = 0; g < 10; g++) {
        keyed.deleteGroup(CacheKey.of("g", g));
      }
      for (int i = 0; i < 2000; i++) {
        assertThat(keyed.get(CacheKey.of("g", i % 10, "k", i), null)).as("key %d after its group's deletion", i)
            .isNull();
      }
    }
  }
}
