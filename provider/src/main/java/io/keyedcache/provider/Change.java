package io.keyedcache.provider;

import io.keyedcache.provider.event.EventBatch;
import io.keyedcache.provider.store.Step;

/**
 * A JCache operation's change to one entry, as a {@link Step} for the store. Subclasses decide from the present
 * value alone (so a store may ask again), and call the writer and record events in {@link #commit()}, which the
 * store calls once. The operation dispatches the events with {@link #dispatch()} once the store has returned, and
 * counts its statistics from what the step decided.
 */
abstract class Change<K, V> implements Step<V> {
  final KeyedJCache<K, V> cache;
  final K key;
  final EventBatch<K, V> batch;
  /** The value {@link #decide} saw last. */
  V present;
  long lifetime = UNCHANGED;

  Change(KeyedJCache<K, V> cache, K key) {
    this.cache = cache;
    this.key = key;
    this.batch = cache.events.batch();
  }

  @Override
  public final long lifetime() {
    return lifetime;
  }

  /** The key the store applies this change under: one that may be stored is a copy for store-by-value. */
  K storedKey() {
    return key;
  }

  /**
   * Whether this change may be given to the store as a {@link io.keyedcache.provider.store.Plan}: the expiry
   * policy's lifetimes are known in advance and nothing outside the JVM is called inside the step.
   */
  final boolean plannable(boolean writes) {
    return !writes && cache.expiry.isFixed();
  }

  /** Delivers the events this change recorded; call it once the store has returned. */
  final void dispatch() {
    if (batch != null) {
      batch.dispatch();
    }
  }
}
