package io.keyedcache.provider.caffeine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.CacheKey;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import io.keyedcache.provider.store.Step;
import io.keyedcache.provider.store.Store;
import io.keyedcache.provider.store.StoreOwner;
import io.keyedcache.provider.store.StoreSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The Caffeine store on its own, through the seam: what the JCache layer relies on, without the layer. Time comes
 * from a ticker the test moves.
 */
class CaffeineStoreTest {
  private static final CacheKey PRODUCT = CacheKey.of("product", 1);
  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Owner owner = new Owner();

  /** Records what the store tells it; lifetimes after reads and at creation are "unchanged" and "eternal". */
  static final class Owner implements StoreOwner<Object, Object> {
    final List<String> told = new ArrayList<>();
    long afterRead = Step.UNCHANGED;

    @Override
    public void expired(Object key, Object value) {
      told.add("expired " + key + "=" + value);
    }

    @Override
    public void evicted(Object key, Object value) {
      told.add("evicted " + key + "=" + value);
    }

    @Override
    public boolean watchesMaintenance() {
      return false;
    }

    @Override
    public void afterMaintenance() {}

    @Override
    public long lifetimeAfterRead() {
      return afterRead;
    }

    @Override
    public long lifetimeAtCreation() {
      return Step.ETERNAL;
    }
  }

  /** A step that stores a value (or keeps the present one, or removes it) with a lifetime, and records it ran. */
  static class Put implements Step<Object> {
    private final Object value;
    private final long lifetime;
    Object seen;
    int commits;

    Put(Object value, long lifetime) {
      this.value = value;
      this.lifetime = lifetime;
    }

    @Override
    public Object decide(Object present) {
      seen = present;
      return value == KEEP ? present : value;
    }

    @Override
    public long lifetime() {
      return lifetime;
    }

    @Override
    public void commit() {
      commits++;
    }
  }

  static final Object KEEP = new Object();

  private Store<Object, Object> store(boolean expiring) {
    KeyedCacheConfiguration<Object, Object> configuration = new KeyedCacheConfiguration<Object, Object>()
        .ticker(now::get).executor(Runnable::run);
    return CaffeineStore.FACTORY.create(new StoreSettings<>("test", configuration, Runnable::run, expiring, true),
        owner);
  }

  private void advance(long nanos) {
    now.addAndGet(nanos);
  }

  @Test
  void plainWritesKeepTheIndexInStep() {
    Store<Object, Object> store = store(false);
    store.put(PRODUCT, "a");
    store.put("plain", "p");
    assertThat(store.putIfAbsent(PRODUCT.child("x"), "x")).isNull();
    assertThat(store.putIfAbsent(PRODUCT.child("x"), "y")).isEqualTo("x");
    assertThat(store.group(PRODUCT)).containsExactly(PRODUCT, PRODUCT.child("x"));
    assertThat(store.remove(PRODUCT)).isEqualTo("a");
    assertThat(store.remove(PRODUCT)).isNull();
    assertThat(store.group(PRODUCT)).containsExactly(PRODUCT.child("x"));
    assertThat(store.keys()).containsExactlyInAnyOrder("plain", PRODUCT.child("x"));
    assertThat(store.peek(PRODUCT.child("x"))).isEqualTo("x");
    assertThat(store.contains("plain")).isTrue();
    store.clear();
    assertThat(store.group(PRODUCT)).isEmpty();
    assertThat(store.keys()).isEmpty();
  }

  @Test
  void aStepThatKeepsThePresentValueLeavesTheEntryAndItsLifetime() {
    Store<Object, Object> store = store(false);
    store.apply(PRODUCT, new Put("a", 10 * SECOND));
    Put keep = store.apply(PRODUCT, new Put(KEEP, Step.UNCHANGED));
    assertThat(keep.seen).isEqualTo("a");
    assertThat(keep.commits).isOne();
    assertThat(store.peek(PRODUCT)).isEqualTo("a");
    assertThat(store.group(PRODUCT)).containsExactly(PRODUCT);
    advance(10 * SECOND);
    assertThat(store.read(PRODUCT)).as("kept with its deadline").isNull();
    assertThat(owner.told).containsExactly("expired product::1=a");
  }

  @Test
  void aStepThatDecidesNothingRemovesTheEntryAndItsIndexEntry() {
    Store<Object, Object> store = store(false);
    store.apply(PRODUCT, new Put("a", Step.UNCHANGED));
    Put remove = store.apply(PRODUCT, new Put(null, 0));
    assertThat(remove.seen).isEqualTo("a");
    assertThat(store.peek(PRODUCT)).isNull();
    assertThat(store.group(PRODUCT)).isEmpty();
  }

  @Test
  void aCommitThatThrowsAppliesNothing() {
    Store<Object, Object> store = store(false);
    store.put(PRODUCT, "a");
    Put failing = new Put("b", Step.UNCHANGED) {
      @Override
      public void commit() {
        throw new IllegalStateException("writer failed");
      }
    };
    assertThatThrownBy(() -> store.apply(PRODUCT, failing)).hasMessage("writer failed");
    assertThat(store.peek(PRODUCT)).isEqualTo("a");
  }

  @Test
  void anEnvelopeLivesUntilItsDeadlineOnEveryReadPath() {
    Store<Object, Object> store = store(false);
    store.apply(PRODUCT, new Put("a", 10 * SECOND));
    advance(10 * SECOND - 1);
    assertThat(store.peek(PRODUCT)).isEqualTo("a");
    assertThat(store.contains(PRODUCT)).isTrue();
    advance(1);
    assertThat(store.peek(PRODUCT)).isNull();
    assertThat(store.contains(PRODUCT)).isFalse();
    assertThat(iterate(store)).isEmpty();
    assertThat(owner.told).as("peek, contains and iteration only look").isEmpty();
    assertThat(store.read(PRODUCT)).isNull();
    assertThat(owner.told).containsExactly("expired product::1=a");
    assertThat(store.group(PRODUCT)).isEmpty();
    assertThat(store.keys()).isEmpty();
  }

  @Test
  void dueEnvelopesAreRemovedInDeadlineOrderByAReadOfAnotherKey() {
    Store<Object, Object> store = store(false);
    store.apply(CacheKey.of("late"), new Put("l", 20 * SECOND));
    store.apply(CacheKey.of("early"), new Put("e", 10 * SECOND));
    store.put("other", "o");
    advance(15 * SECOND);
    assertThat(store.read("other")).isEqualTo("o");
    assertThat(owner.told).containsExactly("expired early=e");
    assertThat(store.peek(CacheKey.of("late"))).isEqualTo("l");
    advance(5 * SECOND);
    store.read("other");
    assertThat(owner.told).containsExactly("expired early=e", "expired late=l");
  }

  @Test
  void aStepOnAnExpiredEnvelopeSeesNoValueAndTheOwnerIsToldOfTheExpiry() {
    Store<Object, Object> store = store(false);
    store.apply(PRODUCT, new Put("old", 10 * SECOND));
    advance(10 * SECOND);
    Put put = store.apply(PRODUCT, new Put("new", Step.UNCHANGED));
    assertThat(put.seen).isNull();
    assertThat(owner.told).containsExactly("expired product::1=old");
    advance(Duration.ofDays(365).toNanos());
    assertThat(store.read(PRODUCT)).as("a new entry, without the old deadline").isEqualTo("new");
  }

  @Test
  void anUpdateKeepsTheDeadlineAndAnEternalOneDropsIt() {
    Store<Object, Object> store = store(false);
    store.apply(PRODUCT, new Put("a", 10 * SECOND));
    store.apply(PRODUCT, new Put("b", Step.UNCHANGED));
    advance(5 * SECOND);
    store.apply(PRODUCT, new Put("c", Step.ETERNAL));
    advance(10 * SECOND);
    assertThat(store.read(PRODUCT)).isEqualTo("c");
    assertThat(owner.told).as("the replaced envelopes' deadlines came and found nothing").isEmpty();
  }

  @Test
  void anExpiringStoreKeepsLifetimesInCaffeineAndTouchChangesThem() {
    Store<Object, Object> store = store(true);
    store.apply(PRODUCT, new Put("a", 10 * SECOND));
    store.touch(PRODUCT, 100 * SECOND);
    advance(50 * SECOND);
    assertThat(store.read(PRODUCT)).isEqualTo("a");
    owner.afterRead = SECOND;
    assertThat(store.read(PRODUCT)).as("the read gives it the owner's lifetime after reads").isEqualTo("a");
    advance(SECOND);
    assertThat(store.read(PRODUCT)).isNull();
    assertThat(owner.told).containsExactly("expired product::1=a");
    assertThat(store.group(PRODUCT)).isEmpty();
  }

  @Test
  void unwrapGivesTheStoreAndTheCaffeineCacheOnly() {
    Store<Object, Object> store = store(false);
    assertThat(store.unwrap(CaffeineStore.class)).isSameAs(store);
    assertThat(store.unwrap(com.github.benmanes.caffeine.cache.Cache.class)).isNotNull();
    assertThat(store.unwrap(String.class)).isNull();
  }

  private static List<Object> iterate(Store<Object, Object> store) {
    List<Object> keys = new ArrayList<>();
    for (java.util.Iterator<Map.Entry<Object, Object>> it = store.iterator(); it.hasNext(); ) {
      keys.add(it.next().getKey());
    }
    return keys;
  }
}
