package io.keyedcache.redis;

import io.keyedcache.provider.KeyedCachingProvider;
import java.net.URI;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * A JVM of {@link NearCacheTest} with a small heap ({@code -Xmx256m}) and the near cache's default bounds: it reads
 * each of {@code count} large values of the cache "big" once, prints {@code READ <count>} and {@code NEAR <entries
 * kept near>}, then {@code DONE}; an {@link OutOfMemoryError} ends it without.
 *
 * <pre>&lt;redis uri&gt; &lt;namespace&gt; &lt;count&gt;</pre>
 */
public final class BigValueWorker {
  private BigValueWorker() {}

  public static void main(String[] args) {
    CacheManager manager = Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(args[0] + "#" + args[1]), BigValueWorker.class.getClassLoader());
    Cache<Object, Object> cache = manager.createCache("big", new MutableConfiguration<>());
    int count = Integer.parseInt(args[2]);
    int read = 0;
    for (int i = 0; i < count; i++) {
      if (cache.get("big" + i) != null) {
        read++;
      }
    }
    System.out.println("READ " + read);
    System.out.println("NEAR " + cache.unwrap(RedisStore.class).nearSize());
    manager.close();
    System.out.println("DONE");
  }
}
