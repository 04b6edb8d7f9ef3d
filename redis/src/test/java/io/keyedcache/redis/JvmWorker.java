package io.keyedcache.redis;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.KeyedCachingProvider;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * One JVM of the cross-JVM tests, started by {@link CrossJvmTest} as a process of its own. It prints what it did,
 * one line each, for the test to read: {@code READY}, {@code RESULT <value>}, {@code WROTE <key> <millis>},
 * {@code ACK <value> <nanos>}, {@code LAST <value> <nanos>}, {@code READS <count>}.
 *
 * <pre>
 * function &lt;redis uri&gt; &lt;namespace&gt; &lt;threads&gt; &lt;compute millis&gt;   call one cached function from threads
 * write &lt;redis uri&gt; &lt;namespace&gt; &lt;name&gt; &lt;count&gt;               write keys inside and outside a group
 * count &lt;redis uri&gt; &lt;namespace&gt; &lt;writes&gt; &lt;gap micros&gt;         put 1, 2, ... into one key ({@code ACK})
 * watch &lt;redis uri&gt; &lt;namespace&gt; &lt;last&gt;                     read that key until it reads last ({@code LAST})
 * churn &lt;redis uri&gt; &lt;namespace&gt; &lt;id&gt; &lt;millis&gt;               write log and counter keys through faults
 * read &lt;redis uri&gt; &lt;namespace&gt; &lt;writers&gt; &lt;millis&gt;           read the counters through faults ({@code SEEN})
 * </pre>
 *
 * Any further {@code name=value} argument is a setting of the worker's manager ({@code near-cache-strict=true}).
 */
public final class JvmWorker {
  private JvmWorker() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String redis = args[1];
    String namespace = args[2];
    RawRedis connected = RawRedis.connect(redis);
    AbstractRedisClient client = connected.client();
    RedisClusterCommands<String, String> raw = connected.commands();
    CacheManager manager = Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(redis + "?flight-lease=1000#" + namespace + "-" + ProcessHandle.current().pid()),
        JvmWorker.class.getClassLoader(), settings(namespace, args));
    Cache<Object, Object> cache = manager.getCache("shared") != null ? manager.getCache("shared")
        : manager.createCache("shared", new MutableConfiguration<>());
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyed = cache.unwrap(KeyedCache.class);
    switch (mode) {
      case "function":
        function(raw, keyed, namespace, Integer.parseInt(args[3]), Long.parseLong(args[4]));
        break;
      case "write":
        write(raw, keyed, namespace, args[3], Integer.parseInt(args[4]));
        break;
      case "count":
        count(raw, cache, namespace, Integer.parseInt(args[3]), Long.parseLong(args[4]));
        break;
      case "watch":
        watch(raw, cache, namespace, Integer.parseInt(args[3]));
        break;
      case "churn":
        churn(raw, cache, namespace, Integer.parseInt(args[3]), Long.parseLong(args[4]));
        break;
      case "read":
        read(raw, cache, namespace, Integer.parseInt(args[3]), Long.parseLong(args[4]));
        break;
      default:
        throw new IllegalArgumentException(mode);
    }
    manager.close();
    client.shutdown();
    System.exit(0);
  }

  /** The namespace, and any {@code name=value} argument as a setting of the manager. */
  private static java.util.Properties settings(String namespace, String[] args) {
    java.util.Properties properties = new java.util.Properties();
    properties.setProperty("namespace", namespace);
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (equals > 0 && !arg.contains("://")) {
        properties.setProperty(arg.substring(0, equals), arg.substring(equals + 1));
      }
    }
    return properties;
  }

  /** Waits for the test's go: the key go:<namespace> on the server. */
  private static void awaitGo(RedisClusterCommands<String, String> raw, String namespace) throws InterruptedException {
    System.out.println("READY");
    System.out.flush();
    while (raw.exists("go:" + namespace) == 0) {
      Thread.sleep(5);
    }
  }

  private static void function(RedisClusterCommands<String, String> raw, KeyedCache<Object> keyed, String namespace,
      int threads, long computeMillis) throws Exception {
    Function<Integer, String> slow = keyed.function("slow", Duration.ofMinutes(5), (Integer x) -> {
      raw.incr("computations:" + namespace);
      try {
        Thread.sleep(computeMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "value of " + x + " from " + ProcessHandle.current().pid();
    });
    awaitGo(raw, namespace);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> running = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread thread = new Thread(() -> {
        try {
          start.await();
          String value = slow.apply(7);
          synchronized (System.out) {
            System.out.println("RESULT " + value);
          }
        } catch (Exception e) {
          synchronized (System.out) {
            System.out.println("FAILED " + e);
          }
        }
      });
      thread.start();
      running.add(thread);
    }
    start.countDown();
    for (Thread thread : running) {
      thread.join();
    }
    System.out.flush();
  }

  private static void write(RedisClusterCommands<String, String> raw, KeyedCache<Object> keyed, String namespace,
      String name, int count) throws Exception {
    awaitGo(raw, namespace);
    for (int i = 0; i < count; i++) {
      CacheKey inside = CacheKey.of("group", name, i);
      keyed.put(inside, System.currentTimeMillis());
      System.out.println("WROTE " + inside + " " + System.currentTimeMillis());
      CacheKey outside = CacheKey.of("outside", name, i);
      keyed.put(outside, System.currentTimeMillis());
      System.out.println("WROTE " + outside + " " + System.currentTimeMillis());
    }
    System.out.flush();
  }

  /** Puts 1, 2, ... into the key counter, {@code gapMicros} apart, and prints when each put returned. */
  private static void count(RedisClusterCommands<String, String> raw, Cache<Object, Object> cache, String namespace,
      int writes, long gapMicros) throws Exception {
    cache.put("counter", 0);
    awaitGo(raw, namespace);
    StringBuilder acks = new StringBuilder();
    for (int i = 1; i <= writes; i++) {
      cache.put("counter", i);
      acks.append("ACK ").append(i).append(' ').append(System.nanoTime()).append('\n');
      long until = System.nanoTime() + gapMicros * 1000;
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
    }
    System.out.print(acks);
    System.out.flush();
  }

  /**
   * Reads the key counter until it reads {@code last} (or a minute passes); prints, for each value it read, when the
   * last read that gave it began ({@code LAST <value> <nanos>}), and how many reads it made.
   */
  private static void watch(RedisClusterCommands<String, String> raw, Cache<Object, Object> cache, String namespace,
      int last) throws Exception {
    cache.get("counter"); // kept near from here on
    awaitGo(raw, namespace);
    StringBuilder seen = new StringBuilder();
    long reads = 0;
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
    Object current = null;
    long currentStart = 0;
    while (System.nanoTime() < until) {
      long start = System.nanoTime();
      Object value = cache.get("counter");
      reads++;
      if (current != null && !current.equals(value)) {
        seen.append("LAST ").append(current).append(' ').append(currentStart).append('\n');
      }
      current = value;
      currentStart = start;
      if (Integer.valueOf(last).equals(value)) {
        break;
      }
    }
    seen.append("LAST ").append(current).append(' ').append(currentStart).append('\n');
    System.out.print(seen);
    System.out.println("READS " + reads);
    System.out.flush();
  }

  /** How many counter keys each churn writer has: {@code c:<id>:<seq % COUNTERS>}. */
  static final int COUNTERS = 8;

  /**
   * For {@code millis}: puts {@code log:<id>:<seq>} and then {@code c:<id>:<seq % COUNTERS>}, both {@code seq}, for
   * seq 1, 2, ...; prints {@code ACK <seq> <nanos>} when both returned. A failed put is printed
   * ({@code ERR <nanos> <exception>}) and tried again 10 ms later, the same seq: the application goes on as it is.
   */
  private static void churn(RedisClusterCommands<String, String> raw, Cache<Object, Object> cache, String namespace,
      int id, long millis) throws Exception {
    awaitGo(raw, namespace);
    StringBuilder out = new StringBuilder();
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
    int seq = 1;
    while (System.nanoTime() < until) {
      try {
        cache.put("log:" + id + ":" + seq, seq);
        cache.put("c:" + id + ":" + (seq % COUNTERS), seq);
        out.append("ACK ").append(seq).append(' ').append(System.nanoTime()).append('\n');
        seq++;
      } catch (RuntimeException e) {
        out.append("ERR ").append(System.nanoTime()).append(' ').append(e.getClass().getSimpleName()).append('\n');
        Thread.sleep(10);
      }
    }
    System.out.print(out);
    System.out.flush();
  }

  /**
   * For {@code millis}: reads the counters of {@code writers} churn writers round and round, through its near cache;
   * prints, for each value of each counter it read, when the last read that gave it began
   * ({@code SEEN <key> <value> <nanos>}), failed reads ({@code ERR <nanos> <exception>}) and its read count.
   */
  private static void read(RedisClusterCommands<String, String> raw, Cache<Object, Object> cache, String namespace,
      int writers, long millis) throws Exception {
    List<String> keys = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      for (int i = 0; i < COUNTERS; i++) {
        keys.add("c:" + w + ":" + i);
      }
    }
    awaitGo(raw, namespace);
    StringBuilder out = new StringBuilder();
    java.util.Map<String, Object> current = new java.util.HashMap<>();
    java.util.Map<String, Long> began = new java.util.HashMap<>();
    long reads = 0;
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < until) {
      for (String key : keys) {
        long start = System.nanoTime();
        Object value;
        try {
          value = cache.get(key);
        } catch (RuntimeException e) {
          out.append("ERR ").append(start).append(' ').append(e.getClass().getSimpleName()).append('\n');
          Thread.sleep(10);
          continue;
        }
        reads++;
        Object before = current.put(key, value);
        if (before != null && !before.equals(value)) {
          out.append("SEEN ").append(key).append(' ').append(before).append(' ').append(began.get(key)).append('\n');
        }
        began.put(key, start);
      }
    }
    current.forEach((key, value) -> {
      if (value != null) {
        out.append("SEEN ").append(key).append(' ').append(value).append(' ').append(began.get(key)).append('\n');
      }
    });
    System.out.print(out);
    System.out.println("READS " + reads);
    System.out.flush();
  }
}
