package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import org.junit.jupiter.api.Test;

/**
 * The keyed contract over the native view of a cache that was not asked for per-entry lifetimes (eternal policy,
 * no {@code perEntryLifetimes}): its store keeps no lifetimes, so an entry given its own carries it with its value.
 */
class PlainNativeKeyedCacheTest extends KeyedCacheContract {
  private CacheManager manager;
  private TestCaches.FakeTicker ticker;

  @Override
  @SuppressWarnings("unchecked")
  void create() {
    manager = TestCaches.manager(PlainNativeKeyedCacheTest.class);
    ticker = new TestCaches.FakeTicker();
    KeyedCacheConfiguration<Object, Object> config = new KeyedCacheConfiguration<>().ticker(ticker)
        .executor(Runnable::run);
    config.setStatisticsEnabled(true);
    cache = manager.createCache("plain", config);
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

  /** Expired-listeners record what they are told. */
  public static final class Expirations implements CacheEntryExpiredListener<Object, Object>, java.io.Serializable {
    static final List<Object> KEYS = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onExpired(Iterable<CacheEntryEvent<?, ?>> events) {
      for (CacheEntryEvent<?, ?> event : events) {
        KEYS.add(event.getKey());
      }
    }
  }

  private void listenForExpiries() {
    Expirations.KEYS.clear();
    cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(Expirations.class), null, true, true));
  }

  @Test
  void anEntryWithItsOwnLifetimeExpiresWithAnEventAndLeavesTheIndex() {
    listenForExpiries();
    keyed.put(PRODUCT, "short", Duration.ofSeconds(10));
    keyed.put(PRODUCT.child("reviews"), "for ever");
    ticker.advance(Duration.ofSeconds(9));
    assertThat(cache.get(PRODUCT)).isEqualTo("short");
    ticker.advance(Duration.ofSeconds(1));
    // another key's operation is enough: the store drops what is due after each step
    cache.put(CacheKey.of("other"), "x");
    assertThat(Expirations.KEYS).containsExactly(PRODUCT);
    KeyedJCache<?, ?> ours = cache.unwrap(KeyedJCache.class);
    assertThat(TestCaches.indexedKeys(ours)).containsExactlyInAnyOrder(PRODUCT.child("reviews"), CacheKey.of("other"));
    assertThat(cache.get(PRODUCT)).isNull();
    assertThat(keyed.get(PRODUCT.child("reviews"), null)).isEqualTo("for ever");
  }

  @Test
  void aWriteOfAnEntryWhoseOwnLifetimePassedSeesItExpiredAndCreatesANewOne() {
    listenForExpiries();
    keyed.put(PRODUCT, "old", Duration.ofSeconds(10));
    ticker.advance(Duration.ofSeconds(10));
    assertThat(cache.getAndPut(PRODUCT, "new")).as("the expired value is not the previous one").isNull();
    assertThat(Expirations.KEYS).containsExactly(PRODUCT);
    ticker.advance(Duration.ofDays(1));
    assertThat(cache.get(PRODUCT)).as("the new entry lives by the cache's policy: eternal").isEqualTo("new");
  }

  @Test
  void aPlainPutAfterwardsKeepsTheLifetimeAsAnUpdateUnderAnEternalPolicyDoes() {
    keyed.put(PRODUCT, "first", Duration.ofSeconds(10));
    cache.put(PRODUCT, "second");
    ticker.advance(Duration.ofSeconds(10));
    assertThat(cache.get(PRODUCT)).isNull();
    keyed.put(PRODUCT, "third", Duration.ofSeconds(10));
    keyed.put(PRODUCT, "fourth");
    ticker.advance(Duration.ofSeconds(9));
    assertThat(cache.get(PRODUCT)).isEqualTo("fourth");
  }
}
