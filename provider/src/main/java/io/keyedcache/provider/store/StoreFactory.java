package io.keyedcache.provider.store;

/** Makes the {@link Store} of a cache: one factory per tier and manager. */
@FunctionalInterface
public interface StoreFactory extends AutoCloseable {

  /** A new, empty store. {@code owner} is the cache's JCache layer, which may not be fully built yet. */
  <K, V> Store<K, V> create(StoreSettings<K, V> settings, StoreOwner<K, V> owner);

  /**
   * Releases what the manager's stores share (a connection); called once, after every store is closed. Nothing by
   * default.
   */
  @Override
  default void close() {}
}
