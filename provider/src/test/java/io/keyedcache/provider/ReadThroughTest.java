package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Read-through loads: once per key however many threads miss it, outside the store's locks. */
class ReadThroughTest {
  private final CacheManager manager = TestCaches.manager(ReadThroughTest.class);

  @AfterEach
  void close() {
    manager.close();
  }

  /** A loader whose behaviour the test sets through a static hook (loaders are built from a factory). */
  public static final class HookLoader implements CacheLoader<String, String> {
    static volatile Function<String, String> hook;

    @Override
    public String load(String key) {
      return hook.apply(key);
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      throw new UnsupportedOperationException();
    }
  }

  private Cache<String, String> cache(String name) {
    return manager.createCache(name, new MutableConfiguration<String, String>()
        .setCacheLoaderFactory(FactoryBuilder.factoryOf(HookLoader.class)).setReadThrough(true));
  }

  @Test
  void concurrentMissesShareOneLoad() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    HookLoader.hook = key -> {
      loads.incrementAndGet();
      KeyedCacheContract.sleep(300);
      return "loaded " + key;
    };
    Cache<String, String> cache = cache("shared");
    List<Object> results = KeyedCacheContract.runConcurrently(16, () -> cache.get("k"));
    assertThat(results).hasSize(16).containsOnly("loaded k");
    assertThat(loads).hasValue(1);
  }

  @Test
  void aFailingLoadReachesEveryWaiterAndTheNextReadLoadsAgain() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    HookLoader.hook = key -> {
      loads.incrementAndGet();
      KeyedCacheContract.sleep(300);
      throw new IllegalStateException("database down");
    };
    Cache<String, String> cache = cache("failing");
    List<Object> outcomes = KeyedCacheContract.runConcurrently(16, () -> {
      try {
        return cache.get("k");
      } catch (CacheLoaderException e) {
        return e.getCause().getMessage();
      }
    });
    assertThat(outcomes).containsOnly("database down");
    assertThat(cache.containsKey("k")).isFalse();
    int before = loads.get();
    HookLoader.hook = key -> "recovered";
    assertThat(cache.get("k")).isEqualTo("recovered");
    assertThat(before).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aLoaderReadingItsOwnKeyFailsInsteadOfWaitingForever() {
    Cache<String, String> cache = cache("recursive");
    HookLoader.hook = key -> cache.get(key);
    assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        assertThatThrownBy(() -> cache.get("k")).isInstanceOf(CacheLoaderException.class)
            .hasMessageContaining("it is loading"));
  }
}
