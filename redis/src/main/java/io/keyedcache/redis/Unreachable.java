package io.keyedcache.redis;

import javax.cache.CacheException;

/**
 * The server could not be reached, or did not answer in time: the failures that {@code on-outage=degrade} rides
 * out. Every other failure (a refused password, a full server, a missing permission) stays a plain
 * {@link CacheException}, since waiting does not mend it.
 */
final class Unreachable extends CacheException {
  private static final long serialVersionUID = 1L;

  Unreachable(String message, Throwable cause) {
    super(message, cause);
  }
}
