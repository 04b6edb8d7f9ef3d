package io.keyedcache.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A check beside JMH for noisy shared machines, where the host's speed drifts by more than the difference being
 * measured between two JMH forks run half a minute apart. Here the same workloads as {@link ReadWriteBenchmark}
 * (one thread, by reference, a full cache of 2^16 keys read with Zipf draws) run in one JVM, raw Caffeine and
 * keyedcache alternating in slices of a few hundred milliseconds, and each slice of keyedcache is divided by the
 * raw Caffeine slices on either side of it: a drift of the host slower than a slice cancels out. Prints the
 * median ratio and its quartiles per workload. Not a replacement for the JMH figures; a way to tell a change of
 * the code from a change of the machine.
 *
 * <p>{@code java -cp benchmarks.jar io.keyedcache.benchmarks.Interleaved [slices] [operations per slice]}
 */
public final class Interleaved {
  private static final int SIZE = 1 << 16;
  private static final int DRAWS = 1 << 20;
  private static final int MASK = DRAWS - 1;

  private Interleaved() {}

  public static void main(String[] args) {
    int slices = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int operations = args.length > 1 ? Integer.parseInt(args[1]) : 4_000_000;
    Target raw = Targets.create(Provider.RAW_CAFFEINE, false, Targets.UNBOUNDED, false);
    Target ours = Targets.create(Provider.KEYEDCACHE, false, Targets.UNBOUNDED, false);
    Integer[] keys = keys(raw, ours);
    long sink = 0;
    for (String workload : new String[] {"get", "getPut75to25", "put"}) {
      // warm-up: both paths compiled before anything is timed
      for (int i = 0; i < 10; i++) {
        sink += run(workload, raw, keys, operations / 4) + run(workload, ours, keys, operations / 4);
      }
      List<Double> ratios = new ArrayList<>();
      long before = time(workload, raw, keys, operations);
      for (int s = 0; s < slices; s++) {
        long mine = time(workload, ours, keys, operations);
        long after = time(workload, raw, keys, operations);
        // throughput ratio: raw's time over ours, raw's time taken as the mean of its two neighbours
        ratios.add((before + after) / 2.0 / mine);
        before = after;
      }
      ratios.sort(null);
      System.out.printf(Locale.ROOT, "%-13s keyedcache / raw Caffeine: median %.2f (quartiles %.2f-%.2f, %d slices of %,d)%n",
          workload, ratios.get(slices / 2), ratios.get(slices / 4), ratios.get(3 * slices / 4), slices, operations);
    }
    if (sink == 42) {
      System.out.println();
    }
    raw.close();
    ours.close();
  }

  private static Integer[] keys(Target... targets) {
    Integer[] boxed = new Integer[SIZE];
    for (int i = 0; i < SIZE; i++) {
      boxed[i] = i;
      for (Target target : targets) {
        target.put(boxed[i], boxed[i]);
      }
    }
    int[] draws = Zipf.draws(SIZE, 1.0, DRAWS, 42);
    Integer[] keys = new Integer[DRAWS];
    for (int i = 0; i < DRAWS; i++) {
      keys[i] = boxed[draws[i]];
    }
    return keys;
  }

  private static long time(String workload, Target target, Integer[] keys, int operations) {
    long start = System.nanoTime();
    long sink = run(workload, target, keys, operations);
    long elapsed = System.nanoTime() - start;
    return sink == 42 ? elapsed + 1 : elapsed;
  }

  private static long run(String workload, Target target, Integer[] keys, int operations) {
    long sink = 0;
    switch (workload) {
      case "get":
        for (int i = 0; i < operations; i++) {
          sink += ((Integer) target.get(keys[i & MASK]));
        }
        break;
      case "getPut75to25":
        for (int i = 0; i < operations; i++) {
          Integer key = keys[i & MASK];
          if ((i & 3) == 0) {
            target.put(key, key);
          } else {
            sink += ((Integer) target.get(key));
          }
        }
        break;
      default:
        for (int i = 0; i < operations; i++) {
          Integer key = keys[i & MASK];
          target.put(key, key);
        }
        sink = operations;
        break;
    }
    return sink;
  }
}
