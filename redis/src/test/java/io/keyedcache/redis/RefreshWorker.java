package io.keyedcache.redis;

import io.keyedcache.KeyedCache;
import io.keyedcache.provider.KeyedCachingProvider;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * One JVM of {@link RefreshAheadTest}: threads that call one refreshing cached function (ttl 2 s, refresh after 1 s)
 * for a while and print, one line each: {@code READY}; {@code COMPUTING <n>} when a computation starts here;
 * {@code CALLS}, {@code ERRORS}, {@code SLOWEST} and {@code P99} (milliseconds, of the calls that began after this
 * JVM's first call returned) and {@code COMPUTED} at the end. The computation counts itself on the server
 * ({@code computations:<ns>}) and counts an overlap ({@code overlap:<ns>}) if another was running for the key.
 *
 * <pre>
 * &lt;redis uri&gt; &lt;namespace&gt; &lt;threads&gt; &lt;first compute millis&gt; &lt;later compute millis&gt; &lt;seconds&gt;
 * </pre>
 */
public final class RefreshWorker {
  private RefreshWorker() {}

  public static void main(String[] args) throws Exception {
    String redis = args[0];
    String namespace = args[1];
    int threads = Integer.parseInt(args[2]);
    long first = Long.parseLong(args[3]);
    long later = Long.parseLong(args[4]);
    long seconds = Long.parseLong(args[5]);
    RawRedis connected = RawRedis.connect(redis);
    RedisClusterCommands<String, String> raw = connected.commands();
    Properties settings = new Properties();
    settings.setProperty("namespace", namespace);
    CacheManager manager = Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(redis + "?flight-lease=1000#" + namespace + "-" + ProcessHandle.current().pid()),
        RefreshWorker.class.getClassLoader(), settings);
    Cache<Object, Object> cache = manager.createCache("shared", new MutableConfiguration<>());
    KeyedCache<Object> keyed = KeyedCache.of(cache);
    AtomicInteger computedHere = new AtomicInteger();
    Function<Integer, String> price = keyed.function("price").ttl(Duration.ofSeconds(2))
        .refreshAfter(Duration.ofSeconds(1)).of((Integer id) -> {
          if (raw.incr("inflight:" + namespace) > 1) {
            raw.incr("overlap:" + namespace);
          }
          long n = raw.incr("computations:" + namespace);
          int mine = computedHere.incrementAndGet();
          print("COMPUTING " + n);
          try {
            Thread.sleep(mine == 1 ? first : later);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            raw.decr("inflight:" + namespace);
          }
          return "price " + id + " #" + n;
        });
    print("READY");
    while (raw.exists("go:" + namespace) == 0) {
      Thread.sleep(5);
    }
    AtomicBoolean answered = new AtomicBoolean();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicLong calls = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    List<Thread> running = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread thread = new Thread(() -> {
        while (System.nanoTime() - until < 0) {
          boolean counted = answered.get();
          long start = System.nanoTime();
          try {
            price.apply(7);
          } catch (RuntimeException e) {
            errors.incrementAndGet();
            print("ERROR " + e);
          }
          long took = System.nanoTime() - start;
          calls.incrementAndGet();
          answered.set(true);
          if (counted) {
            latencies.add(took);
          }
          try {
            Thread.sleep(1);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      thread.start();
      running.add(thread);
    }
    for (Thread thread : running) {
      thread.join();
    }
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    long slowest = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1);
    long p99 = sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, sorted.size() * 0.99));
    print("CALLS " + calls.get());
    print("ERRORS " + errors.get());
    print("SLOWEST " + slowest / 1_000_000.0);
    print("P99 " + p99 / 1_000_000.0);
    print("COMPUTED " + computedHere.get());
    print("REFRESHES " + keyed.statistics().refreshes());
    manager.close();
    connected.client().shutdown();
    System.exit(0);
  }

  private static void print(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }
}
