package io.keyedcache.provider;

import io.keyedcache.provider.store.StoreOwner;

/** What a store tells its {@link KeyedJCache}: the expiries and evictions it made, and when its maintenance is done. */
final class StoreCallbacks<K, V> implements StoreOwner<K, V> {
  private final KeyedJCache<K, V> cache;

  StoreCallbacks(KeyedJCache<K, V> cache) {
    this.cache = cache;
  }

  @Override
  public void expired(K key, V value) {
    cache.events.expired(key, value);
  }

  @Override
  public void evicted(K key, V value) {
    if (cache.statisticsEnabled) {
      cache.statistics.recordEvictions(1);
    }
  }

  @Override
  public boolean watchesMaintenance() {
    return cache.keepsLifetimes() && cache.events.isActive();
  }

  @Override
  public void afterMaintenance() {
    cache.events.deliverPending();
  }

  @Override
  public long lifetimeAfterRead() {
    return cache.expiry.forAccess();
  }

  @Override
  public boolean listened() {
    return cache.events.isActive();
  }

  @Override
  public boolean lifetimesFixed() {
    return cache.expiry.isFixed();
  }

  @Override
  public long lifetimeAtCreation() {
    return cache.expiry.forCreation();
  }
}
