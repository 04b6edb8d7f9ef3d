package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyedcache.provider.KeyedCachingProvider;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Refresh ahead for read-through caches on the shared tier: two managers (each its own connections, near cache and
 * lease token, as two JVMs have) reload an entry once between them while every get answers at once, and an entry
 * removed by the other manager while it reloads stays removed.
 */
class ReadThroughRefreshTest {
  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  private final List<CacheManager> managers = new ArrayList<>();
  private final List<java.util.concurrent.ExecutorService> executors = new ArrayList<>();
  private final AtomicInteger loads = new AtomicInteger();
  private final AtomicInteger loading = new AtomicInteger();
  private final AtomicInteger overlaps = new AtomicInteger();
  private volatile long loadMillis = 200;
  private volatile Runnable duringLoad = () -> { };

  @AfterEach
  void stop() {
    managers.forEach(CacheManager::close);
    executors.forEach(java.util.concurrent.ExecutorService::shutdownNow);
  }

  private Cache<Object, Object> cache(String namespace) {
    Properties properties = new Properties();
    properties.setProperty("namespace", namespace);
    CacheManager manager = Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(REDIS.target().uri() + "?flight-lease=1000#" + namespace + "-" + managers.size()),
        ReadThroughRefreshTest.class.getClassLoader(), properties);
    managers.add(manager);
    // an executor of its own, as a JVM of its own has (the common pool has one thread on two cores)
    java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newCachedThreadPool();
    executors.add(executor);
    KeyedCacheConfiguration<Object, Object> config = new KeyedCacheConfiguration<>()
        .refreshAfter(Duration.ofSeconds(1)).executor(executor);
    config.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.SECONDS, 2)));
    config.setReadThrough(true);
    config.setCacheLoaderFactory(() -> new CacheLoader<Object, Object>() {
      @Override
      public Object load(Object key) {
        if (loading.incrementAndGet() > 1) {
          overlaps.incrementAndGet();
        }
        try {
          duringLoad.run();
          Thread.sleep(loadMillis);
          return key + " v" + loads.incrementAndGet();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        } finally {
          loading.decrementAndGet();
        }
      }

      @Override
      public Map<Object, Object> loadAll(Iterable<?> keys) {
        throw new UnsupportedOperationException();
      }
    });
    return manager.createCache("prices", config);
  }

  /**
   * 2 managers x 3 threads get one key for 5 s (a 200 ms load, lifetime 2 s, refresh after 1 s): after the first load
   * no get waits for a load, and the entry is reloaded about once a second between both, never twice at once.
   */
  @Test
  void twoManagersReloadOnceBetweenThemAndNoGetWaits() throws Exception {
    Cache<Object, Object> one = cache("reload");
    Cache<Object, Object> other = cache("reload");
    assertThat(one.get("a")).isEqualTo("a v1");
    AtomicLong slowest = new AtomicLong();
    AtomicInteger gets = new AtomicInteger();
    AtomicInteger misses = new AtomicInteger();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    List<Thread> threads = new ArrayList<>();
    for (Cache<Object, Object> cache : List.of(one, other, one, other, one, other)) {
      Thread thread = new Thread(() -> {
        while (System.nanoTime() - until < 0) {
          long start = System.nanoTime();
          Object value = cache.get("a");
          slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
          gets.incrementAndGet();
          if (value == null) {
            misses.incrementAndGet();
          }
          try {
            Thread.sleep(2);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join(30_000);
    }
    double slowestMillis = slowest.get() / 1e6;
    System.out.printf("read-through refresh ahead, 2 managers x 3 threads, 5 s: %d gets, %d loads, slowest get %.1f"
        + " ms%n", gets.get(), loads.get(), slowestMillis);
    assertThat(misses).hasValue(0);
    assertThat(overlaps).as("loads at once").hasValue(0);
    assertThat(loads.get()).as("the first, then about one a second").isBetween(4, 8);
    assertThat(slowestMillis).as("no get waited for a 200 ms load").isLessThan(200);
  }

  /** The other manager removes the entry while this one reloads it: the reload does not bring it back. */
  @Test
  void anEntryRemovedElsewhereWhileItReloadsStaysRemoved() throws Exception {
    Cache<Object, Object> one = cache("reload-removed");
    Cache<Object, Object> other = cache("reload-removed");
    loadMillis = 0;
    assertThat(one.get("a")).isEqualTo("a v1");
    Thread.sleep(1_100);
    duringLoad = () -> other.remove("a");
    assertThat(one.get("a")).as("at once, the present value").isEqualTo("a v1");
    Waiting.until("the reload to run", () -> loads.get() == 2, 10);
    duringLoad = () -> { };
    Thread.sleep(200);
    assertThat(other.containsKey("a")).isFalse();
    assertThat(one.containsKey("a")).isFalse();
  }
}
