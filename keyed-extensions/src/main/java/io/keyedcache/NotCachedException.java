package io.keyedcache;

import java.util.Objects;

/**
 * Thrown by {@link KeyedCache#get(CacheKey)} when the key has no value in the cache (absent, expired, or the
 * keyed cache is switched off). Checked, so that a miss is handled where it happens.
 */
public class NotCachedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final CacheKey key;

  /** @param key the key that was not cached, not null */
  public NotCachedException(CacheKey key) {
    super("Not cached: " + Objects.requireNonNull(key, "key"), null, false, false);
    this.key = key;
  }

  /** The key that was not cached. */
  public CacheKey key() {
    return key;
  }
}
