package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import io.keyedcache.provider.management.KeyedCacheMXBean;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Refresh ahead of expiry for a read-through cache ({@code refreshAfter}, the file's {@code refresh-after}) on the
 * embedded tier, with a ticker moved by hand and the background reloads run when the test says.
 */
class ReadThroughRefreshTest {
  private CacheManager manager;
  private final TestCaches.FakeTicker ticker = new TestCaches.FakeTicker();
  private final Queue<Runnable> background = new ArrayDeque<>();
  private final AtomicInteger loads = new AtomicInteger();
  private final AtomicBoolean failing = new AtomicBoolean();
  private final List<String> updates = new ArrayList<>();
  private final AtomicInteger writes = new AtomicInteger();
  private volatile Runnable duringLoad = () -> { };

  @BeforeEach
  void create() {
    manager = TestCaches.manager(ReadThroughRefreshTest.class);
  }

  @AfterEach
  void destroy() {
    manager.close();
  }

  private KeyedCacheConfiguration<String, String> config(javax.cache.expiry.ExpiryPolicy policy) {
    KeyedCacheConfiguration<String, String> config = new KeyedCacheConfiguration<String, String>()
        .ticker(ticker).executor(task -> {
          if (task.getClass().getName().contains("Reloads")) {
            background.add(task);
          } else {
            task.run();
          }
        }).refreshAfter(Duration.ofSeconds(5));
    // untyped, as a file's caches are by default: the keyed MXBean, which counts reloads, is for caches whose keys may
    // be CacheKeys
    config.setExpiryPolicyFactory(() -> policy);
    config.setReadThrough(true);
    config.setCacheLoaderFactory(() -> new CacheLoader<String, String>() {
      @Override
      public String load(String key) {
        duringLoad.run();
        if (failing.get()) {
          throw new IllegalStateException("price service down");
        }
        return key + " v" + loads.incrementAndGet();
      }

      @Override
      public java.util.Map<String, String> loadAll(Iterable<? extends String> keys) {
        throw new UnsupportedOperationException();
      }
    });
    return config;
  }

  private Cache<String, String> cache(javax.cache.expiry.ExpiryPolicy policy) {
    KeyedCacheConfiguration<String, String> config = config(policy);
    config.setWriteThrough(true);
    config.setCacheWriterFactory(() -> new CacheWriter<String, String>() {
      @Override
      public void write(Cache.Entry<? extends String, ? extends String> entry) {
        writes.incrementAndGet();
      }

      @Override
      public void writeAll(java.util.Collection<Cache.Entry<? extends String, ? extends String>> entries) {
        writes.addAndGet(entries.size());
      }

      @Override
      public void delete(Object key) {}

      @Override
      public void deleteAll(java.util.Collection<?> keys) {}
    });
    config.setStatisticsEnabled(true);
    config.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(new Updates(updates)), null, false, true));
    return manager.createCache("prices", config);
  }

  /** Records updates. */
  static final class Updates implements CacheEntryUpdatedListener<String, String>, java.io.Serializable {
    private final transient List<String> updates;

    Updates(List<String> updates) {
      this.updates = updates;
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(event -> updates.add(event.getOldValue() + " -> " + event.getValue()));
    }
  }

  @Test
  void afterTheRefreshPointAGetAnswersAtOnceAndOneReloadRunsInTheBackground() {
    Cache<String, String> prices = cache(new CreatedExpiryPolicy(new javax.cache.expiry.Duration(
        TimeUnit.SECONDS, 10)));
    assertThat(prices.get("a")).isEqualTo("a v1");
    ticker.advance(Duration.ofSeconds(4));
    assertThat(prices.get("a")).isEqualTo("a v1");
    assertThat(background).as("not due before the refresh point").isEmpty();

    ticker.advance(Duration.ofSeconds(2));
    assertThat(prices.get("a")).as("at once, the present value").isEqualTo("a v1");
    assertThat(prices.get("a")).isEqualTo("a v1");
    assertThat(background).as("one reload per key however many gets").hasSize(1);
    background.poll().run();
    assertThat(prices.get("a")).isEqualTo("a v2");
    assertThat(updates).as("listeners hear of the reload").containsExactly("a v1 -> a v2");
    assertThat(writes).as("a load is not written through").hasValue(0);
    assertThat(prices.unwrap(KeyedCacheMXBean.class).getRefreshes()).isEqualTo(1);

    // the reloaded value lives a full lifetime from the reload: 12 s after the first load it is still there
    ticker.advance(Duration.ofSeconds(6));
    assertThat(prices.get("a")).isEqualTo("a v2");
    assertThat(loads).as("no load on a get's path since the first").hasValue(2);
  }

  @Test
  void aFailedReloadKeepsTheValueUntilItExpiresThenAGetLoadsAsUsual() {
    Cache<String, String> prices = cache(new ModifiedExpiryPolicy(new javax.cache.expiry.Duration(
        TimeUnit.SECONDS, 10)));
    assertThat(prices.get("a")).isEqualTo("a v1");
    failing.set(true);
    ticker.advance(Duration.ofSeconds(6));
    assertThat(prices.get("a")).isEqualTo("a v1");
    background.poll().run();
    assertThat(prices.get("a")).as("kept").isEqualTo("a v1");
    assertThat(background).as("not again before the back-off").isEmpty();
    assertThat(prices.unwrap(KeyedCacheMXBean.class).getFailedRefreshes()).isEqualTo(1);
    ticker.advance(Duration.ofSeconds(5));
    failing.set(false);
    assertThat(prices.get("a")).as("expired: loaded on the get's path").isEqualTo("a v2");
  }

  @Test
  void anEntryRemovedWhileItReloadsStaysRemoved() {
    Cache<String, String> prices = cache(new CreatedExpiryPolicy(new javax.cache.expiry.Duration(
        TimeUnit.SECONDS, 10)));
    prices.get("a");
    ticker.advance(Duration.ofSeconds(6));
    prices.get("a");
    duringLoad = () -> prices.remove("a"); // another thread's removal, between the reload's start and its store
    background.poll().run();
    duringLoad = () -> { };
    assertThat(loads).as("the reload ran").hasValue(2);
    assertThat(prices.containsKey("a")).isFalse();
  }

  @Test
  void configurationsThatCannotRefreshAreRefusedByName() {
    KeyedCacheConfiguration<String, String> notReadThrough = config(new CreatedExpiryPolicy(
        new javax.cache.expiry.Duration(TimeUnit.SECONDS, 10)));
    notReadThrough.setReadThrough(false);
    assertThatThrownBy(() -> manager.createCache("a", notReadThrough)).hasMessageContaining("refresh-after")
        .hasMessageContaining("not read-through");
    assertThatThrownBy(() -> manager.createCache("b", config(new AccessedExpiryPolicy(
        new javax.cache.expiry.Duration(TimeUnit.SECONDS, 10))))).hasMessageContaining("created or modified");
    assertThatThrownBy(() -> manager.createCache("c", config(new CreatedExpiryPolicy(
        new javax.cache.expiry.Duration(TimeUnit.SECONDS, 5))))).hasMessageContaining("below expiry-duration");
    assertThat(manager.getCacheNames()).isEmpty();
  }
}
