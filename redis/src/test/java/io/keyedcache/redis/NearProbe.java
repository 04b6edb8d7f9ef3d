package io.keyedcache.redis;

import javax.cache.Cache;

/** For tests outside this package: whether a shared-tier cache's near cache is armed (tracking works). */
public final class NearProbe {
  private NearProbe() {}

  public static boolean armed(Cache<?, ?> cache) {
    Tracking tracking = cache.unwrap(RedisStore.class).tracking();
    return tracking != null && tracking.armed();
  }
}
