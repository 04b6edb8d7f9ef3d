package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared tier's own counts ({@link SharedTierMXBean}), each made to move by what it counts: near hits and misses,
 * near entries evicted, invalidations pushed by the server, a reconnect after {@code CLIENT KILL}, a wait for another
 * manager's computation, and the takeover of one whose manager went silent.
 */
class TierCountersTest {
  @RegisterExtension
  final Managers managers = new Managers();

  @SuppressWarnings("unchecked")
  private static KeyedCache<Object> keyed(CacheManager manager) {
    Cache<Object, Object> cache = manager.getCache("c");
    if (cache == null) {
      cache = manager.createCache("c", new MutableConfiguration<>());
    }
    return cache.unwrap(KeyedCache.class);
  }

  @Test
  void nearCacheHitsMissesEvictionsAndInvalidations() throws Exception {
    try (RedisServer server = RedisServer.start()) {
      Properties small = new Properties();
      small.setProperty("near-cache-size", "10");
      CacheManager reader = managers.open(URI.create(server.uri() + "#counts"), small);
      CacheManager writer = managers.open(URI.create(server.uri() + "?client-name=writer#counts"), new Properties());
      SharedTierMXBean tier = reader.unwrap(SharedTierMXBean.class);
      KeyedCache<Object> near = keyed(reader);
      KeyedCache<Object> far = keyed(writer);
      Tracking tracking = reader.getCache("c").unwrap(RedisStore.class).tracking();
      Waiting.until("tracking to be armed", tracking::armed, 10);
      assertThat(tier.getNearCacheHits() + tier.getNearCacheMisses() + tier.getInvalidations()).isZero();

      far.put(CacheKey.of("k"), "v1");
      // the server pushes every write's invalidation to the tracking connection, whether or not the key is near; a
      // read that crosses the push of its key keeps nothing near, so each step waits for it
      Waiting.until("the first write's invalidation", () -> tier.getInvalidations() == 1, 10);
      assertThat(near.get(CacheKey.of("k"))).isEqualTo("v1"); // a miss, then kept near
      assertThat(near.get(CacheKey.of("k"))).isEqualTo("v1");
      assertThat(near.get(CacheKey.of("k"))).isEqualTo("v1");
      assertThat(tier.getNearCacheMisses()).isEqualTo(1);
      assertThat(tier.getNearCacheHits()).isEqualTo(2);
      assertThat(tier.getNearCacheSize()).isEqualTo(1);

      far.put(CacheKey.of("k"), "v2");
      Waiting.until("the second write's invalidation", () -> tier.getInvalidations() == 2, 10);
      assertThat(near.get(CacheKey.of("k"))).isEqualTo("v2");
      assertThat(tier.getNearCacheSize()).isEqualTo(1);

      for (int i = 0; i < 50; i++) {
        far.put(CacheKey.of("many", i), i);
      }
      Waiting.until("the invalidations of 52 writes", () -> tier.getInvalidations() == 52, 10);
      for (int i = 0; i < 50; i++) {
        near.get(CacheKey.of("many", i));
      }
      Waiting.until("evictions past near-cache-size 10", () -> tier.getNearCacheEvictions() >= 40, 10);

      assertThat(tier.getNearCacheSize()).isLessThanOrEqualTo(10);
      assertThat(writer.unwrap(SharedTierMXBean.class).getNearCacheHits()).as("the writer read nothing").isZero();

      // a refreshing function's call reads its result once (a near hit or a miss, whichever a late invalidation
      // leaves it), whatever it then looks up to tell the result's age
      java.util.function.Function<Integer, String> refreshing = near.function("f").ttl(java.time.Duration.ofHours(1))
          .refreshAfter(java.time.Duration.ofMinutes(30)).of((Integer id) -> "f" + id);
      refreshing.apply(1);
      long looks = tier.getNearCacheHits() + tier.getNearCacheMisses();
      for (int i = 0; i < 5; i++) {
        assertThat(refreshing.apply(1)).isEqualTo("f1");
      }
      assertThat(tier.getNearCacheHits() + tier.getNearCacheMisses() - looks).as("near hits and misses of 5 calls")
          .isEqualTo(5);
    }
  }

  @Test
  void aConnectionKilledByTheServerCountsAsAReconnect() throws Exception {
    try (RedisServer server = RedisServer.start()) {
      CacheManager manager = managers.open(URI.create(server.uri() + "?client-name=counted#counts"), new Properties());
      SharedTierMXBean tier = manager.unwrap(SharedTierMXBean.class);
      keyed(manager).put(CacheKey.of("k"), "v");
      assertThat(tier.getReconnects()).isZero();
      server.send("CLIENT KILL TYPE normal");
      Waiting.until("the reconnect", () -> tier.getReconnects() >= 1, 20);
      assertThat(keyed(manager).get(CacheKey.of("k"))).isEqualTo("v");
      assertThat(tier.isConnected()).isTrue();
    }
  }

  @Test
  void aWaitForAnotherManagersComputationAndATakeoverFromASilentOne() throws Exception {
    try (RedisServer server = RedisServer.start(); Proxy proxy = new Proxy(server.port())) {
      String settings = "?flight-lease=600&timeout=300";
      CacheManager silent = managers.open(URI.create(proxy.uri() + settings + "#counts"), new Properties());
      CacheManager waiting = managers.open(URI.create(server.uri() + settings + "#counts"), new Properties());
      SharedTierMXBean tier = waiting.unwrap(SharedTierMXBean.class);
      CountDownLatch computing = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Function<Integer, String> slow = keyed(silent).function("f", Duration.ofMinutes(1), (Integer x) -> {
        computing.countDown();
        try {
          release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return "silent " + x;
      });
      CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
        try {
          return slow.apply(1);
        } catch (RuntimeException e) {
          return "failed";
        }
      });
      assertThat(computing.await(10, TimeUnit.SECONDS)).isTrue();
      proxy.partition(); // the computing manager goes silent: its lease is no longer renewed, and it never lands

      Function<Integer, String> same = keyed(waiting).function("f", Duration.ofMinutes(1), (Integer x) -> "taken " + x);
      assertThat(same.apply(1)).isEqualTo("taken 1");
      assertThat(tier.getLeaseWaits()).isEqualTo(1);
      assertThat(tier.getLeaseTakeovers()).isEqualTo(1);
      release.countDown();
      first.get(30, TimeUnit.SECONDS);
    }
  }
}
