package io.keyedcache.spring.boot;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * The keyed views of the application's caches, by name: inject it and ask, with the value type the call site
 * expects ({@code KeyedCache<Product> products = keyedCaches.get("products")}). The caches named in
 * {@code spring.cache.cache-names} can also be injected one by one: {@code @Qualifier("products") KeyedCache<Product>}.
 * Thread-safe.
 */
public final class KeyedCaches {
  private final CacheManager manager;

  KeyedCaches(CacheManager manager) {
    this.manager = manager;
  }

  /**
   * The keyed view of the cache {@code name}, created from the manager's defaults when it does not exist yet (as
   * Spring's cache abstraction creates caches on demand).
   *
   * @throws IllegalArgumentException if the cache's key type is neither {@code Object} nor {@link CacheKey}
   */
  @SuppressWarnings("unchecked")
  public <V> KeyedCache<V> get(String name) {
    Cache<Object, Object> cache = manager.getCache(name);
    if (cache == null) {
      try {
        cache = manager.createCache(name, new javax.cache.configuration.MutableConfiguration<>());
      } catch (javax.cache.CacheException raced) {
        cache = manager.getCache(name); // another thread created it first
        if (cache == null) {
          throw raced;
        }
      }
    }
    return cache.unwrap(KeyedCache.class);
  }

  /** The JCache manager underneath. */
  public CacheManager manager() {
    return manager;
  }
}
