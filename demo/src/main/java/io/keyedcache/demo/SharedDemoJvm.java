package io.keyedcache.demo;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.NotCachedException;
import io.keyedcache.redis.SharedTierMXBean;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * One JVM of {@link SharedDemo}: a keyedcache manager on the shared tier, driven by commands on standard input, one
 * per line, each answered by lines that end with a lone {@code "."}.
 */
public final class SharedDemoJvm {
  private SharedDemoJvm() {}

  public static void main(String[] args) throws Exception {
    // java.util.logging's console lines would interleave with the answers: the demo prints what matters itself
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.SEVERE);
    java.util.logging.Logger.getLogger("io.lettuce").setLevel(java.util.logging.Level.OFF);
    java.util.logging.Logger.getLogger("io.netty").setLevel(java.util.logging.Level.OFF);
    CacheManager manager = Caching.getCachingProvider().getCacheManager(URI.create(args[0] + "#keyedcache-demo"),
        SharedDemoJvm.class.getClassLoader());
    Cache<Object, Object> cache = manager.createCache("demo", new MutableConfiguration<>());
    KeyedCache<Object> keyed = KeyedCache.of(cache);
    if (Boolean.parseBoolean(args[1])) {
      keyed.clear(); // what an earlier run left on a server that was already running
    }
    SharedTierMXBean tier = manager.unwrap(SharedTierMXBean.class);
    Function<Integer, Double> price = keyed.function("price", Duration.ofMinutes(5), (Integer id) -> {
      try {
        Thread.sleep(1000); // a slow backend
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return id * 1.25;
    });
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
      String[] words = line.split(" ", 3);
      switch (words[0]) {
        case "ready" -> { }
        case "price" -> {
          long before = keyed.statistics().computations();
          long start = System.nanoTime();
          double value = price.apply(Integer.parseInt(words[1]));
          long millis = (System.nanoTime() - start) / 1_000_000;
          boolean here = keyed.statistics().computations() > before;
          System.out.printf("price(%s) = %s in %,d ms, %s%n", words[1], value, millis,
              here ? "computed in this JVM" : millis >= 500 ? "waited for the other JVM's computation"
                  : "from the cache");
        }
        case "computations" -> System.out.println("computations of price in this JVM: "
            + keyed.statistics().computations());
        case "put" -> {
          keyed.put(CacheKey.parse(words[1]), words[2]);
          System.out.println("put " + words[1] + " = " + words[2]);
        }
        case "get" -> {
          long hitsBefore = tier.getNearCacheHits();
          long start = System.nanoTime();
          String answer;
          try {
            answer = "get " + words[1] + " = " + keyed.get(CacheKey.parse(words[1]));
          } catch (NotCachedException e) {
            answer = "get " + words[1] + ": NotCachedException, not cached";
          }
          long micros = (System.nanoTime() - start) / 1_000;
          System.out.printf("%s in %,d us (%s)%n", answer, micros,
              tier.getNearCacheHits() > hitsBefore ? "near cache, no round trip" : "from Redis");
        }
        case "deleteGroup" -> System.out.println("deleteGroup " + words[1] + " removed "
            + keyed.deleteGroup(CacheKey.parse(words[1])));
        case "tier" -> System.out.println("shared tier: connected " + tier.isConnected() + ", near-cache hits "
            + tier.getNearCacheHits() + ", misses " + tier.getNearCacheMisses() + ", invalidations received "
            + tier.getInvalidations() + ", lease waits " + tier.getLeaseWaits());
        default -> System.out.println("unknown command " + line);
      }
      System.out.println(".");
      System.out.flush();
    }
    manager.close();
  }
}
