package io.keyedcache.benchmarks;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
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
 * {@code get} and {@code put} of one string on a Redis Cluster of three masters and three replicas the benchmark
 * starts on loopback (one per fork), beside one {@code redis-server}: keyedcache's shared tier on the single server
 * and on the cluster, Redisson's JCache on the same cluster, and raw Lettuce cluster {@code GET}/{@code SET}, the
 * bound for one routed round trip. Run with {@code -t 8}. Needs {@code redis-server} and {@code redis-cli}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ClusterBenchmark {
  static final int KEYS = SharedTierBenchmark.KEYS; // the cursor walks as many

  @State(Scope.Benchmark)
  public static class Deployment {
    @Param({"KEYEDCACHE_SERVER", "KEYEDCACHE_CLUSTER", "REDISSON_CLUSTER", "RAW_LETTUCE_CLUSTER"})
    public String target;

    RedisProcess server;
    RedisClusterProcess cluster;
    RedisClusterClient client;
    RedisAdvancedClusterCommands<String, String> raw;
    CacheManager manager;
    Cache<String, String> cache;
    final String[] keys = new String[KEYS];
    final String[] values = new String[KEYS];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      for (int i = 0; i < KEYS; i++) {
        keys[i] = "key-" + i;
        values[i] = "value-" + i;
      }
      MutableConfiguration<String, String> strings = new MutableConfiguration<String, String>()
          .setTypes(String.class, String.class);
      if (target.equals("KEYEDCACHE_SERVER")) {
        server = RedisProcess.start();
        manager = Caching.getCachingProvider("io.keyedcache.provider.KeyedCachingProvider")
            .getCacheManager(URI.create(server.uri() + "?near-cache-size=0#bench"), getClass().getClassLoader());
        cache = manager.createCache("bench", strings);
      } else {
        cluster = RedisClusterProcess.start();
        switch (target) {
          case "KEYEDCACHE_CLUSTER":
            // every get a round trip, as on the server: NearCacheBenchmark measures near hits
            manager = Caching.getCachingProvider("io.keyedcache.provider.KeyedCachingProvider").getCacheManager(
                URI.create("redis-cluster://" + String.join(",", cluster.seeds()) + "?near-cache-size=0#bench"),
                getClass().getClassLoader());
            cache = manager.createCache("bench", strings);
            break;
          case "REDISSON_CLUSTER":
            Config config = new Config();
            for (String seed : cluster.seeds()) {
              config.useClusterServers().addNodeAddress("redis://" + seed);
            }
            manager = Caching.getCachingProvider("org.redisson.jcache.JCachingProvider").getCacheManager();
            cache = manager.createCache("bench", RedissonConfiguration.fromConfig(config, strings));
            break;
          default:
            List<RedisURI> seeds = new ArrayList<>();
            for (String seed : cluster.seeds()) {
              seeds.add(RedisURI.create("redis://" + seed));
            }
            client = RedisClusterClient.create(seeds);
            raw = client.connect().sync();
        }
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
      if (server != null) {
        server.close();
      }
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Benchmark
  public String get(Deployment target, SharedTierBenchmark.Cursor cursor) {
    return target.get(target.keys[cursor.advance()]);
  }

  @Benchmark
  public void put(Deployment target, SharedTierBenchmark.Cursor cursor) {
    int i = cursor.advance();
    target.put(target.keys[i], target.values[i]);
  }
}
