package io.keyedcache.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What docs/frameworks.md says of several Spring contexts on one configuration file: they share one manager, and
 * the context that closes first closes it for the others.
 */
class SharedManagerTest {

  private static ConfigurableApplicationContext start() {
    return new SpringApplicationBuilder(SpringBootExampleTest.Application.class)
        .web(WebApplicationType.NONE)
        .properties("spring.cache.jcache.provider=io.keyedcache.provider.KeyedCachingProvider",
            "spring.cache.jcache.config=classpath:config/boot-caches.properties",
            "spring.main.banner-mode=off")
        .run();
  }

  @Test
  void contextsOnOneFileShareOneManagerAndTheFirstToCloseClosesIt() {
    ConfigurableApplicationContext first = start();
    ConfigurableApplicationContext second = start();
    try {
      javax.cache.CacheManager manager = first.getBean(javax.cache.CacheManager.class);
      assertThat(second.getBean(javax.cache.CacheManager.class)).isSameAs(manager);
      first.close();
      assertThat(manager.isClosed()).isTrue();
    } finally {
      first.close();
      second.close();
    }
    // a context started afterwards gets a new manager on the same file
    try (ConfigurableApplicationContext third = start()) {
      assertThat(third.getBean(javax.cache.CacheManager.class).isClosed()).isFalse();
    }
  }
}
