package io.keyedcache.provider;

import io.keyedcache.KeyedCache;
import java.net.URI;
import java.time.Duration;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Nested;

/** The contract over the portable view: on our provider, and on the JSR-107 reference implementation. */
class PortableKeyedCacheTest {

  abstract static class Portable extends KeyedCacheContract {
    private final FakeClock clock = new FakeClock();
    private CacheManager manager;

    abstract String provider();

    @Override
    void create() {
      CachingProvider provider = Caching.getCachingProvider(provider());
      manager = provider.getCacheManager(URI.create("keyedcache:portable"), getClass().getClassLoader());
      cache = manager.createCache("portable", new MutableConfiguration<Object, Object>());
      keyed = KeyedCache.portable(cache, clock);
    }

    @Override
    void destroy() {
      manager.close();
    }

    @Override
    void advance(Duration duration) {
      clock.advance(duration);
    }
  }

  @Nested
  class OverOurProvider extends Portable {
    @Override
    String provider() {
      return KeyedCachingProvider.class.getName();
    }
  }

  @Nested
  class OverTheReferenceImplementation extends Portable {
    @Override
    String provider() {
      return "org.jsr107.ri.spi.RICachingProvider";
    }
  }
}
