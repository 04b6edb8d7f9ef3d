package io.keyedcache.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.cache.CachesEndpoint;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.Bean;

/**
 * keyedcache in a Spring Boot 3.5 application, set up only by {@code spring.cache.jcache.*} properties and a
 * relative {@code file:} location, as the README and docs/frameworks.md tell a Spring Boot user to.
 */
@SpringBootTest(properties = {
    "spring.cache.jcache.provider=io.keyedcache.provider.KeyedCachingProvider",
    "spring.cache.jcache.config=file:./src/test/resources/config/boot-caches.properties",
    "spring.cache.cache-names=products,prices",
    "management.endpoints.web.exposure.include=caches,metrics"})
class SpringBootExampleTest {

  /** An ordinary DTO: mutable, not {@code Serializable}, as most applications' are. */
  public static class ProductView {
    private final int id;
    private String name;

    public ProductView(int id, String name) {
      this.id = id;
      this.name = name;
    }

    public int getId() {
      return id;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }
  }

  /** A service whose methods Spring caches; the counters say how often a body ran. */
  public static class Catalog {
    final AtomicInteger productLoads = new AtomicInteger();
    final AtomicInteger priceLoads = new AtomicInteger();
    final AtomicInteger ratingLoads = new AtomicInteger();

    @Cacheable("products")
    public ProductView product(int id) {
      productLoads.incrementAndGet();
      return new ProductView(id, "product " + id);
    }

    @CacheEvict("products")
    public void rename(int id) {
    }

    @Cacheable(value = "prices", sync = true)
    public Double price(int id) {
      priceLoads.incrementAndGet();
      return id * 1.5;
    }

    /** A cache that neither the file nor {@code spring.cache.cache-names} names: made from {@code default.}. */
    @Cacheable("ratings")
    public Integer rating(int id) {
      ratingLoads.incrementAndGet();
      return id % 5;
    }

    // Read through methods: the bean Spring hands out is a proxy, whose own fields are unset.
    public int productLoads() {
      return productLoads.get();
    }

    public int priceLoads() {
      return priceLoads.get();
    }

    public int ratingLoads() {
      return ratingLoads.get();
    }
  }

  @SpringBootApplication
  @EnableCaching
  static class Application {
    @Bean
    Catalog catalog() {
      return new Catalog();
    }
  }

  @Autowired
  Catalog catalog;

  @Autowired
  org.springframework.cache.CacheManager springCaches;

  @Autowired
  javax.cache.CacheManager jcache;

  @Autowired
  CachesEndpoint cachesEndpoint;

  @Autowired
  MeterRegistry meters;

  @Test
  void theFileSelectedByPropertiesMakesTheCaches() {
    assertThat(springCaches).isInstanceOf(JCacheCacheManager.class);
    assertThat(jcache.getCachingProvider().getClass().getName())
        .isEqualTo("io.keyedcache.provider.KeyedCachingProvider");
    // Spring hands the provider the location as a relative file: URL (it drops the "./")
    assertThat(jcache.getURI().toString()).isEqualTo("file:src/test/resources/config/boot-caches.properties");
    assertThat(jcache.getCacheNames()).contains("products", "prices");
    javax.cache.configuration.CompleteConfiguration<?, ?> prices =
        jcache.getCache("prices").getConfiguration(javax.cache.configuration.CompleteConfiguration.class);
    assertThat(prices.getExpiryPolicyFactory().create().getExpiryForCreation())
        .isEqualTo(new javax.cache.expiry.Duration(java.util.concurrent.TimeUnit.MILLISECONDS, 600_000));
  }

  @Test
  void cacheableRunsEachBodyOncePerKeyAndKeepsDtosByReference() {
    int id = 101;
    ProductView first = catalog.product(id);
    ProductView second = catalog.product(id);
    assertThat(catalog.productLoads()).isEqualTo(1);
    // store-by-reference, the file's default: the DTO needs no Serializable, and the cache hands back the instance
    assertThat(second).isSameAs(first);

    catalog.rename(id);
    assertThat(catalog.product(id)).isNotSameAs(first);
    assertThat(catalog.productLoads()).isEqualTo(2);

    for (int i = 0; i < 3; i++) {
      assertThat(catalog.price(id)).isEqualTo(151.5);
    }
    assertThat(catalog.priceLoads()).isEqualTo(1);
  }

  @Test
  void aCacheNoSettingNamesIsMadeOnDemandFromTheDefaults() {
    assertThat(catalog.rating(12)).isEqualTo(2);
    assertThat(catalog.rating(12)).isEqualTo(2);
    assertThat(catalog.ratingLoads()).isEqualTo(1);
    javax.cache.Cache<Object, Object> ratings = jcache.getCache("ratings");
    assertThat(ratings).isNotNull();
    assertThat(ratings.get(12)).isEqualTo(2);
    assertThat(ratings.getConfiguration(javax.cache.configuration.CompleteConfiguration.class).isStatisticsEnabled())
        .isTrue();
  }

  @Test
  void theActuatorListsAndEvictsTheCaches() {
    catalog.product(202);
    assertThat(cachesEndpoint.caches().getCacheManagers()).containsKey("cacheManager");
    assertThat(cachesEndpoint.caches().getCacheManagers().get("cacheManager").getCaches())
        .containsKeys("products", "prices");
    assertThat(cachesEndpoint.clearCache("products", null)).isTrue();
    assertThat(jcache.getCache("products").containsKey(202)).isFalse();
  }

  @Test
  void cacheMetricsCountGetsAndPuts() {
    double hits = count("cache.gets", "hit");
    double misses = count("cache.gets", "miss");
    double puts = meters.get("cache.puts").tag("cache", "products").functionCounter().count();
    catalog.product(303);
    catalog.product(303);
    catalog.product(303);
    assertThat(count("cache.gets", "miss") - misses).isEqualTo(1.0);
    assertThat(count("cache.gets", "hit") - hits).isEqualTo(2.0);
    assertThat(meters.get("cache.puts").tag("cache", "products").functionCounter().count() - puts).isEqualTo(1.0);
  }

  private double count(String name, String result) {
    return meters.get(name).tag("cache", "products").tag("result", result).functionCounter().count();
  }

  @Test
  void theKeyedViewOfASpringManagedCache() throws Exception {
    @SuppressWarnings("unchecked")
    javax.cache.Cache<Object, Object> nativeCache =
        (javax.cache.Cache<Object, Object>) springCaches.getCache("products").getNativeCache();
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyed = nativeCache.unwrap(KeyedCache.class);

    keyed.put(CacheKey.of("banner"), "spring sale", Duration.ofHours(1));
    assertThat(keyed.get("banner")).isEqualTo("spring sale");

    AtomicInteger computations = new AtomicInteger();
    Function<Integer, String> stock = keyed.function("stock", Duration.ofMinutes(5), (Integer id) -> {
      computations.incrementAndGet();
      return "in stock: " + id;
    });
    assertThat(stock.apply(5)).isEqualTo("in stock: 5");
    assertThat(stock.apply(5)).isEqualTo("in stock: 5");
    assertThat(computations).hasValue(1);
    // the keyed entries live beside Spring's own in the one cache
    assertThat(nativeCache.containsKey(CacheKey.of("func", "stock", 5))).isTrue();
    keyed.deleteFunction("stock");
    assertThat(stock.apply(5)).isEqualTo("in stock: 5");
    assertThat(computations).hasValue(2);
  }
}
