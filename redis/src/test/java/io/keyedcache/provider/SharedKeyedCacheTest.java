package io.keyedcache.provider;

import io.keyedcache.KeyedCache;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import io.keyedcache.redis.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The keyed contract that the native and portable views pass, on the shared tier: a real redis-server, the keyed
 * view of a cache whose store is Redis's.
 */
class SharedKeyedCacheTest extends KeyedCacheContract {
  private static RedisServer server;
  private CacheManager manager;
  private TestCaches.FakeTicker ticker;

  @BeforeAll
  static void startServer() throws Exception {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  @SuppressWarnings("unchecked")
  void create() {
    Properties properties = new Properties();
    properties.setProperty("serialization-filter", "io.keyedcache.provider.**");
    manager = Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(server.uri() + "#contract"), SharedKeyedCacheTest.class.getClassLoader(), properties);
    ticker = new TestCaches.FakeTicker();
    KeyedCacheConfiguration<Object, Object> config = new KeyedCacheConfiguration<>().ticker(ticker)
        .executor(Runnable::run);
    config.setStatisticsEnabled(true);
    cache = manager.createCache("keyed", config);
    keyed = cache.unwrap(KeyedCache.class);
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
