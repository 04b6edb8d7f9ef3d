package io.keyedcache.benchmarks;

import java.util.concurrent.TimeUnit;
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

/**
 * Cache-aside on a bounded cache of 2^14 entries: {@code get}, and {@code put} on a miss, with Zipf keys over 2^18.
 * The RI cannot be bounded and is left out.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Threads(1)
public class CacheAsideBenchmark {
  static final int BOUND = 1 << 14;
  static final int KEYS = 1 << 18;
  static final int DRAWS = 1 << 20;

  @Param({"RAW_CAFFEINE", "KEYEDCACHE", "CAFFEINE_JCACHE", "EHCACHE", "CACHE2K"})
  public Provider provider;

  Target target;
  Integer[] keys;
  int index;

  @Setup(Level.Trial)
  public void setUp() {
    target = Targets.create(provider, false, BOUND, false);
    int[] draws = Zipf.draws(KEYS, 1.0, DRAWS, 11);
    Integer[] boxed = new Integer[KEYS];
    for (int i = 0; i < KEYS; i++) {
      boxed[i] = i;
    }
    keys = new Integer[DRAWS];
    for (int i = 0; i < DRAWS; i++) {
      keys[i] = boxed[draws[i]];
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    target.close();
  }

  @Benchmark
  public Object getOrPut() {
    Integer key = keys[index++ & (DRAWS - 1)];
    Object value = target.get(key);
    if (value == null) {
      target.put(key, key);
      return key;
    }
    return value;
  }
}
