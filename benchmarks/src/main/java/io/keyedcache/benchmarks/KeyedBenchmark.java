package io.keyedcache.benchmarks;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
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
import org.openjdk.jmh.annotations.Threads;

/** The keyed extensions: group deletion against the cache's size, and building a composite key. */
@Threads(1)
public class KeyedBenchmark {

  /** {@code deleteGroup} of a parent with 100 children, among n other entries. */
  @State(Scope.Benchmark)
  public static class GroupState {
    @Param({"10000", "100000", "1000000"})
    public int entries;

    @Param({"native", "portable"})
    public String view;

    CacheManager manager;
    KeyedCache<Object> keyed;
    CacheKey parent;
    int round;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() {
      manager = Caching.getCachingProvider("io.keyedcache.provider.KeyedCachingProvider")
          .getCacheManager(URI.create("keyedcache:bench"), KeyedBenchmark.class.getClassLoader());
      KeyedCacheConfiguration<Object, Object> config = new KeyedCacheConfiguration<>();
      config.setStoreByValue(false);
      Cache<Object, Object> cache = manager.createCache("group", config);
      keyed = view.equals("native") ? cache.unwrap(KeyedCache.class) : KeyedCache.portable(cache);
      for (int i = 0; i < entries; i++) {
        keyed.put(CacheKey.of("item", i), i);
      }
    }

    /** A fresh parent with 100 children before each call; the call removes them again. */
    @Setup(Level.Invocation)
    public void addGroup() {
      parent = CacheKey.of("group", round++);
      keyed.put(parent, 0);
      for (int i = 0; i < 99; i++) {
        keyed.put(parent.child(i), i);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      manager.close();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public List<CacheKey> deleteGroup(GroupState state) {
    List<CacheKey> removed = state.keyed.deleteGroup(state.parent);
    if (removed.size() != 100) {
      throw new IllegalStateException("removed " + removed.size() + " of 100");
    }
    return removed;
  }

  /** Parts for {@link #cacheKeyOfThreeParts}, read from a field so the JIT cannot fold them. */
  @State(Scope.Thread)
  public static class Parts {
    public String type = "product";
    public Integer id = 123_456;
    public Integer index = 7;
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int cacheKeyOfThreeParts(Parts parts) {
    return CacheKey.of(parts.type, parts.id, parts.index).hashCode();
  }
}
