package io.keyedcache.provider.management;

/**
 * The keyed cache of one cache, for operators (JConsole, VisualVM, any JMX client): django-keyedcache's
 * statistics page and delete form. Registered in the platform MBean server as
 * {@code io.keyedcache:type=KeyedCache,CacheManager=<manager URI>,Cache=<cache name>} (characters {@code : = ,}
 * in the URI or name replaced by {@code .}) while the cache's management is enabled
 * ({@code setManagementEnabled(true)}, {@code CacheManager.enableManagement}, or {@code management = true} in the
 * configuration file), for caches whose key type is {@code Object} or {@code CacheKey}.
 *
 * <p>Keys go in and come out in their readable form ({@code product::123}, see
 * {@link io.keyedcache.CacheKey#parse(String)}). Thread-safe; every operation is the keyed cache's own, so the
 * cache's listeners, statistics and writer see it.
 */
public interface KeyedCacheMXBean {
  /** The most keys {@link #keysUnder} gives, whatever limit it is asked for. */
  int MAXIMUM_KEYS_LISTED = 1000;

  /** Keyed reads and cached-function calls since the cache was created. */
  long getCalls();

  /** Calls that found a value. */
  long getHits();

  /** Calls that found none. */
  long getMisses();

  /** Values that cached functions computed. */
  long getComputations();

  /**
   * Background recomputations of refreshing cached functions that stored a new result, and background reloads of a
   * read-through cache with a refresh point ({@code refresh-after}) that replaced an entry.
   */
  long getRefreshes();

  /** Calls of cached functions answered by a result past its lifetime, within its staleFor. */
  long getStaleHits();

  /** Background recomputations and reloads that threw; the current value was kept. */
  long getFailedRefreshes();

  /** Hits over calls, from 0 to 1; 0 before the first call. */
  double getHitRatio();

  /** Whether the keyed cache is on; off, it stores nothing and every read misses. */
  boolean isEnabled();

  /** Switches the keyed cache on or off. */
  void setEnabled(boolean enabled);

  /** About how many entries the cache holds (all of them, keyed or not), as its store counts them. */
  long getKeyCount();

  /**
   * The keys of {@code group}'s group present now (the key itself and every key under it), in key order, at most
   * {@code limit} of them and never more than {@link #MAXIMUM_KEYS_LISTED}: for looking, not for exporting.
   *
   * @param group a key in its readable form, such as {@code product::123}
   * @param limit how many keys at most, 1 or more
   * @throws IllegalArgumentException if {@code group} is not the readable form of a key, or {@code limit} is
   *     less than 1
   */
  String[] keysUnder(String group, int limit);

  /**
   * Deletes the key and every key under it, as {@code KeyedCache.deleteGroup} does.
   *
   * @param key a key in its readable form, such as {@code product::123}
   * @return how many keys were deleted
   * @throws IllegalArgumentException if {@code key} is not the readable form of a key
   */
  int deleteGroup(String key);
}
