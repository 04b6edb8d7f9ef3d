package io.keyedcache.redis;

import io.keyedcache.provider.KeyedCachingProvider;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;

/**
 * One JVM of {@link AtomicityTest}: threads that race on the same keys through the one-round-trip writes of a cache
 * configured as users configure them (created expiry, statistics, a synchronous listener). It prints one line per
 * outcome the test checks: {@code WON <key> <value>}, {@code ADDED <n>}, {@code OLD <value>},
 * {@code TOOK <key> <value>}, then {@code DONE}.
 *
 * <pre>
 * &lt;mode&gt; &lt;redis uri&gt; &lt;namespace&gt; &lt;worker id&gt; &lt;threads&gt; &lt;count&gt;
 * mode: putIfAbsent (count keys), replace (count increments of one counter), getAndPut (count puts into one key),
 *       getAndRemove (count keys the test filled), putAll (count keys, 16 to a batch), removeAll (count keys the test
 *       filled, in one call); the listener prints {@code CREATED <key>} and {@code REMOVED <key>}
 * </pre>
 */
public final class AtomicWorker {
  private AtomicWorker() {}

  /** A listener of creations and removals, so that every write is a listened one; prints what it hears. */
  public static final class Heard implements CacheEntryCreatedListener<String, String>,
      CacheEntryRemovedListener<String, String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(event -> System.out.println("CREATED " + event.getKey()));
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(event -> System.out.println("REMOVED " + event.getKey()));
    }
  }

  static MutableConfiguration<String, String> configuration() {
    MutableConfiguration<String, String> config = new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10)))
        .setStatisticsEnabled(true);
    config.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<String, String>(
        FactoryBuilder.factoryOf(Heard.class), null, false, true));
    return config;
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String redis = args[1];
    String namespace = args[2];
    String id = args[3];
    int threads = Integer.parseInt(args[4]);
    int count = Integer.parseInt(args[5]);
    Properties properties = new Properties();
    properties.setProperty("namespace", namespace);
    CacheManager manager = Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(redis + "#" + namespace + "-" + id), AtomicWorker.class.getClassLoader(), properties);
    Cache<String, String> cache = manager.getCache("atomic", String.class, String.class);
    if (cache == null) {
      cache = manager.createCache("atomic", configuration());
    }
    RawRedis connected = RawRedis.connect(redis);
    io.lettuce.core.AbstractRedisClient client = connected.client();
    io.lettuce.core.cluster.api.sync.RedisClusterCommands<String, String> raw = connected.commands();
    System.out.println("READY");
    System.out.flush();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (raw.exists("go:" + namespace) == 0 && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<List<String>>> results = new ArrayList<>();
    Cache<String, String> shared = cache;
    for (int t = 0; t < threads; t++) {
      String me = id + "." + t;
      results.add(pool.submit(() -> run(mode, shared, me, count)));
    }
    for (Future<List<String>> result : results) {
      for (String line : result.get(60, TimeUnit.SECONDS)) {
        System.out.println(line);
      }
    }
    System.out.println("DONE");
    System.out.flush();
    pool.shutdown();
    manager.close();
    client.shutdown();
    System.exit(0);
  }

  private static List<String> run(String mode, Cache<String, String> cache, String me, int count) {
    List<String> lines = new ArrayList<>();
    switch (mode) {
      case "putIfAbsent":
        for (int i = 0; i < count; i++) {
          if (cache.putIfAbsent("p" + i, me)) {
            lines.add("WON p" + i + " " + me);
          }
        }
        break;
      case "replace":
        int added = 0;
        for (int i = 0; i < count; i++) {
          for (int attempt = 0; attempt < 10_000; attempt++) {
            String now = cache.get("counter");
            if (cache.replace("counter", now, Long.toString(Long.parseLong(now) + 1))) {
              added++;
              break;
            }
          }
        }
        lines.add("ADDED " + added);
        break;
      case "getAndPut":
        for (int i = 0; i < count; i++) {
          lines.add("OLD " + cache.getAndPut("chain", me + "." + i));
        }
        break;
      case "getAndRemove":
        for (int i = 0; i < count; i++) {
          String taken = cache.getAndRemove("r" + i);
          if (taken != null) {
            lines.add("TOOK r" + i + " " + taken);
          }
        }
        break;
      case "putAll":
        for (int from = 0; from < count; from += 16) {
          java.util.Map<String, String> batch = new java.util.TreeMap<>();
          for (int i = from; i < Math.min(count, from + 16); i++) {
            batch.put("p" + i, me);
          }
          cache.putAll(batch);
        }
        break;
      case "removeAll":
        java.util.Set<String> keys = new java.util.TreeSet<>();
        for (int i = 0; i < count; i++) {
          keys.add("r" + i);
        }
        cache.removeAll(keys);
        break;
      default:
        throw new IllegalArgumentException(mode);
    }
    return lines;
  }
}
