package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ModifiedExpiryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Time-based expiry, with a ticker the test moves: no sleeping. */
class ExpiryTest {
  private final CacheManager manager = TestCaches.manager(ExpiryTest.class);
  private final TestCaches.FakeTicker ticker = new TestCaches.FakeTicker();

  @AfterEach
  void close() {
    manager.close();
  }

  private KeyedCacheConfiguration<String, String> config(javax.cache.configuration.Factory<
      ? extends javax.cache.expiry.ExpiryPolicy> policy) {
    KeyedCacheConfiguration<String, String> config =
        new KeyedCacheConfiguration<String, String>().ticker(ticker).executor(Runnable::run);
    config.setExpiryPolicyFactory(policy);
    return config;
  }

  @Test
  void createdExpiryPolicyExpiresAfterCreationRegardlessOfAccess() {
    Cache<String, String> cache = manager.createCache("created",
        config(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 1))));
    cache.put("k", "v");
    ticker.advance(java.time.Duration.ofSeconds(59));
    assertThat(cache.get("k")).isEqualTo("v");
    cache.put("k", "v2"); // an update does not extend a created-expiry entry
    ticker.advance(java.time.Duration.ofSeconds(2));
    assertThat(cache.get("k")).isNull();
    assertThat(cache.containsKey("k")).isFalse();
  }

  @Test
  void accessedExpiryPolicyExtendsOnRead() {
    Cache<String, String> cache = manager.createCache("accessed",
        config(AccessedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 1))));
    cache.put("k", "v");
    for (int i = 0; i < 5; i++) {
      ticker.advance(java.time.Duration.ofSeconds(50));
      assertThat(cache.get("k")).as("read %d", i).isEqualTo("v");
    }
    ticker.advance(java.time.Duration.ofSeconds(50));
    assertThat(cache.containsKey("k")).isTrue(); // containsKey is not an access
    ticker.advance(java.time.Duration.ofSeconds(11));
    assertThat(cache.get("k")).isNull();
  }

  @Test
  void modifiedExpiryPolicyExtendsOnUpdateOnly() {
    Cache<String, String> cache = manager.createCache("modified",
        config(ModifiedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 1))));
    cache.put("k", "v");
    ticker.advance(java.time.Duration.ofSeconds(50));
    cache.put("k", "v2");
    ticker.advance(java.time.Duration.ofSeconds(50));
    assertThat(cache.get("k")).isEqualTo("v2");
    ticker.advance(java.time.Duration.ofSeconds(11));
    assertThat(cache.get("k")).isNull();
  }

  @Test
  void expiredEntriesAreReportedToExpiryListeners() {
    ExpiredRecorder recorder = new ExpiredRecorder();
    KeyedCacheConfiguration<String, String> config =
        config(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.SECONDS, 10)));
    config.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(recorder), null, true, true));
    Cache<String, String> cache = manager.createCache("expiredEvents", config);
    cache.put("a", "1");
    cache.put("b", "2");
    ticker.advance(java.time.Duration.ofSeconds(11));
    // the read finds "a" expired and runs the store's maintenance (on this thread: the executor runs tasks in
    // place), which expires both; their events are delivered when it is done
    assertThat(cache.get("a")).isNull();

    assertThat(recorder.events).containsExactlyInAnyOrder("a=1(1)", "b=2(2)");
  }

  static final class ExpiredRecorder implements CacheEntryExpiredListener<String, String>, java.io.Serializable {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      for (CacheEntryEvent<? extends String, ? extends String> e : batch) {
        events.add(e.getKey() + "=" + e.getValue() + "(" + e.getOldValue() + ")");
      }
    }
  }

  @Test
  void zeroCreationDurationStoresNothing() {
    Cache<String, String> cache = manager.createCache("zero",
        config(CreatedExpiryPolicy.factoryOf(Duration.ZERO)));
    cache.put("k", "v");
    assertThat(cache.containsKey("k")).isFalse();
    assertThat(cache.unwrap(com.github.benmanes.caffeine.cache.Cache.class).asMap()).isEmpty();
  }

  /** On expiry, writes the key again: a refresh-on-expiry listener. */
  public static final class Rewriter implements CacheEntryExpiredListener<String, String>, java.io.Serializable {
    static volatile Cache<String, String> cache;
    static final List<String> EXPIRED = new CopyOnWriteArrayList<>();

    @Override
    public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> event : events) {
        EXPIRED.add(event.getKey() + "=" + event.getValue());
        cache.put(event.getKey(), "again");
      }
    }
  }

  @Test
  void aSynchronousExpiredListenerMayWriteTheExpiredKeyAgain() {
    Rewriter.EXPIRED.clear();
    KeyedCacheConfiguration<String, String> config =
        config(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.SECONDS, 1)));
    config.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(Rewriter.class), null, true, true));
    Rewriter.cache = manager.createCache("rewritten", config);
    Rewriter.cache.put("k", "v");
    ticker.advance(java.time.Duration.ofSeconds(2));
    assertThat(Rewriter.cache.get("k")).isNull();
    // the listener ran outside the store's lock: its write stands, and the expiry was seen once
    assertThat(Rewriter.cache.get("k")).isEqualTo("again");
    assertThat(Rewriter.EXPIRED).containsExactly("k=v");
  }
}
