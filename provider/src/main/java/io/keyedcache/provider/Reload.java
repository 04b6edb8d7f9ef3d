package io.keyedcache.provider;


/**
 * A read-through cache's refresh ahead of expiry ({@link Reloads}): replaces a present value with the reloaded one,
 * which lives a full creation lifetime from now. A load, not a put: the writer is not called and statistics do not
 * count it; listeners hear of an update. An entry removed while the value was loading stays removed. It decides in
 * the store's atomic step (no plan), as the shared tier does for every step under a flight lease's fence.
 */
final class Reload<K, V> extends Change<K, V> {
  private final K storedKey;
  private final V value;
  private final V storedValue;
  private final long fixedLifetime;
  private boolean stored;

  Reload(KeyedJCache<K, V> cache, K key, V value, long fixedLifetime) {
    super(cache, key);
    this.storedKey = cache.copier.copy(key);
    this.value = value;
    this.storedValue = cache.copier.copy(value);
    this.fixedLifetime = fixedLifetime;
  }

  @Override
  public V decide(V present) {
    this.present = present;
    stored = present != null;
    if (!stored) {
      return null;
    }
    lifetime = fixedLifetime;
    return storedValue;
  }

  @Override
  public void commit() {
    if (stored && batch != null) {
      batch.updated(key, value, present);
    }
  }

  @Override
  K storedKey() {
    return storedKey;
  }

  /** Whether the reloaded value was stored (the entry was still there). */
  boolean stored() {
    return stored;
  }
}
