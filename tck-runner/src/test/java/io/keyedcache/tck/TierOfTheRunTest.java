package io.keyedcache.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.keyedcache.provider.store.Store;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * Which tier this run of the TCK is on, checked rather than assumed: the default manager's by-value caches live in
 * a Redis store with a near cache on the shared-tier runs (one redis-server, or a Redis Cluster) and in a Caffeine
 * store on the other.
 */
class TierOfTheRunTest {
  @Test
  void theDefaultManagerIsOnTheTierThisRunIsFor() {
    boolean shared = System.getProperty("keyedcache.test.shared-tier") != null;
    boolean cluster = Boolean.getBoolean("keyedcache.test.shared-tier.cluster");
    CacheManager manager = Caching.getCachingProvider().getCacheManager();
    Cache<Object, Object> cache = manager.createCache("tier-of-the-run", new MutableConfiguration<>());
    try {
      assertEquals(shared ? "io.keyedcache.redis.RedisStore" : "io.keyedcache.provider.caffeine.CaffeineStore",
          cache.unwrap(Store.class).getClass().getName());
      assertEquals(shared ? (cluster ? "redis-cluster" : "redis") : "keyedcache", manager.getURI().getScheme());
      if (shared) {
        // the Redis store hands out fresh objects unless it keeps a near cache: this run has one
        assertFalse(cache.unwrap(Store.class).readsAreCopies());
      }
    } finally {
      manager.destroyCache("tier-of-the-run");
    }
  }
}
