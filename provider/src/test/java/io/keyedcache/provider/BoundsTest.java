package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BoundsTest {
  private final CacheManager manager = TestCaches.manager(BoundsTest.class);

  @AfterEach
  void close() {
    manager.close();
  }

  private static void cleanUp(Cache<?, ?> cache) {
    cache.unwrap(com.github.benmanes.caffeine.cache.Cache.class).cleanUp();
  }

  @Test
  void maximumSizeEvictsAndCountsEvictions() {
    KeyedCacheConfiguration<Integer, Integer> config = new KeyedCacheConfiguration<Integer, Integer>()
        .maximumSize(100).executor(Runnable::run);
    config.setStatisticsEnabled(true);
    Cache<Integer, Integer> cache = manager.createCache("sized", config);

    for (int i = 0; i < 1_000; i++) {
      cache.put(i, i);
    }
    cleanUp(cache);

    long size = cache.unwrap(com.github.benmanes.caffeine.cache.Cache.class).estimatedSize();
    assertThat(size).isEqualTo(100);
    KeyedJCache<?, ?> ours = cache.unwrap(KeyedJCache.class);
    assertThat(ours.statistics().getCacheEvictions()).isEqualTo(900);
    assertThat(ours.statistics().getCachePuts()).isEqualTo(1_000);
    assertThat(ours.statistics().getCacheRemovals()).isZero();
  }

  @Test
  void maximumWeightEvictsByWeight() {
    KeyedCacheConfiguration<Integer, String> config = new KeyedCacheConfiguration<Integer, String>()
        .maximumWeight(1_000, (key, value) -> value.length()).executor(Runnable::run);
    config.setStoreByValue(false);
    Cache<Integer, String> cache = manager.createCache("weighed", config);

    for (int i = 0; i < 100; i++) {
      cache.put(i, "x".repeat(100)); // weight 100 each: at most 10 fit
    }
    cleanUp(cache);

    int count = 0;
    for (Cache.Entry<Integer, String> ignored : cache) {
      count++;
    }
    assertThat(count).isEqualTo(10);
  }

  @Test
  void plainConfigurationIsUnbounded() {
    Cache<Integer, Integer> cache = manager.createCache("unbounded",
        new javax.cache.configuration.MutableConfiguration<Integer, Integer>());
    for (int i = 0; i < 50_000; i++) {
      cache.put(i, i);
    }
    cleanUp(cache);
    assertThat(cache.unwrap(com.github.benmanes.caffeine.cache.Cache.class).estimatedSize()).isEqualTo(50_000);
    assertThat(cache.unwrap(com.github.benmanes.caffeine.cache.Cache.class).policy().eviction()).isEmpty();
  }
}
