package io.keyedcache.benchmarks;

import io.keyedcache.KeyedCache;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * Cached-function single flight: n threads released at once on one key of a function that takes 50 ms. Prints
 * the computations counted (1 is the target) and the wall time, over 20 rounds per thread count.
 */
public final class SingleFlight {
  private SingleFlight() {}

  public static void main(String[] args) throws Exception {
    CacheManager manager = Caching.getCachingProvider("io.keyedcache.provider.KeyedCachingProvider")
        .getCacheManager(URI.create("keyedcache:single-flight"), SingleFlight.class.getClassLoader());
    Cache<Object, Object> cache = manager.createCache("flight", new KeyedCacheConfiguration<>());
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyed = cache.unwrap(KeyedCache.class);
    AtomicInteger computations = new AtomicInteger();
    Function<Integer, Object> slow = keyed.function("slow", null, x -> {
      computations.incrementAndGet();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return x;
    });
    System.out.println("| threads | rounds | computations per round (min-max) | wrong results |");
    System.out.println("|---|---|---|---|");
    int key = 0;
    for (int threads : new int[] {2, 16, 64}) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      int min = Integer.MAX_VALUE;
      int max = 0;
      int wrong = 0;
      for (int round = 0; round < 20; round++) {
        int k = key++;
        computations.set(0);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Object>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          results.add(pool.submit(() -> {
            go.await();
            return slow.apply(k);
          }));
        }
        go.countDown();
        for (Future<Object> result : results) {
          if (!Integer.valueOf(k).equals(result.get())) {
            wrong++;
          }
        }
        min = Math.min(min, computations.get());
        max = Math.max(max, computations.get());
      }
      pool.shutdown();
      System.out.printf("| %d | 20 | %d-%d | %d |%n", threads, min, max, wrong);
    }
    manager.close();
  }
}
