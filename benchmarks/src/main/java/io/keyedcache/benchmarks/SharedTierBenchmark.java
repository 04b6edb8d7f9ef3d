package io.keyedcache.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.redisson.config.Config;
import org.redisson.jcache.configuration.RedissonConfiguration;

/**
 * {@code get} and {@code put} of one string over a loopback round trip to a {@code redis-server} the benchmark
 * starts (one per fork): raw Lettuce {@code GET}/{@code SET}, the bound for one round trip; keyedcache's shared tier
 * through JCache; Redisson's JCache. Each JCache cache is configured three ways ({@code config}): {@code PLAIN} (no
 * expiry, no statistics), {@code CREATED_STATS} (created expiry of 10 minutes and statistics, what a Spring Boot user
 * with the actuator's metrics has) and {@code LISTENED} (the same and a synchronous created/updated listener); raw
 * Lettuce ignores it, and runs once per configuration, beside them. Run with {@code -t 1} and {@code -t 8}. Needs
 * {@code redis-server} on the path.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SharedTierBenchmark {
  static final int KEYS = 1024;

  @State(Scope.Benchmark)
  public static class Server {
    @Param({"RAW_LETTUCE", "KEYEDCACHE", "REDISSON"})
    public String target;

    @Param({"PLAIN", "CREATED_STATS", "LISTENED"})
    public String config;

    RedisProcess redis;
    int port;
    RedisClient client;
    RedisCommands<String, String> raw;
    CacheManager manager;
    Cache<String, String> cache;
    final String[] keys = new String[KEYS];
    final String[] values = new String[KEYS];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      redis = RedisProcess.start();
      port = redis.port;
      for (int i = 0; i < KEYS; i++) {
        keys[i] = "key-" + i;
        values[i] = "value-" + i;
      }
      switch (target) {
        case "RAW_LETTUCE":
          client = RedisClient.create("redis://127.0.0.1:" + port);
          StatefulRedisConnection<String, String> connection = client.connect();
          raw = connection.sync();
          break;
        case "KEYEDCACHE":
          manager = Caching.getCachingProvider("io.keyedcache.provider.KeyedCachingProvider")
              .getCacheManager(URI.create("redis://127.0.0.1:" + port + "?near-cache-size=0#bench"),
                  getClass().getClassLoader()); // every get a round trip: NearCacheBenchmark measures near hits
          cache = manager.createCache("bench", configuration(config));
          break;
        default:
          Config redisson = new Config();
          redisson.useSingleServer().setAddress("redis://127.0.0.1:" + port);
          manager = Caching.getCachingProvider("org.redisson.jcache.JCachingProvider").getCacheManager();
          cache = manager.createCache("bench", RedissonConfiguration.fromConfig(redisson,
              configuration(this.config)));
      }
      for (int i = 0; i < KEYS; i++) {
        put(keys[i], values[i]);
      }
    }

    String get(String key) {
      return raw != null ? raw.get(key) : cache.get(key);
    }

    void put(String key, String value) {
      if (raw != null) {
        raw.set(key, value);
      } else {
        cache.put(key, value);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      if (manager != null) {
        manager.close();
      }
      if (client != null) {
        client.shutdown();
      }
      redis.close();
    }
  }

  /** A JCache configuration of strings as {@code config} names it (see the class's Javadoc). */
  static MutableConfiguration<String, String> configuration(String config) {
    MutableConfiguration<String, String> configuration = new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class);
    if (!config.equals("PLAIN")) {
      configuration.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10)))
          .setStatisticsEnabled(true);
    }
    if (config.equals("LISTENED")) {
      configuration.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<String, String>(
          FactoryBuilder.factoryOf(Heard.class), null, true, true));
    }
    return configuration;
  }

  /** A synchronous listener that does nothing: what it costs is the provider's, not its own. */
  public static final class Heard implements CacheEntryCreatedListener<String, String>,
      CacheEntryUpdatedListener<String, String>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> event : events) {
        event.getKey();
      }
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> event : events) {
        event.getKey();
      }
    }
  }

  /** Each thread walks the keys from its own starting point. */
  @State(Scope.Thread)
  public static class Cursor {
    int next = (int) (Thread.currentThread().getId() * 7919) & (KEYS - 1);

    int advance() {
      next = (next + 1) & (KEYS - 1);
      return next;
    }
  }

  @Benchmark
  public String get(Server server, Cursor cursor) {
    return server.get(server.keys[cursor.advance()]);
  }

  @Benchmark
  public void put(Server server, Cursor cursor) {
    int i = cursor.advance();
    server.put(server.keys[i], server.values[i]);
  }
}
