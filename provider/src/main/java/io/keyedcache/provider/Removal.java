package io.keyedcache.provider;

import io.keyedcache.provider.store.Plan;
import io.keyedcache.provider.store.Step;

/** Removes an entry, writing the deletion through when asked. */
final class Removal<K, V> extends Change<K, V> {
  private final boolean writeThrough;

  Removal(KeyedJCache<K, V> cache, K key, boolean writeThrough) {
    super(cache, key);
    this.writeThrough = writeThrough;
  }

  @Override
  public V decide(V present) {
    this.present = present;
    return null;
  }

  @Override
  public void commit() {
    if (writeThrough && cache.writer != null) {
      cache.writer.delete(key);
    }
    if (batch != null && present != null) {
      batch.removed(key, present);
    }
  }

  @Override
  public Plan<V> plan() {
    return plannable(writeThrough && cache.writer != null)
        ? new Plan<>(Plan.Kind.REMOVE, null, null, Step.ETERNAL, UNCHANGED, UNCHANGED) : null;
  }

  /** The removed value, or {@code null} if there was none. */
  V removed() {
    return present;
  }
}
