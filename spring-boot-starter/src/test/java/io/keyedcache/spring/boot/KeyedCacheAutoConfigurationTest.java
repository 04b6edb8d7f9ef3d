package io.keyedcache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.KeyedCacheManager;
import io.keyedcache.redis.RedisServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The starter in application contexts as Spring Boot makes them: on the embedded tier, and on the shared tier with two
 * contexts (two instances of a service) on one redis-server, under the Lettuce and Netty versions that Spring Boot
 * 3.5 manages.
 */
class KeyedCacheAutoConfigurationTest {
  private static final AtomicInteger COMPUTED = new AtomicInteger();

  /** A service as an application writes it. */
  public static class Prices {
    @Cacheable("prices")
    public String price(int product) {
      COMPUTED.incrementAndGet();
      return "price of " + product;
    }
  }

  /** A bean that takes a cache's keyed view by the cache's name. */
  public static class Catalogue {
    final KeyedCache<String> products;

    Catalogue(@Qualifier("products") KeyedCache<String> products) {
      this.products = products;
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class Application {
    @Bean
    Prices prices() {
      return new Prices();
    }

    @Bean
    Catalogue catalogue(@Qualifier("products") KeyedCache<String> products) {
      return new Catalogue(products);
    }
  }

  private static ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(KeyedCacheAutoConfiguration.class, CacheAutoConfiguration.class,
            org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration.class))
        .withUserConfiguration(Application.class)
        .withPropertyValues("spring.cache.cache-names=prices,products");
  }

  @Test
  void onTheEmbeddedTierWithoutAnySetting() {
    runner().run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(javax.cache.CacheManager.class)).isInstanceOf(KeyedCacheManager.class);
      assertThat(context.getBean(org.springframework.cache.CacheManager.class)).isInstanceOf(JCacheCacheManager.class);
      int before = COMPUTED.get();
      Prices prices = context.getBean(Prices.class);
      assertThat(prices.price(1)).isEqualTo("price of 1");
      assertThat(prices.price(1)).isEqualTo("price of 1");
      assertThat(COMPUTED.get() - before).as("computed once").isEqualTo(1);
      KeyedCache<String> products = context.getBean(Catalogue.class).products;
      products.put(CacheKey.of("product", 1), "apple");
      assertThat(products.get("product", 1)).isEqualTo("apple");
      KeyedCache<String> onDemand = context.getBean(KeyedCaches.class).get("made-on-demand");
      onDemand.put(CacheKey.of("x"), "y");
      assertThat(context.getBean(javax.cache.CacheManager.class).getCache("made-on-demand")).isNotNull();
      assertThat(context.getBean(KeyedCacheHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
    });
  }

  @Test
  void springsJCacheConfigNamesTheFileWhenKeyedcacheUriIsNotSet() {
    runner().withPropertyValues("spring.cache.jcache.config=classpath:starter-caches.properties").run(context -> {
      assertThat(context).hasNotFailed();
      javax.cache.CacheManager manager = context.getBean(javax.cache.CacheManager.class);
      assertThat(manager.getURI().toString()).endsWith("starter-caches.properties");
      assertThat(manager.getCache("fromfile")).as("the file's cache").isNotNull();
      assertThat(manager.getCache("prices")).as("spring.cache.cache-names").isNotNull();
    });
  }

  @Test
  void twoInstancesShareTheirCachesOnRedisAndTheHealthFollowsTheServer() throws Exception {
    assertThat(io.lettuce.core.RedisClient.class.getProtectionDomain().getCodeSource().getLocation().toString())
        .as("the Lettuce that Spring Boot 3.5 manages").contains("6.6.0");
    try (RedisServer server = RedisServer.start()) {
      // a client name each: two managers, as two instances of the service would have
      ApplicationContextRunner firstInstance = instance(server, "first");
      ApplicationContextRunner secondInstance = instance(server, "second");
      firstInstance.run(first -> secondInstance.run(second -> {
        assertThat(first).hasNotFailed();
        int before = COMPUTED.get();
        assertThat(first.getBean(Prices.class).price(7)).isEqualTo("price of 7");
        assertThat(second.getBean(Prices.class).price(7)).isEqualTo("price of 7");
        assertThat(COMPUTED.get() - before).as("computed once for both instances").isEqualTo(1);

        KeyedCache<String> one = first.getBean(Catalogue.class).products;
        KeyedCache<String> other = second.getBean(Catalogue.class).products;
        one.put(CacheKey.of("product", 1), "apple");
        one.put(CacheKey.of("product", 1, "price"), "2.50");
        assertThat(other.get("product", 1, "price")).isEqualTo("2.50");
        other.deleteGroup("product", 1);
        assertThat(one.find(CacheKey.of("product", 1))).isEmpty();

        KeyedCacheHealthIndicator health = first.getBean(KeyedCacheHealthIndicator.class);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(health.health().getDetails()).containsEntry("tier", "shared").containsEntry("namespace", "boot");
        server.kill();
        until("the health to go down", () -> health.health().getStatus().equals(Status.DOWN));
        server.restart();
        until("the health to come up", () -> health.health().getStatus().equals(Status.UP));
      }));
    }
  }

  private static ApplicationContextRunner instance(RedisServer server, String name) {
    return runner().withPropertyValues("keyedcache.uri=" + server.uri() + "?client-name=" + name + "#boot",
        "keyedcache.properties.timeout=1000", "keyedcache.properties.reconnect-delay=100");
  }

  private static void until(String what, BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - until > 0) {
        throw new AssertionError("waited 20 s for " + what);
      }
      Thread.sleep(20);
    }
  }
}
