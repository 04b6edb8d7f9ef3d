package io.keyedcache.benchmarks;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
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

/** {@code getAll} and {@code putAll} of 64 keys on a full, unbounded cache of 2^16 keys. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Threads(1)
public class BulkBenchmark {
  static final int SIZE = 1 << 16;
  static final int BATCH = 64;
  static final int BATCHES = 1 << 10;

  @Param({"RAW_CAFFEINE", "KEYEDCACHE", "CAFFEINE_JCACHE", "EHCACHE", "CACHE2K", "RI"})
  public Provider provider;

  @Param({"false", "true"})
  public boolean storeByValue;

  Target target;
  Set<Object>[] keySets;
  Map<Object, Object>[] entrySets;
  int index;

  @Setup(Level.Trial)
  @SuppressWarnings("unchecked")
  public void setUp() {
    target = Targets.create(provider, storeByValue, Targets.UNBOUNDED, false);
    Integer[] boxed = new Integer[SIZE];
    for (int i = 0; i < SIZE; i++) {
      boxed[i] = i;
      target.put(boxed[i], boxed[i]);
    }
    int[] draws = Zipf.draws(SIZE, 1.0, BATCH * BATCHES, 7);
    keySets = new Set[BATCHES];
    entrySets = new Map[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
      Set<Object> keys = new LinkedHashSet<>();
      Map<Object, Object> entries = new HashMap<>();
      for (int i = 0; i < BATCH; i++) {
        Integer key = boxed[draws[b * BATCH + i]];
        keys.add(key);
        entries.put(key, key);
      }
      keySets[b] = keys;
      entrySets[b] = entries;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    target.close();
  }

  @Benchmark
  public Map<Object, Object> getAll() {
    return target.getAll(keySets[index++ & (BATCHES - 1)]);
  }

  @Benchmark
  public void putAll() {
    target.putAll(entrySets[index++ & (BATCHES - 1)]);
  }
}
