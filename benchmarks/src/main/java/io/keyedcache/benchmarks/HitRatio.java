package io.keyedcache.benchmarks;

import io.keyedcache.CacheKey;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Replays each access trace through each bounded provider at three cache sizes and counts the hits itself (a hit
 * is a key present when requested; a miss is followed by a put). Strict LRU and Bélády's optimal, computed
 * offline, are the references. Caffeine-based caches run their maintenance on the replaying thread, so that none
 * holds more than its bound; every cache's size is checked after the replay.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.keyedcache.benchmarks.HitRatio <traces folder>}; prints a Markdown
 * table.
 */
public final class HitRatio {
  private static final Provider[] BOUNDED = {Provider.RAW_CAFFEINE, Provider.KEYEDCACHE, Provider.CAFFEINE_JCACHE,
      Provider.EHCACHE, Provider.CACHE2K};

  private HitRatio() {}

  public static void main(String[] args) throws Exception {
    Path folder = Paths.get(args.length > 0 ? args[0] : "../shared/traces");
    String[] traces = {"multi2.trace.gz", "sprite.trace.gz", "web07.trace.xz", "orm-night.trace.xz"};
    System.out.println("| trace | size | keys | LRU | OPT | " + names() + " |");
    System.out.println("|---|---|---|---|---|" + "---|".repeat(columns().size()));
    for (String name : traces) {
      Path file = folder.resolve(name);
      int[] trace = Traces.read(file);
      int distinct = new HashSet<>(boxed(trace)).size();
      for (int size : sizes(distinct)) {
        for (boolean composite : Traces.isComposite(file) ? new boolean[] {false, true} : new boolean[] {false}) {
          StringBuilder row = new StringBuilder();
          row.append(String.format(Locale.ROOT, "| %s (%,d accesses, %,d keys) | %,d | %s | %s | %s |", name,
              trace.length, distinct, size, composite ? "CacheKey" : "int", pct(lru(trace, size), trace.length),
              pct(opt(trace, size), trace.length)));
          for (Provider provider : BOUNDED) {
            row.append(' ').append(replay(provider, trace, size, composite)).append(" |");
          }
          System.out.println(row);
        }
      }
    }
  }

  private static List<Provider> columns() {
    return List.of(BOUNDED);
  }

  private static String names() {
    List<String> names = new ArrayList<>();
    for (Provider provider : BOUNDED) {
      names.add(provider.name());
    }
    return String.join(" | ", names);
  }

  /** Three sizes: 1/64, 1/16 and 1/4 of the distinct keys. */
  private static int[] sizes(int distinct) {
    return new int[] {Math.max(16, distinct / 64), Math.max(16, distinct / 16), Math.max(16, distinct / 4)};
  }

  /**
   * Caffeine's admission adds a little randomness (against hash flooding), so every replay is repeated and the
   * mean is shown with the half-range of the runs.
   */
  private static final int RUNS = Integer.getInteger("hitratio.runs", 5);

  private static String replay(Provider provider, int[] trace, int size, boolean composite) {
    double sum = 0;
    double min = Double.MAX_VALUE;
    double max = 0;
    long held = 0;
    for (int run = 0; run < RUNS; run++) {
      long[] result = replayOnce(provider, trace, size, composite);
      double ratio = 100.0 * result[0] / trace.length;
      sum += ratio;
      min = Math.min(min, ratio);
      max = Math.max(max, ratio);
      held = Math.max(held, result[1]);
    }
    String flag = held > size ? String.format(Locale.ROOT, " (held %,d)", held) : "";
    String spread = max - min >= 0.005 ? String.format(Locale.ROOT, " ±%.2f", (max - min) / 2) : "";
    return String.format(Locale.ROOT, "%.2f%s%s", sum / RUNS, spread, flag);
  }

  /** One replay: the hits, and the most entries the cache was seen to hold. */
  private static long[] replayOnce(Provider provider, int[] trace, int size, boolean composite) {
    Object[] keys = new Object[trace.length];
    Map<Integer, Object> shared = new HashMap<>();
    for (int i = 0; i < trace.length; i++) {
      int k = trace[i];
      keys[i] = shared.computeIfAbsent(k, x -> composite ? CacheKey.of(Traces.unpack(x)) : Integer.valueOf(x));
    }
    try (Target target = Targets.create(provider, false, size, true)) {
      long hits = 0;
      long maxSizeSeen = 0;
      for (int i = 0; i < keys.length; i++) {
        Object key = keys[i];
        if (target.get(key) != null) {
          hits++;
        } else {
          target.put(key, Boolean.TRUE);
        }
        if ((i & 0xFFFF) == 0xFFFF) {
          maxSizeSeen = Math.max(maxSizeSeen, target.size());
        }
      }
      return new long[] {hits, Math.max(maxSizeSeen, target.size())};
    }
  }

  static long lru(int[] trace, int size) {
    LinkedHashMap<Integer, Boolean> lru = new LinkedHashMap<>(size * 2, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
        return size() > size;
      }
    };
    long hits = 0;
    for (int key : trace) {
      if (lru.get(key) != null) {
        hits++;
      } else {
        lru.put(key, Boolean.TRUE);
      }
    }
    return hits;
  }

  /** Bélády: on a miss with a full cache, evict the key whose next use is farthest away. */
  static long opt(int[] trace, int size) {
    int[] next = new int[trace.length];
    Map<Integer, Integer> seen = new HashMap<>();
    for (int i = trace.length - 1; i >= 0; i--) {
      Integer later = seen.put(trace[i], i);
      next[i] = later == null ? Integer.MAX_VALUE : later;
    }
    // (next use, key) pairs of the cached keys, farthest last; ties broken by key so that entries stay distinct
    TreeSet<long[]> byNextUse = new TreeSet<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
        : Long.compare(a[1], b[1]));
    Map<Integer, long[]> cached = new HashMap<>();
    long hits = 0;
    for (int i = 0; i < trace.length; i++) {
      int key = trace[i];
      long nextUse = next[i] == Integer.MAX_VALUE ? Long.MAX_VALUE - trace.length + i : next[i];
      long[] entry = cached.get(key);
      if (entry != null) {
        hits++;
        byNextUse.remove(entry);
      } else if (cached.size() == size) {
        long[] farthest = byNextUse.pollLast();
        cached.remove((int) farthest[1]);
      }
      long[] updated = {nextUse, key};
      byNextUse.add(updated);
      cached.put(key, updated);
    }
    return hits;
  }

  private static List<Integer> boxed(int[] trace) {
    List<Integer> list = new ArrayList<>(trace.length);
    for (int key : trace) {
      list.add(key);
    }
    return list;
  }

  private static String pct(long hits, long accesses) {
    return String.format(Locale.ROOT, "%.2f", 100.0 * hits / accesses);
  }
}
