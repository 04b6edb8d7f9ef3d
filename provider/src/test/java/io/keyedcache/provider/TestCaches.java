package io.keyedcache.provider;

import com.github.benmanes.caffeine.cache.Ticker;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.CacheManager;
import javax.cache.Caching;

/** Shared fixtures: a manager of our own per test class, and a ticker the test moves by hand. */
final class TestCaches {
  private TestCaches() {}

  static CacheManager manager(Class<?> testClass) {
    return Caching.getCachingProvider(KeyedCachingProvider.class.getName())
        .getCacheManager(URI.create("keyedcache:" + testClass.getSimpleName()), testClass.getClassLoader());
  }

  /** The keys the prefix index of an embedded cache holds. */
  static java.util.List<io.keyedcache.CacheKey> indexedKeys(javax.cache.Cache<?, ?> cache) {
    return cache.unwrap(io.keyedcache.provider.caffeine.CaffeineStore.class).indexedKeys();
  }

  /** A ticker that only moves when told to. */
  static final class FakeTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long read() {
      return nanos.get();
    }

    void advance(java.time.Duration duration) {
      nanos.addAndGet(duration.toNanos());
    }
  }
}
