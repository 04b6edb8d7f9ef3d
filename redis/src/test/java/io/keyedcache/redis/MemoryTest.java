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

  /**
   * A server that may evict any key is named with its policy when a manager connects, with what the tier does about
   * it (scan), or, under scan-keyspace=never, a warning; one that may not, is not named.
   */
  @Test
  void anAllkeysPolicyIsReportedWhenTheManagerConnects() throws Exception {
    try (RedisServer lru = RedisServer.start("--maxmemory-policy", "allkeys-lru");
        RedisServer volatileLru = RedisServer.start("--maxmemory-policy", "volatile-lru");
        LogLines logged = LogLines.of(RedisStores.class)) {
      keyed(volatileLru, "volatile");
      assertThat(logged.messages()).noneMatch(line -> line.contains("maxmemory-policy"));
      keyed(lru, "allkeys");
      assertThat(logged.messages()).anySatisfy(line -> assertThat(line).contains("maxmemory-policy allkeys-lru",
          "scan the server's keyspace", "scan-keyspace=auto"));
      managers.open(URI.create(lru.uri() + "?scan-keyspace=never#never"), new Properties());
      assertThat(logged.messages()).anySatisfy(line -> assertThat(line).contains("maxmemory-policy allkeys-lru",
          "scan-keyspace=never", "may then stay readable", "noeviction or a volatile-*"));
    }
  }

  private static final String PADDING = "p".repeat(2_000);

  /**
   * Writes 2,000 entries of 2 KB over 10 groups twice into a server smaller than that, so that it evicts: every read
   * then finds the second value or nothing, and some entries stay.
   */
  private static void overfill(RedisServer server, KeyedCache<Object> keyed) {
    for (String round : new String[] {"first", "second"}) {
      for (int i = 0; i < 2000; i++) {
        keyed.put(CacheKey.of("g", i % 10, "k", i), round + PADDING);
      }
    }
    assertThat(server.bulk("INFO stats")).as("Redis evicted keys").containsPattern("evicted_keys:[1-9]");
    int found = 0;
    for (int i = 0; i < 2000; i++) {
      Object value = keyed.get(CacheKey.of("g", i % 10, "k", i), null);
      assertThat(value).as("key %d", i).isIn(null, "second" + PADDING);
      found += value == null ? 0 : 1;
    }
    assertThat(found).as("some entries stayed").isPositive();
  }

  /** How many value names of {@code namespace} the server holds. */
  private static long values(RedisServer server, String namespace) {
    String reply = server.send("EVAL \"return #redis.call('keys', ARGV[1])\" 0 " + namespace + ":*}:v:*");
    return Long.parseLong(reply.substring(1));
  }

  /** Deletes every index and registry of {@code namespace}: what Redis may evict under an allkeys-* policy. */
  private static void evictIndexes(RedisServer server, String namespace) {
    server.send("EVAL \"for _, k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end"
        + " for _, k in ipairs(redis.call('keys', ARGV[2])) do redis.call('del', k) end return 1\" 0 "
        + namespace + ":*}:i " + namespace + ":*}:e");
  }

  /**
   * Under an allkeys-* policy the tier scans the keyspace, so that entries whose index and registry Redis evicted are
   * still deleted by their group's deletion, iterated, and cleared; with scan-keyspace=never they escape.
   */
  @Test
  void entriesWhoseIndexesWereEvictedAreStillDeletedIteratedAndCleared() throws Exception {
    try (RedisServer server = RedisServer.start("--maxmemory-policy", "allkeys-random")) {
      KeyedCache<Object> keyed = keyed(server, "evicted");
      Cache<Object, Object> cache = managers.open(URI.create(server.uri() + "#evicted"), new Properties())
          .getCache("c");
      keyed.put(CacheKey.of("product", 1), "apple");
      keyed.put(CacheKey.of("product", 1, "price"), "2.50");
      keyed.put(CacheKey.of("product", 2), "pear");
      cache.put("plain", "value");
      evictIndexes(server, "evicted");

      assertThat(keyed.deleteGroup(CacheKey.of("product", 1)))
          .containsExactlyInAnyOrder(CacheKey.of("product", 1), CacheKey.of("product", 1, "price"));
      assertThat(keyed.find(CacheKey.of("product", 1, "price"))).isEmpty();
      assertThat(values(server, "evicted")).isEqualTo(2);
      java.util.List<Object> iterated = new java.util.ArrayList<>();
      cache.forEach(entry -> iterated.add(entry.getKey()));
      assertThat(iterated).containsExactlyInAnyOrder(CacheKey.of("product", 2), "plain");
      cache.clear();
      assertThat(values(server, "evicted")).as("value keys left by clear()").isZero();

      keyed.put(CacheKey.of("product", 3), "plum");
      evictIndexes(server, "evicted");
      cache.removeAll();
      assertThat(values(server, "evicted")).as("value keys left by removeAll()").isZero();

      // what the scan prevents: without it, an entry whose index went escapes its group's deletion
      Cache<Object, Object> unscanned = managers.open(URI.create(server.uri() + "?scan-keyspace=never#never"),
          new Properties()).createCache("c", new MutableConfiguration<>());
      @SuppressWarnings("unchecked")
      KeyedCache<Object> blind = unscanned.unwrap(KeyedCache.class);
      blind.put(CacheKey.of("product", 1), "apple");
      evictIndexes(server, "never");
      assertThat(blind.deleteGroup(CacheKey.of("product", 1))).isEmpty();
      assertThat(blind.find(CacheKey.of("product", 1))).contains("apple");
    }
  }

  /**
   * Each allkeys-* policy with the server full: Redis evicts entries and metadata alike while the cache writes more
   * than it holds; a read finds the last value or nothing, and group deletion and clear() leave no entry behind.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"allkeys-lru", "allkeys-lfu", "allkeys-random"})
  void underAnAllkeysPolicyGroupDeletionAndClearStayComplete(String policy) throws Exception {
    try (RedisServer server = RedisServer.start("--maxmemory", "3mb", "--maxmemory-policy", policy)) {
      Cache<Object, Object> cache = managers.open(URI.create(server.uri() + "?near-cache-size=0#allkeys"),
          new Properties()).createCache("c", new MutableConfiguration<>());
      @SuppressWarnings("unchecked")
      KeyedCache<Object> keyed = cache.unwrap(KeyedCache.class);
      String padding = PADDING;
      overfill(server, keyed);
      for (int g = 0; g < 5; g++) {
        keyed.deleteGroup(CacheKey.of("g", g));
      }
      long left = 0;
      long kept = 0;
      for (int i = 0; i < 2000; i++) {
        CacheKey key = CacheKey.of("g", i % 10, "k", i);
        boolean stored = server.send("EXISTS allkeys:{allkeys:c}:v:k" + key).equals(":1");
        if (i % 10 < 5) {
          assertThat(keyed.get(key, null)).as("key %d after its group's deletion", i).isNull();
          left += stored ? 1 : 0;
        } else {
          assertThat(keyed.get(key, null)).as("key %d", i).isIn(null, "second" + padding);
          kept += stored ? 1 : 0;
        }
      }
      assertThat(left).as("members of deleted groups left on the server").isZero();
      assertThat(kept).as("members of the other groups (the names are right)").isPositive();
      cache.clear();
      assertThat(values(server, "allkeys")).as("value keys left by clear()").isZero();
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
      String padding = PADDING;
      overfill(server, keyed);
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
