package io.keyedcache.benchmarks;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
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
 * {@code get} and {@code put} of a small DTO (a record of a name, a price, an instant and a list of two tags) on the
 * shared tier, per codec: keyedcache with {@code java} (the default) and {@code json} (the jackson module), and
 * Redisson's JCache with its default codec, beside them. Created expiry of 10 minutes and statistics, as a Spring
 * Boot user has them; no near cache, so that every call encodes or decodes and crosses the loopback. Needs
 * {@code redis-server} on the path.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {
  static final int KEYS = SharedTierBenchmark.KEYS;

  /** The DTO: Serializable, so that every codec can store it. */
  public record Product(String name, BigDecimal price, Instant updated, List<String> tags)
      implements java.io.Serializable {}

  @State(Scope.Benchmark)
  public static class Server {
    @Param({"KEYEDCACHE_JAVA", "KEYEDCACHE_JSON", "REDISSON"})
    public String target;

    RedisProcess redis;
    CacheManager manager;
    Cache<String, Product> cache;
    final String[] keys = new String[KEYS];
    final Product[] values = new Product[KEYS];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      redis = RedisProcess.start();
      for (int i = 0; i < KEYS; i++) {
        keys[i] = "key-" + i;
        values[i] = new Product("product " + i, new BigDecimal(i).movePointLeft(2),
            Instant.ofEpochSecond(1_800_000_000L + i), List.of("fruit", "tag-" + (i % 10)));
      }
      MutableConfiguration<String, Product> configuration = new MutableConfiguration<String, Product>()
          .setTypes(String.class, Product.class)
          .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10)))
          .setStatisticsEnabled(true);
      String uri = "redis://127.0.0.1:" + redis.port + "?near-cache-size=0&serialization-filter="
          + "io.keyedcache.benchmarks.*";
      switch (target) {
        case "KEYEDCACHE_JAVA" -> manager = keyedcache(uri + "#java");
        case "KEYEDCACHE_JSON" -> manager = keyedcache(uri + "&codec=json#json");
        default -> {
          Config redisson = new Config();
          redisson.useSingleServer().setAddress("redis://127.0.0.1:" + redis.port);
          manager = Caching.getCachingProvider("org.redisson.jcache.JCachingProvider").getCacheManager();
          cache = manager.createCache("codec", RedissonConfiguration.fromConfig(redisson, configuration));
        }
      }
      if (cache == null) {
        cache = manager.createCache("codec", configuration);
      }
      for (int i = 0; i < KEYS; i++) {
        cache.put(keys[i], values[i]);
      }
      if (!values[7].equals(cache.get(keys[7]))) {
        throw new IllegalStateException(target + " does not read back what it stored");
      }
    }

    private CacheManager keyedcache(String uri) {
      return Caching.getCachingProvider("io.keyedcache.provider.KeyedCachingProvider")
          .getCacheManager(URI.create(uri), getClass().getClassLoader());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      manager.close();
      redis.close();
    }
  }

  @Benchmark
  public Product get(Server server, SharedTierBenchmark.Cursor cursor) {
    return server.cache.get(server.keys[cursor.advance()]);
  }

  @Benchmark
  public void put(Server server, SharedTierBenchmark.Cursor cursor) {
    int i = cursor.advance();
    server.cache.put(server.keys[i], server.values[i]);
  }
}
