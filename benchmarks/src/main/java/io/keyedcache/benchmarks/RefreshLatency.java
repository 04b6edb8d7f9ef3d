package io.keyedcache.benchmarks;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * Caller latency over time of a cached function on the shared tier, with and without refresh ahead (issue 26): 3 JVM
 * processes x 8 threads call one function (a 300 ms computation, lifetime 2 s; refresh after 1 s or none) for 20 s,
 * each call followed by a pause of 0.5 to 1.5 ms at random. Two more runs are the baselines: {@code hit} reads a
 * present entry with {@code Cache.get} (a plain hit of the same tier), and {@code rewritten} does the same while each
 * JVM writes the entry every 3.9 s (as often as refreshes write, with their invalidations). The workers run with a 256 MB heap touched in advance. Every call's latency is kept by second; the coordinator merges the JVMs' files and writes
 * p50, p99 and max per second as a Markdown table (standard output) and an SVG chart ({@link LatencyChart}). One
 * redis-server on a free loopback port, started and stopped here. Usage:
 * {@code java -cp benchmarks/target/benchmarks.jar io.keyedcache.benchmarks.RefreshLatency docs/refresh-ahead.svg}.
 */
public final class RefreshLatency {
  static final int JVMS = 3;
  static final int THREADS = 8;
  static final int SECONDS = 20;
  static final long COMPUTE_MILLIS = 300;

  private RefreshLatency() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("worker")) {
      worker(args[1], args[2], Long.parseLong(args[3]), Paths.get(args[4]));
      return;
    }
    Path chart = Paths.get(args.length > 0 ? args[0] : "refresh-ahead.svg");
    Path dir = Files.createTempDirectory("refresh-latency");
    List<LatencyChart.Run> runs = new ArrayList<>();
    try (RedisProcess redis = RedisProcess.start()) {
      for (String mode : List.of(System.getProperty("modes", "hit,rewritten,plain,refresh").split(","))) {
        runs.add(run(redis, mode, dir));
      }
    }
    LatencyChart.report(runs, COMPUTE_MILLIS, chart);
  }

  /** Runs one mode in {@link #JVMS} processes started together; their latencies by second. */
  private static LatencyChart.Run run(RedisProcess redis, String mode, Path dir) throws Exception {
    long start = System.currentTimeMillis() + 8_000; // time for the JVMs to start and warm up
    List<Process> workers = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < JVMS; i++) {
      Path file = dir.resolve(mode + "-" + i + ".txt");
      files.add(file);
      // a heap touched in advance, as latency-minded services run: otherwise a fresh JVM's first touch of each heap
      // page (a page fault of ~10 us) lands on 1% of allocating calls and hides what is measured
      workers.add(new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-cp",
          System.getProperty("java.class.path"), RefreshLatency.class.getName(), "worker", redis.uri(), mode,
          Long.toString(start), file.toString()).inheritIO().start());
    }
    for (Process worker : workers) {
      if (!worker.waitFor(SECONDS + 60, TimeUnit.SECONDS) || worker.exitValue() != 0) {
        worker.destroyForcibly();
        throw new IllegalStateException("a " + mode + " worker failed");
      }
    }
    long computations = Long.parseLong(redis.send("INCRBY computations:" + mode + " 0").substring(1));
    return LatencyChart.Run.read(mode, files, SECONDS, computations);
  }

  /**
   * One JVM: from {@code start} (epoch millis) for {@link #SECONDS}, {@link #THREADS} threads call; each call's
   * second, latency (ns) and whether it began before this JVM's first answer go to {@code out}.
   */
  private static void worker(String redis, String mode, long start, Path out) throws Exception {
    Properties settings = new Properties();
    settings.setProperty("namespace", "latency-" + mode);
    CacheManager manager = Caching.getCachingProvider("io.keyedcache.provider.KeyedCachingProvider").getCacheManager(
        URI.create(redis + "#latency-" + ProcessHandle.current().pid()), RefreshLatency.class.getClassLoader(),
        settings);
    Cache<Object, Object> cache = manager.createCache("prices", new MutableConfiguration<>());
    KeyedCache<Object> keyed = KeyedCache.of(cache);
    var builder = keyed.function("price").ttl(Duration.ofSeconds(2));
    if (mode.equals("refresh")) {
      builder.refreshAfter(Duration.ofSeconds(1));
    }
    String counter = "computations:" + mode;
    URI uri = URI.create(redis);
    Function<Integer, String> price = builder.of((Integer id) -> {
      if (id == 7) {
        send(uri, "INCR " + counter);
      }
      sleep(COMPUTE_MILLIS);
      return "price " + id;
    });
    keyed.put(CacheKey.of("present", 7), "value");
    // the baseline: a plain hit of the same tier, its key made for each call as the function's is
    boolean plainHit = mode.equals("hit") || mode.equals("rewritten");
    Function<Integer, Object> call = plainHit ? id -> cache.get(CacheKey.of("present", id)) : price::apply;
    if (mode.equals("rewritten")) {
      // the entry written again as often as a refresh writes the function's (every 1.3 s across the 3 JVMs), so that
      // the baseline has the same invalidations and near-cache misses
      Thread writer = new Thread(() -> {
        sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(3_900));
        while (true) {
          keyed.put(CacheKey.of("present", 7), "value " + System.nanoTime());
          sleep(3_900);
        }
      });
      writer.setDaemon(true);
      writer.start();
    }
    for (int i = 0; i < 20_000; i++) {
      call.apply(plainHit ? 7 : 1); // warm the path measured (the function's on another argument than the run's)
    }
    long[][] seconds = new long[THREADS][];
    long[][] latencies = new long[THREADS][];
    boolean[][] first = new boolean[THREADS][];
    int[] counts = new int[THREADS];
    AtomicBoolean answered = new AtomicBoolean();
    sleep(Math.max(0, start - System.currentTimeMillis()));
    long origin = System.nanoTime();
    long until = origin + TimeUnit.SECONDS.toNanos(SECONDS);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int me = t;
      int capacity = SECONDS * 1_000 + 100;
      seconds[me] = new long[capacity];
      latencies[me] = new long[capacity];
      first[me] = new boolean[capacity];
      Thread thread = new Thread(() -> {
        for (int n = 0; n < capacity; n++) {
          boolean before = !answered.get();
          long begin = System.nanoTime();
          if (begin - until >= 0) {
            break;
          }
          call.apply(7);
          long end = System.nanoTime();
          answered.set(true);
          seconds[me][n] = (begin - origin) / 1_000_000_000L;
          latencies[me][n] = end - begin;
          first[me][n] = before;
          counts[me] = n + 1;
          // a pause of 0.5 to 1.5 ms, at random: callers that all waited for one computation would otherwise go on
          // in step, every thread of the JVM runnable at once on 2 cores, and measure each other rather than the cache
          java.util.concurrent.locks.LockSupport.parkNanos(500_000
              + java.util.concurrent.ThreadLocalRandom.current().nextLong(1_000_000));
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    javax.management.MBeanServer beans = java.lang.management.ManagementFactory.getPlatformMBeanServer();
    for (javax.management.ObjectName name : beans.queryNames(new javax.management.ObjectName(
        "io.keyedcache:type=SharedTier,*"), null)) {
      System.out.printf("%s JVM %d: near hits %s, near misses %s%n", mode, ProcessHandle.current().pid(),
          beans.getAttribute(name, "NearCacheHits"), beans.getAttribute(name, "NearCacheMisses"));
    }
    try (BufferedWriter writer = Files.newBufferedWriter(out)) {
      for (int t = 0; t < THREADS; t++) {
        for (int n = 0; n < counts[t]; n++) {
          writer.write(String.format(Locale.ROOT, "%d %d %d%n", seconds[t][n], latencies[t][n], first[t][n] ? 1 : 0));
        }
      }
    }
    manager.close();
    System.exit(0);
  }

  private static void send(URI redis, String command) {
    try (java.net.Socket socket = new java.net.Socket(redis.getHost(), redis.getPort())) {
      socket.getOutputStream().write((command + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      socket.getInputStream().read();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
