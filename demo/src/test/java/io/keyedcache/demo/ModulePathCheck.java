package io.keyedcache.demo;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

/** Run by {@link ModulePathTest} in a JVM whose libraries are on the module path. */
public final class ModulePathCheck {
  private ModulePathCheck() {}

  public static void main(String[] args) throws Exception {
    CachingProvider provider = Caching.getCachingProvider();
    System.out.println("provider " + provider.getClass().getName() + " in module "
        + provider.getClass().getModule().getName());
    System.out.println("keyed API in module " + CacheKey.class.getModule().getName());
    CacheManager manager = provider.getCacheManager();
    Cache<Object, Object> cache = manager.createCache("module-path", new MutableConfiguration<>());
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyed = cache.unwrap(KeyedCache.class);
    keyed.put(CacheKey.of("product", 1), "apple");
    System.out.println("read back " + keyed.get("product", 1));
    provider.close();
  }
}
