package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Cache;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;

class ManagerTest {
  private final CachingProvider provider = Caching.getCachingProvider(KeyedCachingProvider.class.getName());

  @Test
  void oneManagerPerUriAndClassLoader() {
    ClassLoader loader = getClass().getClassLoader();
    URI a = URI.create("keyedcache:managers-a");
    URI b = URI.create("keyedcache:managers-b");
    CacheManager first = provider.getCacheManager(a, loader);
    try {
      assertThat(provider.getCacheManager(a, loader)).isSameAs(first);
      assertThat(provider.getCacheManager(b, loader)).isNotSameAs(first);
      ClassLoader other = new URLClassLoader(new URL[0], loader);
      assertThat(provider.getCacheManager(a, other)).isNotSameAs(first);
      provider.close(a, other);
    } finally {
      provider.close(a, loader);
      provider.close(b, loader);
    }
    assertThat(first.isClosed()).isTrue();
    CacheManager second = provider.getCacheManager(a, loader);
    assertThat(second).isNotSameAs(first);
    assertThat(second.isClosed()).isFalse();
    second.close();
  }

  @Test
  void defaultsAreUsedForNulls() {
    CacheManager manager = provider.getCacheManager(null, null, null);
    assertThat(manager.getURI()).isEqualTo(provider.getDefaultURI());
    assertThat(manager.getClassLoader()).isSameAs(provider.getDefaultClassLoader());
    assertThat(provider.getCacheManager()).isSameAs(manager);
  }

  @Test
  void cachesOfOneManagerAreNotSeenByAnother() {
    ClassLoader loader = getClass().getClassLoader();
    CacheManager a = provider.getCacheManager(URI.create("keyedcache:isolated-a"), loader);
    CacheManager b = provider.getCacheManager(URI.create("keyedcache:isolated-b"), loader);
    try {
      a.createCache("shared-name", new MutableConfiguration<String, String>()).put("k", "a");
      b.createCache("shared-name", new MutableConfiguration<String, String>()).put("k", "b");
      assertThat(a.<String, String>getCache("shared-name").get("k")).isEqualTo("a");
      assertThat(b.<String, String>getCache("shared-name").get("k")).isEqualTo("b");
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void unwrapGivesOurTypesAndTheCaffeineCache() {
    CacheManager manager = provider.getCacheManager(URI.create("keyedcache:unwrap"), getClass().getClassLoader());
    try {
      javax.cache.Cache<String, String> cache =
          manager.createCache("unwrap", new MutableConfiguration<String, String>());
      cache.put("k", "v");
      assertThat(manager.unwrap(KeyedCacheManager.class)).isSameAs(manager);
      assertThat(cache.unwrap(KeyedJCache.class)).isSameAs(cache);
      @SuppressWarnings("unchecked")
      Cache<String, String> caffeine = cache.unwrap(Cache.class);
      assertThat(caffeine.getIfPresent("k")).isEqualTo("v");
      assertThatThrownBy(() -> cache.unwrap(String.class))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.String");
      assertThatThrownBy(() -> manager.unwrap(String.class))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.String");
    } finally {
      manager.close();
    }
  }

  @Test
  void closingAManagerClosesItsCaches() {
    CacheManager manager = provider.getCacheManager(URI.create("keyedcache:closing"), getClass().getClassLoader());
    javax.cache.Cache<String, String> cache =
        manager.createCache("c", new MutableConfiguration<String, String>());
    manager.close();
    assertThat(cache.isClosed()).isTrue();
    assertThatThrownBy(() -> cache.get("k"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> manager.getCache("c"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }
}
