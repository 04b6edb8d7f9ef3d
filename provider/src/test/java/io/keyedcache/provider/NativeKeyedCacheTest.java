package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.management.CacheStatisticsMXBean;
import org.junit.jupiter.api.Test;

/** The contract over our provider's native view, plus what only the native view promises. */
class NativeKeyedCacheTest extends KeyedCacheContract {
  private CacheManager manager;
  private TestCaches.FakeTicker ticker;

  @Override
  @SuppressWarnings("unchecked")
  void create() {
    manager = TestCaches.manager(NativeKeyedCacheTest.class);
    ticker = new TestCaches.FakeTicker();
    KeyedCacheConfiguration<Object, Object> config = new KeyedCacheConfiguration<>()
        .perEntryLifetimes(true).ticker(ticker).executor(Runnable::run);
    config.setStatisticsEnabled(true);
    cache = manager.createCache("keyed", config);
    keyed = cache.unwrap(KeyedCache.class);
  }

  @Override
  void destroy() {
    manager.close();
  }

  @Override
  void advance(Duration duration) {
    ticker.advance(duration);
  }

  private KeyedJCache<Object, Object> ours() {
    @SuppressWarnings("unchecked")
    KeyedJCache<Object, Object> ours = cache.unwrap(KeyedJCache.class);
    return ours;
  }

  private void assertIndexMatchesTheCache() {
    ours().unwrap(com.github.benmanes.caffeine.cache.Cache.class).cleanUp();
    Set<Object> cacheKeys = new HashSet<>();
    for (Object key : ours().unwrap(com.github.benmanes.caffeine.cache.Cache.class).asMap().keySet()) {
      if (key instanceof CacheKey) {
        cacheKeys.add(key);
      }
    }
    assertThat(new HashSet<Object>(TestCaches.indexedKeys(ours()))).isEqualTo(cacheKeys);
  }

  @Test
  void theNativeViewIsOnePerCache() {
    assertThat(keyed).isSameAs(cache.unwrap(KeyedCache.class));
    assertThat(KeyedCache.of(cache)).isSameAs(keyed);
    assertThat(keyed.getClass().getSimpleName()).isEqualTo("NativeKeyedCache");
  }

  @Test
  void thePrefixIndexFollowsPutsRemovalsExpiryAndClear() {
    for (int i = 0; i < 50; i++) {
      keyed.put(CacheKey.of("p", i), i);
      keyed.put(CacheKey.of("p", i, "child"), i);
    }
    cache.put("not a CacheKey", 1);
    assertIndexMatchesTheCache();
    assertThat(TestCaches.indexedKeys(ours())).hasSize(100);

    keyed.delete(CacheKey.of("p", 1));
    cache.remove(CacheKey.of("p", 2));
    cache.getAndRemove(CacheKey.of("p", 3));
    cache.invoke(CacheKey.of("p", 4), (entry, args) -> {
      entry.remove();
      return null;
    });
    keyed.deleteGroup("p", 5);
    assertIndexMatchesTheCache();
    assertThat(TestCaches.indexedKeys(ours())).hasSize(94);

    keyed.put(CacheKey.of("short"), "lived", Duration.ofSeconds(1));
    advance(Duration.ofSeconds(2));
    assertIndexMatchesTheCache();
    assertThat(TestCaches.indexedKeys(ours())).doesNotContain(CacheKey.of("short"));

    keyed.clear();
    assertIndexMatchesTheCache();
    assertThat(TestCaches.indexedKeys(ours())).isEmpty();
  }

  @Test
  void thePrefixIndexFollowsEviction() {
    KeyedCacheConfiguration<Object, Object> config =
        new KeyedCacheConfiguration<>().maximumSize(100).executor(Runnable::run);
    Cache<Object, Object> bounded = manager.createCache("bounded", config);
    @SuppressWarnings("unchecked")
    KeyedCache<Object> boundedKeyed = bounded.unwrap(KeyedCache.class);
    for (int i = 0; i < 1_000; i++) {
      boundedKeyed.put(CacheKey.of("e", i), i);
    }
    @SuppressWarnings("unchecked")
    KeyedJCache<Object, Object> ours = bounded.unwrap(KeyedJCache.class);
    ours.unwrap(com.github.benmanes.caffeine.cache.Cache.class).cleanUp();
    Set<Object> present = new HashSet<>(ours.unwrap(com.github.benmanes.caffeine.cache.Cache.class).asMap().keySet());
    assertThat(present).hasSize(100);
    assertThat(new HashSet<Object>(TestCaches.indexedKeys(ours))).isEqualTo(present);
    assertThat(boundedKeyed.deleteGroup("e")).hasSize(100);
  }

  @Test
  void jcacheStatisticsSeeKeyedOperations() {
    CacheStatisticsMXBean stats = ours().statistics();
    keyed.put(PRODUCT, "p");
    keyed.find(PRODUCT);
    keyed.find(CacheKey.of("absent"));
    keyed.deleteGroup(PRODUCT);
    assertThat(stats.getCachePuts()).isEqualTo(1);
    assertThat(stats.getCacheHits()).isEqualTo(1);
    assertThat(stats.getCacheMisses()).isEqualTo(1);
    assertThat(stats.getCacheRemovals()).isEqualTo(1);
  }

  @Test
  void groupDeletionWalksTheIndexNotTheCache() {
    for (int i = 0; i < 10_000; i++) {
      keyed.put(CacheKey.of("bulk", i), i);
    }
    keyed.put(PRODUCT.child("a"), "a");
    keyed.put(PRODUCT.child("b"), "b");
    long hitsBefore = ours().statistics().getCacheHits();

    assertThat(keyed.deleteGroup(PRODUCT)).hasSize(2);

    // Iterating the cache (what the portable view must do) would count a hit per entry.
    assertThat(ours().statistics().getCacheHits()).isEqualTo(hitsBefore);
    assertThat(ours().statistics().getCacheRemovals()).isEqualTo(2);
  }

  @Test
  void aCacheOfOtherKeysHasNoKeyedView() {
    Cache<String, String> strings = manager.createCache("strings",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    assertThatThrownBy(() -> strings.unwrap(KeyedCache.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.String").hasMessageContaining("CacheKey");
  }

  @Test
  void aTypedCacheOfCacheKeysHasOne() throws Exception {
    Cache<CacheKey, String> typed = manager.createCache("typed",
        new MutableConfiguration<CacheKey, String>().setTypes(CacheKey.class, String.class));
    KeyedCache<String> view = KeyedCache.of(typed);
    view.put(PRODUCT, "p");
    assertThat(view.get(PRODUCT)).isEqualTo("p");
  }

  /** The README's typed way to the keyed view: the value type carried through, a typed lambda chained on it. */
  @Test
  void ofGivesTheNativeViewTypedByTheCachesValueType() {
    Cache<CacheKey, Integer> lengths = manager.createCache("typed-view",
        new MutableConfiguration<CacheKey, Integer>().setTypes(CacheKey.class, Integer.class));
    KeyedCache<Integer> typed = KeyedCache.of(lengths);
    assertThat(typed).isSameAs(lengths.unwrap(KeyedCache.class));
    java.util.function.Function<String, Integer> length =
        KeyedCache.of(lengths).function("length", null, (String text) -> text.length());
    int computed = length.apply("apple");
    assertThat(computed).isEqualTo(5);
    Integer read = typed.find("func", "length", "apple").orElseThrow();
    assertThat(read).isEqualTo(5);
  }
}
