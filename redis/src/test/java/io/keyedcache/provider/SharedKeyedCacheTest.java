package io.keyedcache.provider;

import io.keyedcache.KeyedCache;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import io.keyedcache.redis.RedisServerExtension;
import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The keyed contract that the native and portable views pass, on the shared tier: a real redis-server (or a Redis
 * Cluster, see {@link RedisServerExtension}), the keyed view of a cache whose store is Redis's.
 */
class SharedKeyedCacheTest extends KeyedCacheContract {
  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  private CacheManager manager;
  private TestCaches.FakeTicker ticker;

  @Override
  @SuppressWarnings("unchecked")
  void create() {
    Properties properties = new Properties();
    properties.setProperty("serialization-filter", "io.keyedcache.provider.**");
    manager = openManager(properties);
    ticker = new TestCaches.FakeTicker();
    KeyedCacheConfiguration<Object, Object> config = new KeyedCacheConfiguration<>().ticker(ticker)
        .executor(Runnable::run);
    config.setStatisticsEnabled(true);
    cache = manager.createCache("keyed", config);
    keyed = cache.unwrap(KeyedCache.class);
  }

  /** The manager the contract runs on, with {@code properties}: here on the extension's server or cluster. */
  CacheManager openManager(Properties properties) {
    return Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(REDIS.target().uri() + "#contract"), SharedKeyedCacheTest.class.getClassLoader(), properties);
  }

  @Override
  void destroy() {
    cache.clear();
    manager.close();
  }

  @Override
  void advance(Duration duration) {
    ticker.advance(duration);
  }
}
