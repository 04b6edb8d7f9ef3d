package io.keyedcache;

/**
 * A domain object that can stand in a {@link CacheKey} by its identity, the way a database row stands for itself
 * by its primary key. As a key part it is replaced by its class name and {@link #cacheIdentity()}, so two
 * instances with the same identity give the same key, whatever their other state.
 */
public interface CacheIdentity {

  /**
   * The identity of this object: a value allowed as a {@link CacheKey} part (typically a number, a string or a
   * UUID), never {@code null}, the same for as long as the object means the same thing.
   */
  Object cacheIdentity();
}
