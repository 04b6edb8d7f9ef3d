package io.keyedcache.benchmarks;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
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
 * What clearing a cache costs, and a group deletion: {@code clear()} of a cache of {@value #ENTRIES} entries on a
 * {@code redis-server} that holds {@value #OTHERS} other keys (keyedcache's shared tier, Redisson's JCache), and
 * {@code deleteGroup} of a group of {@value #GROUP} keys on a Redis Cluster of three masters (keyedcache). Each
 * measured call is one invocation; the cache is filled again before each ({@code Level.Invocation}), outside the
 * time. Times in milliseconds per call. Needs {@code redis-server} and {@code redis-cli}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SharedClearBenchmark {
  static final int ENTRIES = 10_000;
  static final int OTHERS = 1_000_000;
  static final int GROUP = 1_000;

  @State(Scope.Benchmark)
  public static class Server {
    @Param({"KEYEDCACHE", "REDISSON"})
    public String target;

    RedisProcess redis;
    CacheManager manager;
    Cache<String, String> cache;
    final Map<String, String> entries = new LinkedHashMap<>();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      redis = RedisProcess.start();
      redis.send("EVAL \"for i = 1, " + OTHERS + " do redis.call('SET', 'other:' .. i, 'x') end return 1\" 0");
      for (int i = 0; i < ENTRIES; i++) {
        entries.put("key-" + i, "value-" + i);
      }
      if (target.equals("KEYEDCACHE")) {
        manager = Caching.getCachingProvider("io.keyedcache.provider.KeyedCachingProvider")
            .getCacheManager(URI.create(redis.uri() + "?near-cache-size=0#bench"), getClass().getClassLoader());
        cache = manager.createCache("bench", SharedTierBenchmark.configuration("CREATED_STATS"));
      } else {
        Config redisson = new Config();
        redisson.useSingleServer().setAddress(redis.uri());
        manager = Caching.getCachingProvider("org.redisson.jcache.JCachingProvider").getCacheManager();
        cache = manager.createCache("bench", RedissonConfiguration.fromConfig(redisson,
            SharedTierBenchmark.configuration("CREATED_STATS")));
      }
    }

    @Setup(Level.Invocation)
    public void fill() {
      cache.putAll(entries);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      manager.close();
      redis.close();
    }
  }

  @State(Scope.Benchmark)
  public static class Cluster {
    RedisClusterProcess cluster;
    CacheManager manager;
    KeyedCache<Object> keyed;
    final Map<Object, Object> group = new LinkedHashMap<>();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      cluster = RedisClusterProcess.start();
      manager = Caching.getCachingProvider("io.keyedcache.provider.KeyedCachingProvider").getCacheManager(
          URI.create("redis-cluster://" + String.join(",", cluster.seeds()) + "?near-cache-size=0#bench"),
          getClass().getClassLoader());
      Cache<Object, Object> cache = manager.createCache("bench", new MutableConfiguration<>());
      @SuppressWarnings("unchecked")
      KeyedCache<Object> view = cache.unwrap(KeyedCache.class);
      keyed = view;
      for (int i = 0; i < GROUP; i++) {
        group.put(CacheKey.of("product", i), "value-" + i);
      }
    }

    @Setup(Level.Invocation)
    @SuppressWarnings("unchecked")
    public void fill() {
      manager.getCache("bench").putAll(group);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      manager.close();
      cluster.close();
    }
  }

  @Benchmark
  public void clear(Server server) {
    server.cache.clear();
  }

  @Benchmark
  public Object deleteGroupOnCluster(Cluster cluster) {
    return cluster.keyed.deleteGroup(CacheKey.of("product"));
  }
}
