package io.keyedcache.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * The way a user reaches keyedcache without vendor configuration: {@code Caching.getCachingProvider()} (ours is the
 * only provider on this class path) and a plain {@code MutableConfiguration}; then a per-entry lifetime and a cached
 * function with a lifetime. The clock is the system's, so the test waits once for the lifetime to pass, and checks
 * "not before" only while the time measured since the writes is still short of the lifetime.
 */
class KeyedLifetimesExampleTest {
  private static final CacheKey PRODUCT = CacheKey.of("product", 123);

  @Test
  void aPerEntryLifetimeAndACachedFunctionWithALifetimeOnACacheFromAPlainConfiguration() throws Exception {
    CacheManager manager = Caching.getCachingProvider().getCacheManager();
    Cache<Object, Object> cache = manager.createCache("plain-lifetimes", new MutableConfiguration<>());
    try {
      @SuppressWarnings("unchecked")
      KeyedCache<Object> keyed = cache.unwrap(KeyedCache.class);
      Duration lifetime = Duration.ofMillis(400);
      AtomicInteger calls = new AtomicInteger();
      Function<Integer, String> price = keyed.function("price", lifetime,
          (Integer id) -> "price of " + id + " #" + calls.incrementAndGet());

      long start = System.nanoTime();
      keyed.put(PRODUCT, "apple", lifetime);
      String first = price.apply(7);
      String second = price.apply(7);
      Object read = cache.get(PRODUCT);
      boolean within = System.nanoTime() - start < lifetime.toNanos();
      assertEquals("price of 7 #1", first);
      if (within) {
        assertEquals("apple", read, "read before the lifetime passed");
        assertEquals(first, second, "computed once within the lifetime");
      }

      long left = lifetime.toNanos() - (System.nanoTime() - start);
      if (left > 0) {
        Thread.sleep(left / 1_000_000 + 20);
      }
      assertNull(cache.get(PRODUCT), "read after the lifetime passed");
      assertFalse(keyed.isCached(PRODUCT));
      int before = calls.get();
      assertEquals("price of 7 #" + (before + 1), price.apply(7), "computed again after the lifetime");
      assertTrue(keyed.isCached("func", "price", 7));
    } finally {
      manager.destroyCache("plain-lifetimes");
    }
  }
}
