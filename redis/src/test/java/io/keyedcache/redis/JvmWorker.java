package io.keyedcache.redis;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.KeyedCachingProvider;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
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
 * one line each, for the test to read: {@code READY}, {@code RESULT <value>}, {@code WROTE <key> <millis>}.
 *
 * <pre>
 * function &lt;redis uri&gt; &lt;namespace&gt; &lt;threads&gt; &lt;compute millis&gt;   call one cached function from threads
 * write &lt;redis uri&gt; &lt;namespace&gt; &lt;name&gt; &lt;count&gt;               write keys inside and outside a group
 * </pre>
 */
public final class JvmWorker {
  private JvmWorker() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String redis = args[1];
    String namespace = args[2];
    RedisClient client = RedisClient.create(redis);
    RedisCommands<String, String> raw = client.connect().sync();
    CacheManager manager = Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(redis + "?flight-lease=1000#" + namespace + "-" + ProcessHandle.current().pid()),
        JvmWorker.class.getClassLoader(), namespaceOf(namespace));
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
      default:
        throw new IllegalArgumentException(mode);
    }
    manager.close();
    client.shutdown();
    System.exit(0);
  }

  private static java.util.Properties namespaceOf(String namespace) {
    java.util.Properties properties = new java.util.Properties();
    properties.setProperty("namespace", namespace);
    return properties;
  }

  /** Waits for the test's go: the key go:<namespace> on the server. */
  private static void awaitGo(RedisCommands<String, String> raw, String namespace) throws InterruptedException {
    System.out.println("READY");
    System.out.flush();
    while (raw.exists("go:" + namespace) == 0) {
      Thread.sleep(5);
    }
  }

  private static void function(RedisCommands<String, String> raw, KeyedCache<Object> keyed, String namespace,
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

  private static void write(RedisCommands<String, String> raw, KeyedCache<Object> keyed, String namespace,
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
}
