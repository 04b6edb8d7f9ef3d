package io.keyedcache.provider.store;

/** Makes the {@link Store} of a cache: one factory per tier. */
@FunctionalInterface
public interface StoreFactory {

  /** A new, empty store. {@code owner} is the cache's JCache layer, which may not be fully built yet. */
  <K, V> Store<K, V> create(StoreSettings<K, V> settings, StoreOwner<K, V> owner);
}
