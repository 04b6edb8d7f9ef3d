package io.keyedcache.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.redisson.config.Config;
import org.redisson.jcache.configuration.RedissonConfiguration;

/**
 * {@code getAll} and {@code putAll} of {@value #BATCH} string keys over a loopback round trip to a {@code redis-server}
 * the benchmark starts: raw Lettuce {@code MGET}/{@code MSET} of the same keys, keyedcache's shared tier (near cache off)
 * and Redisson's JCache, each cache configured as {@link SharedTierBenchmark#configuration} names it. Scores are keys
 * per second ({@code @OperationsPerInvocation}), so that they compare with {@link SharedTierBenchmark}'s per-key rows.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SharedBulkBenchmark {
  static final int BATCH = 64;
  static final int BATCHES = 16;

  @State(Scope.Benchmark)
  public static class Server {
    @Param({"RAW_LETTUCE", "KEYEDCACHE", "REDISSON"})
    public String target;

    @Param({"PLAIN", "CREATED_STATS"})
    public String config;

    RedisProcess redis;
    RedisClient client;
    RedisCommands<String, String> raw;
    CacheManager manager;
    Cache<String, String> cache;
    final List<Set<String>> keys = new java.util.ArrayList<>();
    final List<Map<String, String>> entries = new java.util.ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      redis = RedisProcess.start();
      for (int b = 0; b < BATCHES; b++) {
        Set<String> batchKeys = new LinkedHashSet<>();
        Map<String, String> batch = new LinkedHashMap<>();
        for (int i = 0; i < BATCH; i++) {
          batchKeys.add("key-" + b + "-" + i);
          batch.put("key-" + b + "-" + i, "value-" + b + "-" + i);
        }
        keys.add(batchKeys);
        entries.add(batch);
      }
      switch (target) {
        case "RAW_LETTUCE":
          client = RedisClient.create("redis://127.0.0.1:" + redis.port);
          raw = client.connect().sync();
          break;
        case "KEYEDCACHE":
          manager = Caching.getCachingProvider("io.keyedcache.provider.KeyedCachingProvider")
              .getCacheManager(URI.create("redis://127.0.0.1:" + redis.port + "?near-cache-size=0#bench"),
                  getClass().getClassLoader());
          cache = manager.createCache("bench", SharedTierBenchmark.configuration(config));
          break;
        default:
          Config redisson = new Config();
          redisson.useSingleServer().setAddress("redis://127.0.0.1:" + redis.port);
          manager = Caching.getCachingProvider("org.redisson.jcache.JCachingProvider").getCacheManager();
          cache = manager.createCache("bench", RedissonConfiguration.fromConfig(redisson,
              SharedTierBenchmark.configuration(config)));
      }
      for (Map<String, String> batch : entries) {
        putAll(batch);
      }
    }

    Object getAll(Set<String> batch) {
      return raw != null ? raw.mget(batch.toArray(String[]::new)) : cache.getAll(batch);
    }

    void putAll(Map<String, String> batch) {
      if (raw != null) {
        raw.mset(batch);
      } else {
        cache.putAll(batch);
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

  @State(Scope.Thread)
  public static class Cursor {
    int next = (int) (Thread.currentThread().getId() * 7) & (BATCHES - 1);

    int advance() {
      next = (next + 1) & (BATCHES - 1);
      return next;
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Object getAll(Server server, Cursor cursor) {
    return server.getAll(server.keys.get(cursor.advance()));
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void putAll(Server server, Cursor cursor) {
    server.putAll(server.entries.get(cursor.advance()));
  }
}
