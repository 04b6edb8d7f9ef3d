package io.keyedcache.provider;

import io.keyedcache.provider.store.Plan;

/**
 * Creates or updates an entry: {@code put}, {@code putIfAbsent}, {@code putAll}'s entries and stored loads. A new
 * entry whose creation lifetime is zero is not stored.
 */
final class Upsert<K, V> extends Change<K, V> {
  /** For {@link #lifetime}: ask the expiry policy. */
  static final long ASK_POLICY = Long.MIN_VALUE;

  private final K storedKey;
  private final V value;
  private final V storedValue;
  private final boolean writeThrough;
  private final boolean replace;
  private final long fixedLifetime;
  private boolean stored;

  /**
   * @param storedKey the key as it is stored (a copy for store-by-value)
   * @param value the value as the caller gave it
   * @param storedValue the value as it is stored (a copy for store-by-value)
   * @param writeThrough whether the writer gets the entry (only when it is absent, unless {@code replace})
   * @param replace whether a present value is replaced; else it is kept as it is
   * @param fixedLifetime the entry's lifetime in nanoseconds, or {@link #ASK_POLICY}
   */
  Upsert(KeyedJCache<K, V> cache, K key, K storedKey, V value, V storedValue, boolean writeThrough,
      boolean replace, long fixedLifetime) {
    super(cache, key);
    this.storedKey = storedKey;
    this.value = value;
    this.storedValue = storedValue;
    this.writeThrough = writeThrough;
    this.replace = replace;
    this.fixedLifetime = fixedLifetime;
  }

  @Override
  public V decide(V present) {
    this.present = present;
    stored = false;
    if (present != null && !replace) {
      lifetime = UNCHANGED;
      return present;
    }
    long life = fixedLifetime != ASK_POLICY ? fixedLifetime
        : (present == null ? cache.expiry.forCreation() : cache.expiry.forUpdate());
    if (present == null && life == 0L) {
      return null; // expired before it was ever in the cache
    }
    lifetime = life;
    stored = true;
    return storedValue;
  }

  @Override
  public void commit() {
    if (writeThrough && cache.writer != null && (replace || present == null)) {
      cache.writer.write(new CacheEntry<>(key, value));
    }
    if (batch != null && stored) {
      if (present == null) {
        batch.created(key, value);
      } else {
        batch.updated(key, value, present);
      }
    }
  }

  @Override
  public Plan<V> plan() {
    boolean fixed = fixedLifetime != ASK_POLICY;
    boolean writes = writeThrough && cache.writer != null;
    if (writes || !(fixed || plannable(false))) {
      return null;
    }
    long creation = fixed ? fixedLifetime : cache.expiry.forCreation();
    long update = fixed ? fixedLifetime : cache.expiry.forUpdate();
    return new Plan<>(replace ? Plan.Kind.PUT : Plan.Kind.PUT_IF_ABSENT, storedValue, null, creation, update,
        UNCHANGED);
  }

  @Override
  K storedKey() {
    return storedKey;
  }

  V storedValue() {
    return storedValue;
  }

  /** Whether a value was stored. */
  boolean stored() {
    return stored;
  }

  /** The value the key had, or {@code null}. */
  V previous() {
    return present;
  }
}
