package io.keyedcache.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.binder.cache.JCacheMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.Test;

/** Micrometer's {@code JCacheMetrics} reading keyedcache's statistics (through the standard MXBeans). */
class MicrometerExampleTest {

  @Test
  void jcacheMetricsSeeHitsMissesAndPuts() {
    CacheManager manager = Caching.getCachingProvider("io.keyedcache.provider.KeyedCachingProvider")
        .getCacheManager(URI.create("classpath:examples-caches.properties"), getClass().getClassLoader());
    try {
      Cache<Object, Object> products = manager.getCache("products");
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      JCacheMetrics.monitor(registry, products);

      products.put(1, "apple");
      products.get(1);
      products.get(1);
      products.get(2);

      assertEquals(2.0, registry.get("cache.gets").tag("result", "hit").functionCounter().count());
      assertEquals(1.0, registry.get("cache.gets").tag("result", "miss").functionCounter().count());
      assertEquals(1.0, registry.get("cache.puts").functionCounter().count());
    } finally {
      manager.close();
    }
  }
}
