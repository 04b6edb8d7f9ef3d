package io.keyedcache.benchmarks;

import java.net.URI;
import java.util.Random;
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
 * The shared tier's near cache (issue 12), in one run:
 * <ul>
 *   <li>{@code hit}: a {@code get} of one of 1,024 string keys that every target holds: the embedded tier (unbounded,
 *       its default, and bounded to 10,000 entries, as the near cache is by default), the shared
 *       tier with its near cache (every read a near hit), the shared tier without one (a round trip each) and
 *       Redisson's JCache. Every fork first runs the same traffic through a shared-tier manager with a near cache
 *       and keeps it open, so that the JIT compiles one program in each (a JVM that runs Lettuce has other
 *       profiles for the JDK's maps than one that does not);</li>
 *   <li>{@code zipf}: reads of 10,000 keys in a Zipf distribution (exponent 1) through a near cache of 1,000 entries,
 *       every 100th operation a put of a key of the same distribution through a second manager, with connections
 *       of its own as another JVM's (so that its invalidations reach the reader as pushes); the shared tier with
 *       and without a near cache. The near hit ratio is printed at the end of each trial.</li>
 * </ul>
 * Needs {@code redis-server} on the path.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NearCacheBenchmark {
  static final int HOT_KEYS = 1024;
  static final int ZIPF_KEYS = 10_000;
  static final int ZIPF_NEAR_SIZE = 1_000;
  static final int SEQUENCE = 1 << 20;

  @State(Scope.Benchmark)
  public static class Hits {
    @Param({"EMBEDDED", "EMBEDDED_BOUNDED", "NEAR", "SHARED", "REDISSON"})
    public String target;

    RedisProcess redis;
    /** A shared-tier manager with a near cache in every fork, whatever the target, so that each runs one program. */
    CacheManager neighbour;
    CacheManager manager;
    Cache<String, String> cache;
    final String[] keys = new String[HOT_KEYS];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      redis = RedisProcess.start();
      neighbour = keyedcache(redis.uri() + "#neighbour");
      Cache<String, String> near = neighbour.createCache("neighbour", new MutableConfiguration<String, String>()
          .setTypes(String.class, String.class));
      for (int i = 0; i < HOT_KEYS; i++) {
        near.put("key-" + i, "value-" + i);
      }
      Thread.sleep(200);
      for (int i = 0; i < 20_000; i++) {
        near.get("key-" + (i & (HOT_KEYS - 1))); // mostly hits, as a cache's reads are
      }
      switch (target) {
        case "EMBEDDED":
          manager = Caching.getCachingProvider("io.keyedcache.provider.KeyedCachingProvider").getCacheManager(
              URI.create("keyedcache:near-benchmark"), getClass().getClassLoader());
          break;
        case "EMBEDDED_BOUNDED":
          // bounded as the near cache is (its default size), so that both are Caffeine's bounded cache
          manager = Caching.getCachingProvider("io.keyedcache.provider.KeyedCachingProvider").getCacheManager(
              URI.create("keyedcache:near-benchmark"), getClass().getClassLoader());
          cache = manager.createCache("bench", new io.keyedcache.provider.configuration.KeyedCacheConfiguration<
              String, String>().maximumSize(10_000).setTypes(String.class, String.class));
          break;
        case "NEAR":
          manager = keyedcache(redis.uri() + "#bench");
          break;
        case "SHARED":
          manager = keyedcache(redis.uri() + "?near-cache-size=0#bench");
          break;
        default:
          Config config = new Config();
          config.useSingleServer().setAddress(redis.uri());
          manager = Caching.getCachingProvider("org.redisson.jcache.JCachingProvider").getCacheManager();
          cache = manager.createCache("bench", RedissonConfiguration.fromConfig(config,
              new MutableConfiguration<String, String>().setTypes(String.class, String.class)));
      }
      if (cache == null) {
        cache = manager.createCache("bench", new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class));
      }
      for (int i = 0; i < HOT_KEYS; i++) {
        keys[i] = "key-" + i;
        cache.put(keys[i], "value-" + i);
      }
      Thread.sleep(500); // the puts' own invalidations come back first
      for (String key : keys) {
        cache.get(key);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      manager.close();
      neighbour.close();
      redis.close();
    }
  }

  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Benchmark
  public String hit(Hits hits, Cursor cursor) {
    return hits.cache.get(hits.keys[cursor.next++ & (HOT_KEYS - 1)]);
  }

  @State(Scope.Benchmark)
  public static class Zipf {
    @Param({"NEAR", "SHARED"})
    public String target;

    RedisProcess redis;
    CacheManager readerManager;
    CacheManager writerManager;
    Cache<String, String> reader;
    Cache<String, String> writer;
    final String[] keys = new String[ZIPF_KEYS];
    final int[] sequence = new int[SEQUENCE];
    long getsBefore;
    long operations;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      redis = RedisProcess.start();
      // one namespace, two managers (the fragment tells them apart): two JVMs of one application
      readerManager = keyedcache(redis.uri() + "?namespace=zipf&near-cache-size="
          + ("NEAR".equals(target) ? ZIPF_NEAR_SIZE : 0) + "#reader");
      writerManager = keyedcache(redis.uri() + "?namespace=zipf&near-cache-size=0#writer");
      MutableConfiguration<String, String> configuration = new MutableConfiguration<String, String>()
          .setTypes(String.class, String.class);
      reader = readerManager.createCache("zipf", configuration);
      writer = writerManager.createCache("zipf", configuration);
      for (int i = 0; i < ZIPF_KEYS; i++) {
        keys[i] = "key-" + i;
        writer.put(keys[i], "value-" + i);
      }
      // inverse of the Zipf CDF over ranks 1..ZIPF_KEYS, exponent 1
      double[] cdf = new double[ZIPF_KEYS];
      double sum = 0;
      for (int i = 0; i < ZIPF_KEYS; i++) {
        sum += 1.0 / (i + 1);
        cdf[i] = sum;
      }
      Random random = new Random(20261202L);
      for (int i = 0; i < SEQUENCE; i++) {
        int at = java.util.Arrays.binarySearch(cdf, random.nextDouble() * sum);
        sequence[i] = Math.min(ZIPF_KEYS - 1, at < 0 ? -at - 1 : at);
      }
      getsBefore = redis.gets();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      long reads = operations - operations / 100;
      long misses = redis.gets() - getsBefore;
      System.out.printf("%n[zipf %s] %d operations, %d reads, %d GETs on the server: near hit ratio %.4f%n",
          target, operations, reads, misses, 1.0 - (double) misses / reads);
      readerManager.close();
      writerManager.close();
      redis.close();
    }
  }

  @Benchmark
  public String zipf(Zipf zipf, Cursor cursor) {
    int n = cursor.next++;
    zipf.operations++; // one thread only: -t 1
    String key = zipf.keys[zipf.sequence[n & (SEQUENCE - 1)]];
    if (n % 100 == 99) {
      zipf.writer.put(key, "value-" + n);
      return key;
    }
    return zipf.reader.get(key);
  }

  static CacheManager keyedcache(String uri) {
    return Caching.getCachingProvider("io.keyedcache.provider.KeyedCachingProvider").getCacheManager(
        URI.create(uri), NearCacheBenchmark.class.getClassLoader());
  }
}
