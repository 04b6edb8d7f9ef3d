package io.keyedcache.provider.store;

/**
 * What a {@link Store} tells the JCache layer above it, and asks of it. {@link #expired} and {@link #evicted} may be
 * called where the store holds its own locks (inside its eviction callbacks): the owner only records them there.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface StoreOwner<K, V> {

  /** An entry's lifetime passed and the store dropped it. */
  void expired(K key, V value);

  /** The store dropped an entry to stay within its bound. */
  void evicted(K key, V value);

  /**
   * Whether a listener hears the cache's changes now: a store that applies a step outside a lock of its own may then
   * need one, so that this process records one key's events in the order the changes were made. False by default.
   */
  default boolean listened() {
    return false;
  }

  /** Whether {@link #afterMaintenance()} has anything to do now; asked once per maintenance task. */
  boolean watchesMaintenance();

  /** Called on the maintenance thread when a background maintenance task is done, outside the store's locks. */
  void afterMaintenance();

  /** The lifetime of an entry that a read finds, or {@link Step#UNCHANGED}; asked only on an expiring store. */
  long lifetimeAfterRead();

  /**
   * Whether {@link #lifetimeAfterRead()} and {@link #lifetimeAtCreation()} give the same answer for every entry and
   * may be asked whether or not an entry is present (the expiry policy is one of {@code javax.cache.expiry}'s own).
   * False by default: ask them only as their Javadoc says.
   */
  default boolean lifetimesFixed() {
    return false;
  }

  /** The lifetime of an entry created without a step ({@link Store#put}, {@link Store#putIfAbsent}). */
  long lifetimeAtCreation();
}
