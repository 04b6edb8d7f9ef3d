package io.keyedcache.provider.caffeine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.Weigher;
import io.keyedcache.CacheKey;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import io.keyedcache.provider.store.Step;
import io.keyedcache.provider.store.Store;
import io.keyedcache.provider.store.StoreFactory;
import io.keyedcache.provider.store.StoreOwner;
import io.keyedcache.provider.store.StoreSettings;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The embedded tier's {@link Store}: the entries in one Caffeine cache, with no wrapper around them.
 *
 * <p>A step is one {@code compute} of Caffeine's map, so it runs once, under the entry's lock. An expiring store is
 * built with Caffeine's variable expiry and hands each step's lifetime to it ({@link VariableExpiry}); any other
 * store is built without it, so that its reads and writes cost what Caffeine's do, and keeps a lifetime that a step
 * gives anyway in a {@link Timed} envelope around that one value. {@link CacheKey} keys are kept in a
 * {@link PrefixIndex} in the same steps, when the settings ask for it.
 *
 * <p>Thread-safe. {@link #unwrap} gives the Caffeine cache, whose values are the stored values or envelopes.
 */
public final class CaffeineStore<K, V> implements Store<K, V> {
  /** Makes Caffeine stores. */
  public static final StoreFactory FACTORY = CaffeineStore::new;

  /** Lifetimes from here on are kept as no lifetime: deadlines must stay comparable by difference. */
  private static final long LONGEST = Long.MAX_VALUE / 4;

  private final Cache<K, Object> cache;
  private final StoreOwner<K, V> owner;
  private final boolean expiring;
  private final PrefixIndex index;
  private final Ticker ticker;
  /** The envelopes' deadlines; {@code null} until the first envelope. */
  private volatile Deadlines<K, V> deadlines;

  private CaffeineStore(StoreSettings<K, V> settings, StoreOwner<K, V> owner) {
    KeyedCacheConfiguration<K, V> configuration = settings.configuration();
    this.owner = owner;
    this.expiring = settings.expiring();
    this.index = settings.indexed() ? new PrefixIndex() : null;
    this.ticker = configuration.getTicker() == null ? Ticker.systemTicker() : configuration.getTicker();
    Executor executor = settings.executor();
    // What the owner needs after maintenance (expiry events to deliver outside Caffeine's locks) and the envelopes
    // that are due run when the task is done; otherwise the task goes as Caffeine gives it (no object per task).
    Executor maintenance = task -> executor.execute(deadlines == null && !owner.watchesMaintenance() ? task : () -> {
      try {
        task.run();
      } finally {
        expireDue();
        owner.afterMaintenance();
      }
    });
    Caffeine<Object, Object> builder = Caffeine.newBuilder().executor(maintenance);
    if (configuration.getTicker() != null) {
      builder.ticker(configuration.getTicker());
    }
    configuration.getMaximumSize().ifPresent(builder::maximumSize);
    if (configuration.getMaximumWeight().isPresent()) {
      @SuppressWarnings("unchecked")
      Weigher<Object, Object> weigher = (Weigher<Object, Object>) configuration.getWeigher();
      builder.maximumWeight(configuration.getMaximumWeight().getAsLong())
          .weigher((key, value) -> weigher.weigh(key, value instanceof Timed ? ((Timed<?, ?>) value).value : value));
    }
    if (expiring) {
      builder.expireAfter(new VariableExpiry(owner));
    }
    this.cache = builder.<K, Object>evictionListener(this::onEviction).build();
  }

  private void onEviction(K key, Object stored, RemovalCause cause) {
    if (isIndexed(key)) {
      index.remove((CacheKey) key);
    }
    if (cause == RemovalCause.EXPIRED) {
      owner.expired(key, valueOf(stored));
    } else {
      owner.evicted(key, valueOf(stored));
    }
  }

  // ---------------------------------------------------------------------------------------------- reads

  @Override
  @SuppressWarnings("unchecked")
  public V peek(K key) {
    Object stored = cache.getIfPresent(key);
    // Until the first envelope the value is not looked at: reading its class would touch the value's memory,
    // which Caffeine's own read never does. (An envelope is published after this field is set.)
    if (deadlines == null || !(stored instanceof Timed)) {
      return (V) stored;
    }
    Timed<K, V> timed = timed(stored);
    return timed.isLive(ticker.read()) ? timed.value : null;
  }

  @Override
  public V read(K key) {
    if (!expiring) {
      Object stored = cache.getIfPresent(key);
      if (deadlines == null) {
        @SuppressWarnings("unchecked")
        V value = (V) stored;
        return value;
      }
      V value = stored instanceof Timed ? liveOrExpire(key, timed(stored)) : valueOf(stored);
      expireDue();
      return value;
    }
    VariableExpiry.nextIsAccess();
    try {
      return valueOf(cache.getIfPresent(key));
    } finally {
      VariableExpiry.clear();
    }
  }

  @Override
  public long remainingNanos(K key) {
    Object stored = cache.asMap().get(key);
    if (stored == null) {
      return -1;
    }
    if (stored instanceof Timed) {
      long left = timed(stored).deadline - ticker.read();
      return left > 0 ? left : -1;
    }
    if (expiring) {
      return cache.policy().expireVariably().map(policy -> policy.getExpiresAfter(key, TimeUnit.NANOSECONDS)
          .orElse(-1)).orElse(Long.MAX_VALUE);
    }
    return Long.MAX_VALUE;
  }

  @Override
  public boolean contains(K key) {
    // containsKey is not a read for Caffeine's eviction policy; the value is looked at only for envelopes
    boolean present = cache.asMap().containsKey(key);
    if (!present || deadlines == null) {
      return present;
    }
    Object stored = cache.asMap().get(key);
    return stored instanceof Timed ? timed(stored).isLive(ticker.read()) : stored != null;
  }

  // ---------------------------------------------------------------------------------------------- plain writes

  @Override
  public void put(K key, V value) {
    if (isIndexed(key)) {
      cache.asMap().compute(key, (k, old) -> {
        if (old == null) {
          index.add((CacheKey) k);
        }
        return value;
      });
    } else {
      cache.put(key, value);
    }
  }

  @Override
  public V putIfAbsent(K key, V value) {
    if (!isIndexed(key)) {
      return valueOf(cache.asMap().putIfAbsent(key, value));
    }
    Object[] present = new Object[1];
    cache.asMap().compute(key, (k, old) -> {
      if (old != null) {
        present[0] = old;
        return old;
      }
      index.add((CacheKey) k);
      return value;
    });
    return valueOf(present[0]);
  }

  @Override
  public V remove(K key) {
    if (!isIndexed(key)) {
      return valueOf(cache.asMap().remove(key));
    }
    Object[] removed = new Object[1];
    cache.asMap().computeIfPresent(key, (k, old) -> {
      removed[0] = old;
      index.remove((CacheKey) k);
      return null;
    });
    return valueOf(removed[0]);
  }

  // ---------------------------------------------------------------------------------------------- steps

  @Override
  public <S extends Step<V>> S apply(K key, S step) {
    try {
      cache.asMap().compute(key, (k, stored) -> {
        Timed<K, V> timed = stored instanceof Timed ? timed(stored) : null;
        boolean expired = timed != null && !timed.isLive(ticker.read());
        V present = expired ? null : valueOf(stored);
        V next = step.decide(present);
        long lifetime = next == null ? 0L : step.lifetime();
        step.commit();
        if (expired) {
          owner.expired(k, timed.value);
        }
        if (next == null) {
          if (stored != null && isIndexed(k)) {
            index.remove((CacheKey) k);
          }
          return null;
        }
        if (stored == null && isIndexed(k)) {
          index.add((CacheKey) k);
        }
        if (expiring) {
          VariableExpiry.next(lifetime);
          return next;
        }
        if (next == present && !expired) {
          return stored; // kept as it is, envelope and all
        }
        return wrap(k, next, lifetime, expired ? null : timed);
      });
    } finally {
      if (expiring) {
        VariableExpiry.clear();
      }
    }
    if (deadlines != null) {
      expireDue();
    }
    return step;
  }

  /** The stored form of a new value on a store without variable expiry. */
  private Object wrap(K key, V value, long lifetime, Timed<K, V> replaced) {
    if (lifetime == Step.UNCHANGED) {
      // an update keeps the lifetime the entry had
      return replaced == null ? value : track(new Timed<>(key, value, replaced.deadline));
    }
    if (lifetime == Step.ETERNAL || lifetime >= LONGEST) {
      return value;
    }
    return track(new Timed<>(key, value, ticker.read() + lifetime));
  }

  private Timed<K, V> track(Timed<K, V> timed) {
    Deadlines<K, V> queue = deadlines;
    if (queue == null) {
      synchronized (this) {
        queue = deadlines;
        if (queue == null) {
          queue = new Deadlines<>();
          deadlines = queue;
        }
      }
    }
    queue.add(timed);
    return timed;
  }

  /** The envelope's value, or {@code null} after removing the entry if its deadline has passed. */
  private V liveOrExpire(K key, Timed<K, V> timed) {
    if (timed.isLive(ticker.read())) {
      return timed.value;
    }
    expire(key, timed);
    return null;
  }

  /** Removes the entry if {@code timed} is still its value, and tells the owner it expired. */
  private void expire(K key, Timed<K, V> timed) {
    boolean[] removed = new boolean[1];
    cache.asMap().computeIfPresent(key, (k, stored) -> {
      if (stored != timed) {
        return stored;
      }
      removed[0] = true;
      if (isIndexed(k)) {
        index.remove((CacheKey) k);
      }
      owner.expired(k, timed.value);
      return null;
    });
  }

  /** Removes the envelopes whose deadlines have passed; called outside Caffeine's locks. */
  private void expireDue() {
    Deadlines<K, V> queue = deadlines;
    if (queue == null) {
      return;
    }
    long now = ticker.read();
    if (!queue.mayBeDue(now)) {
      return;
    }
    for (Timed<K, V> due = queue.pollDue(now); due != null; due = queue.pollDue(now)) {
      expire(due.key, due);
    }
  }

  // ---------------------------------------------------------------------------------------------- the rest

  @Override
  public void touch(K key, long lifetime) {
    if (expiring && lifetime != Step.UNCHANGED) {
      cache.policy().expireVariably().ifPresent(
          policy -> policy.setExpiresAfter(key, lifetime, TimeUnit.NANOSECONDS));
    }
  }

  @Override
  public Iterator<Map.Entry<K, V>> iterator() {
    Iterator<Map.Entry<K, Object>> entries = cache.asMap().entrySet().iterator();
    return new Iterator<>() {
      private Map.Entry<K, V> next;

      @Override
      public boolean hasNext() {
        while (next == null && entries.hasNext()) {
          Map.Entry<K, Object> entry = entries.next();
          Object stored = entry.getValue();
          if (!(stored instanceof Timed) || timed(stored).isLive(ticker.read())) {
            next = new AbstractMap.SimpleImmutableEntry<>(entry.getKey(), valueOf(stored));
          }
        }
        return next != null;
      }

      @Override
      public Map.Entry<K, V> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Map.Entry<K, V> entry = next;
        next = null;
        return entry;
      }
    };
  }

  @Override
  public Set<K> keys() {
    return new LinkedHashSet<>(cache.asMap().keySet());
  }

  @Override
  public long estimatedSize() {
    return cache.estimatedSize();
  }

  @Override
  public void clear() {
    if (index == null || index.isEmpty()) {
      cache.invalidateAll();
      return;
    }
    // Key by key, so that each key leaves the index in the same step as it leaves the cache.
    for (K key : cache.asMap().keySet()) {
      remove(key);
    }
  }

  @Override
  public List<CacheKey> group(CacheKey key) {
    if (index == null) {
      throw new UnsupportedOperationException("This store keeps no index of CacheKey keys");
    }
    return index.group(key);
  }

  /** The keys the prefix index holds, for checks; empty when the store keeps no index. */
  public List<CacheKey> indexedKeys() {
    return index == null ? List.of() : index.keys();
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    return type.isInstance(cache) ? type.cast(cache) : null;
  }

  @Override
  public void close() {
    cache.invalidateAll();
    Deadlines<K, V> queue = deadlines;
    if (queue != null) {
      queue.clear();
    }
  }

  private boolean isIndexed(Object key) {
    return index != null && key instanceof CacheKey;
  }

  @SuppressWarnings("unchecked")
  private static <K, V> Timed<K, V> timed(Object stored) {
    return (Timed<K, V>) stored;
  }

  @SuppressWarnings("unchecked")
  private V valueOf(Object stored) {
    return stored instanceof Timed ? ((Timed<K, V>) stored).value : (V) stored;
  }

  @Override
  public String toString() {
    return "CaffeineStore" + (expiring ? "[expiring]" : "");
  }
}
