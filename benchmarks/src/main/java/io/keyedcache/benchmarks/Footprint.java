package io.keyedcache.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * Retained heap per entry of an unbounded cache holding 1,000,000 entries. The boxed keys and values are created
 * before the baseline is taken, so they are not counted: what remains is what the cache itself adds per entry.
 * Run one provider per JVM:
 * {@code java -cp benchmarks.jar io.keyedcache.benchmarks.Footprint KEYEDCACHE false [typed]}; with {@code typed} the
 * JCache cache declares {@code Integer} keys and values.
 */
public final class Footprint {
  private static final int ENTRIES = 1_000_000;

  private Footprint() {}

  public static void main(String[] args) throws Exception {
    Provider provider = Provider.valueOf(args[0]);
    boolean storeByValue = Boolean.parseBoolean(args[1]);
    boolean typed = args.length > 2 && args[2].equals("typed");
    Integer[] keys = new Integer[ENTRIES];
    for (int i = 0; i < ENTRIES; i++) {
      keys[i] = i + 1_000; // beyond Integer's cache of small values, so every key is its own object
    }
    Target target = Targets.create(provider, storeByValue, Targets.UNBOUNDED, false, typed);
    target.put(-1, -1); // classes loaded, structures created
    long before = usedAfterGc();
    for (Integer key : keys) {
      target.put(key, key);
    }
    long after = usedAfterGc();
    long size = target.size();
    System.out.printf(Locale.ROOT, "%s storeByValue=%s%s: %.1f bytes/entry (%,d entries, %,d bytes)%n", provider,
        storeByValue, typed ? " typed" : "", (after - before) / (double) ENTRIES, size, after - before);
    java.lang.ref.Reference.reachabilityFence(keys);
    java.lang.ref.Reference.reachabilityFence(target);
    System.exit(0);
  }

  private static long usedAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
