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
 * Single-key operations on a full, unbounded cache of 2^16 keys, drawn from a Zipf distribution: all gets hit.
 * Statistics off, no listeners.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReadWriteBenchmark {
  static final int SIZE = 1 << 16;
  static final int DRAWS = 1 << 20;
  static final int MASK = DRAWS - 1;

  @State(Scope.Benchmark)
  public static class CacheState {
    @Param({"RAW_CAFFEINE", "KEYEDCACHE", "CAFFEINE_JCACHE", "EHCACHE", "CACHE2K", "RI"})
    public Provider provider;

    @Param({"false", "true"})
    public boolean storeByValue;

    Target target;
    Integer[] keys;

    @Setup(Level.Trial)
    public void setUp() {
      target = Targets.create(provider, storeByValue, Targets.UNBOUNDED, false);
      int[] draws = Zipf.draws(SIZE, 1.0, DRAWS, 42);
      keys = new Integer[DRAWS];
      Integer[] boxed = new Integer[SIZE];
      for (int i = 0; i < SIZE; i++) {
        boxed[i] = i;
        target.put(boxed[i], boxed[i]);
      }
      for (int i = 0; i < DRAWS; i++) {
        keys[i] = boxed[draws[i]];
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      target.close();
    }
  }

  /** Each thread walks the draws from its own starting point. */
  @State(Scope.Thread)
  public static class ThreadState {
    int index = (int) (Thread.currentThread().getId() * 0x9E3779B9L) & MASK;
  }

  @Benchmark
  @Threads(1)
  public Object get(CacheState cache, ThreadState thread) {
    return cache.target.get(cache.keys[thread.index++ & MASK]);
  }

  @Benchmark
  @Threads(2)
  public Object get2Threads(CacheState cache, ThreadState thread) {
    return cache.target.get(cache.keys[thread.index++ & MASK]);
  }

  /** 75% get, 25% put (an overwrite of a present key). */
  @Benchmark
  @Threads(1)
  public Object getPut75to25(CacheState cache, ThreadState thread) {
    int i = thread.index++;
    Integer key = cache.keys[i & MASK];
    if ((i & 3) == 0) {
      cache.target.put(key, key);
      return key;
    }
    return cache.target.get(key);
  }

  /** Overwrites of present keys. */
  @Benchmark
  @Threads(1)
  public void put(CacheState cache, ThreadState thread) {
    Integer key = cache.keys[thread.index++ & MASK];
    cache.target.put(key, key);
  }
}
