package io.keyedcache.provider;

import io.keyedcache.KeyedCache;
import io.keyedcache.redis.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The keyed contract on a redis-server whose only user for the tier is the minimal one that docs/shared-tier.md
 * gives ("ACL"): its namespace's keys and channels, and the commands the tier sends, nothing else. The manager logs
 * in as that user (the settings user and password); the default user has a password the manager is not given.
 */
class AclKeyedCacheTest extends SharedKeyedCacheTest {
  /** The ACL rules of docs/shared-tier.md, for the namespace {@code shop}. */
  static final String RULES = "on >app-secret resetkeys ~shop:* resetchannels &shop:* -@all"
      + " +@read +@write -@dangerous +@scripting -script|flush -script|kill +@connection +@pubsub"
      + " +wait";

  private static RedisServer server;

  @BeforeAll
  static void startServer() throws IOException {
    server = RedisServer.start("--requirepass", "admin-secret");
    String reply = server.send("ACL SETUSER app " + RULES);
    if (!"+OK".equals(reply)) {
      throw new IllegalStateException("ACL SETUSER app said " + reply);
    }
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** The near cache works for that user: the server's invalidations need CLIENT TRACKING. */
  @org.junit.jupiter.api.Test
  void theNearCacheIsArmedForThatUser() throws Exception {
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (!io.keyedcache.redis.NearProbe.armed(cache) && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    org.assertj.core.api.Assertions.assertThat(io.keyedcache.redis.NearProbe.armed(cache)).isTrue();
  }

  /** Without the namespace's channels, a cached function's miss is refused, and the message says what the user lacks. */
  @org.junit.jupiter.api.Test
  @SuppressWarnings("unchecked")
  void aUserWithoutTheChannelsIsToldWhatItLacks() throws Exception {
    try (RedisServer strict = RedisServer.start("--requirepass", "admin-secret")) {
      strict.send("ACL SETUSER narrow " + RULES.replace("&shop:*", ""));
      Properties properties = new Properties();
      properties.setProperty("user", "narrow");
      properties.setProperty("password", "app-secret");
      CacheManager narrow = Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
          URI.create("redis://127.0.0.1:" + strict.port() + "#shop"), AclKeyedCacheTest.class.getClassLoader(),
          properties);
      try {
        KeyedCache<Object> keyedNarrow = narrow.createCache("k", new javax.cache.configuration.MutableConfiguration<>())
            .unwrap(KeyedCache.class);
        java.util.function.Function<Integer, String> f = keyedNarrow.function("f", Duration.ofMinutes(1), x -> "v" + x);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.apply(1))
            .isInstanceOf(javax.cache.CacheException.class)
            .hasMessageContaining("NOPERM").hasMessageContaining("&shop:*").hasMessageContaining("ACL");
      } finally {
        narrow.close();
      }
    }
  }

  @Override
  CacheManager openManager(Properties properties) {
    properties.setProperty("user", "app");
    properties.setProperty("password", "app-secret");
    return Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create("redis://127.0.0.1:" + server.port() + "#shop"), AclKeyedCacheTest.class.getClassLoader(),
        properties);
  }
}
