package io.keyedcache.redis;

import io.keyedcache.KeyedCache;
import io.keyedcache.provider.KeyedCachingProvider;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * One JVM of {@link AsyncFunctionTest}: on the server's {@code go:<ns>} it makes {@code callers} calls at once of one
 * asynchronous cached function (a computation that completes after {@code millis} without holding a thread), then
 * prints, one line each ({@code COMPUTING} as a computation starts here): {@code THREADS_BEFORE} (the JVM's live threads just before the calls), {@code THREADS_MOST}
 * (the most seen while they waited), {@code PENDING} (calls not complete at the first look), {@code ANSWERS} (calls
 * that completed with the expected value), {@code ERRORS}, {@code COMPUTED} (computations started here). A
 * computation counts itself on the server ({@code computations:<ns>}) and an overlap ({@code overlap:<ns>}).
 *
 * <pre>
 * &lt;redis uri&gt; &lt;namespace&gt; &lt;callers&gt; &lt;compute millis&gt;
 * </pre>
 */
public final class AsyncWorker {
  private AsyncWorker() {}

  public static void main(String[] args) throws Exception {
    String redis = args[0];
    String namespace = args[1];
    int callers = Integer.parseInt(args[2]);
    long millis = Long.parseLong(args[3]);
    RawRedis connected = RawRedis.connect(redis);
    RedisClusterCommands<String, String> raw = connected.commands();
    Properties settings = new Properties();
    settings.setProperty("namespace", namespace);
    CacheManager manager = Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(redis + "?flight-lease=1000#" + namespace + "-" + ProcessHandle.current().pid()),
        AsyncWorker.class.getClassLoader(), settings);
    Cache<Object, Object> cache = manager.createCache("shared", new MutableConfiguration<>());
    KeyedCache<Object> keyed = KeyedCache.of(cache);
    Executor later = CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS);
    int[] computed = {0};
    Function<Integer, CompletableFuture<String>> price = keyed.function("price").ttl(Duration.ofMinutes(1))
        .ofAsync((Integer id) -> {
          if (raw.incr("inflight:" + namespace) > 1) {
            raw.incr("overlap:" + namespace);
          }
          raw.incr("computations:" + namespace);
          print("COMPUTING");
          synchronized (computed) {
            computed[0]++;
          }
          return CompletableFuture.supplyAsync(() -> {
            raw.decr("inflight:" + namespace);
            return "price " + id;
          }, later);
        });
    // the connections, the lease channel's subscription and the executor's threads made before counting
    keyed.function("warm").ttl(Duration.ofMinutes(1)).ofAsync((Integer id) -> CompletableFuture.completedFuture(id))
        .apply(1).get(30, TimeUnit.SECONDS);
    print("READY");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (raw.exists("go:" + namespace) == 0 && System.nanoTime() - deadline < 0) {
      Thread.sleep(5);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int before = threads.getThreadCount();
    List<CompletableFuture<String>> calls = new ArrayList<>(callers);
    for (int i = 0; i < callers; i++) {
      calls.add(price.apply(1));
    }
    int most = before;
    long pending = calls.stream().filter(call -> !call.isDone()).count();
    for (int look = 0; look < 60 && calls.stream().anyMatch(call -> !call.isDone()); look++) {
      most = Math.max(most, threads.getThreadCount());
      Thread.sleep(50);
    }
    long answers = 0;
    long errors = 0;
    for (CompletableFuture<String> call : calls) {
      try {
        if ("price 1".equals(call.get(30, TimeUnit.SECONDS))) {
          answers++;
        }
      } catch (Exception e) {
        errors++;
        print("ERROR " + e);
      }
    }
    print("THREADS_BEFORE " + before);
    print("THREADS_MOST " + most);
    print("PENDING " + pending);
    print("ANSWERS " + answers);
    print("ERRORS " + errors);
    synchronized (computed) {
      print("COMPUTED " + computed[0]);
    }
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
