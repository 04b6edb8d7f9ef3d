package io.keyedcache.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.Test;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring's cache abstraction over keyedcache, configured by the properties file. */
class SpringCacheExampleTest {

  /** A service whose lookups Spring caches. */
  public static class Catalog {
    final AtomicInteger productLoads = new AtomicInteger();
    final AtomicInteger priceLoads = new AtomicInteger();

    @Cacheable("products")
    public String product(int id) {
      productLoads.incrementAndGet();
      return "product " + id;
    }

    /** {@code sync = true}: Spring goes through {@code Cache.invoke} with a value loader as argument. */
    @Cacheable(value = "prices", sync = true)
    public Double price(int id) {
      priceLoads.incrementAndGet();
      return id * 1.5;
    }

    /** Read through methods: the bean Spring hands out is a proxy, whose own fields are unset. */
    public int productLoads() {
      return productLoads.get();
    }

    public int priceLoads() {
      return priceLoads.get();
    }
  }

  @Configuration
  @EnableCaching
  static class Config {
    @Bean(destroyMethod = "close")
    CacheManager jcacheManager() {
      return Caching.getCachingProvider("io.keyedcache.provider.KeyedCachingProvider")
          .getCacheManager(URI.create("classpath:examples-caches.properties"), getClass().getClassLoader());
    }

    @Bean
    JCacheCacheManager cacheManager(CacheManager jcacheManager) {
      return new JCacheCacheManager(jcacheManager);
    }

    @Bean
    Catalog catalog() {
      return new Catalog();
    }
  }

  @Test
  void cacheableMethodsRunOncePerKey() {
    try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(Config.class)) {
      Catalog catalog = context.getBean(Catalog.class);
      for (int i = 0; i < 3; i++) {
        assertEquals("product 7", catalog.product(7));
        assertEquals(10.5, catalog.price(7));
      }
      assertEquals(1, catalog.productLoads());
      assertEquals(1, catalog.priceLoads());

      CacheManager jcache = context.getBean(CacheManager.class);
      assertTrue(jcache.getCache("products").containsKey(7));
      assertSame(jcache, context.getBean(JCacheCacheManager.class).getCacheManager());
    }
  }
}
