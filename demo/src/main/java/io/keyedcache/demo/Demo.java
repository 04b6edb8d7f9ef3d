package io.keyedcache.demo;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.NotCachedException;
import java.io.Serializable;
import java.time.Duration;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/** The examples of the README, run: each step prints what it did and what came back. */
public final class Demo {

  /** A product, as an application would cache it. */
  record Product(int id, String name, double price) implements Serializable {}

  private Demo() {}

  public static void main(String[] args) throws Exception {
    CacheManager manager = Caching.getCachingProvider().getCacheManager();
    Cache<Object, Object> cache = manager.createCache("demo", new MutableConfiguration<>());
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyed = cache.unwrap(KeyedCache.class);
    System.out.println("provider: " + Caching.getCachingProvider().getClass().getName());

    step("1. cache a product, read it back");
    Product apple = new Product(123, "apple", 0.5);
    keyed.put(CacheKey.of("product", 123), apple);
    System.out.println("   put product::123 -> " + apple);
    System.out.println("   get(\"product\", 123) = " + keyed.get("product", 123));

    step("2. a miss throws NotCachedException, carrying the key");
    try {
      keyed.get("product", 999);
    } catch (NotCachedException e) {
      System.out.println("   NotCachedException, key() = " + e.key());
    }
    System.out.println("   get(key, default) = " + keyed.get(CacheKey.of("product", 999), "no such product"));

    step("3. an entry with its own lifetime");
    keyed.put(CacheKey.of("flash-sale"), "50% off", Duration.ofMillis(500));
    System.out.println("   put flash-sale for 500 ms; cached now: " + keyed.isCached("flash-sale"));
    Thread.sleep(600);
    System.out.println("   600 ms later, cached: " + keyed.isCached("flash-sale"));

    step("4. a composite key from named pairs");
    CacheKey search = CacheKey.builder("search", "fruit").with("sort", "price").with("page", 2).build();
    keyed.put(search, java.util.List.of("apple", "banana"));
    System.out.println("   key (pairs sorted by name): " + search);
    System.out.println("   value: " + keyed.get(search));

    step("5. a slow function, cached");
    Function<Integer, Double> slowPrice = keyed.function("price", Duration.ofMinutes(5), (Integer id) -> {
      sleepQuietly(300); // a slow backend
      return id * 1.25;
    });
    timed("   first call  price(8)", () -> slowPrice.apply(8));
    timed("   second call price(8)", () -> slowPrice.apply(8));
    timed("   first call  price(9)", () -> slowPrice.apply(9));
    System.out.println("   computations so far: " + keyed.statistics().computations() + " (price(8) and price(9))");

    step("6. deleteFunction removes every result of one function");
    System.out.println("   deleteFunction(\"price\") removed " + keyed.deleteFunction("price"));
    timed("   after deletion price(8)", () -> slowPrice.apply(8));

    step("7. group deletion of a product's children");
    keyed.put(CacheKey.of("product", 123, "reviews"), java.util.List.of("crisp", "sweet"));
    keyed.put(CacheKey.of("product", 123, "stock", "paris"), 40);
    keyed.put(CacheKey.of("product", 1234), "another product, untouched");
    System.out.println("   deleteGroup(\"product\", 123) removed " + keyed.deleteGroup("product", 123));
    System.out.println("   product::1234 still cached: " + keyed.isCached("product", 1234));

    step("statistics");
    System.out.println("   " + keyed.statistics() + ", hit ratio " + String.format("%.2f", keyed.statistics().hitRatio()));
    Caching.getCachingProvider().close();
  }

  private static void step(String title) {
    System.out.println();
    System.out.println(title);
  }

  private static void timed(String label, java.util.function.Supplier<Object> call) {
    long start = System.nanoTime();
    Object result = call.get();
    long micros = (System.nanoTime() - start) / 1_000;
    System.out.printf("%s = %s in %,d us%n", label, result, micros);
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
