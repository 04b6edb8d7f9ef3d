package io.keyedcache.provider;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.KeyedStatistics;
import io.keyedcache.provider.management.KeyedCacheMXBean;
import java.util.List;

/** The {@link KeyedCacheMXBean} of one cache: its keyed view, reached the way code reaches it. */
final class KeyedCacheBean implements KeyedCacheMXBean {
  private final KeyedJCache<?, ?> cache;

  KeyedCacheBean(KeyedJCache<?, ?> cache) {
    this.cache = cache;
  }

  @SuppressWarnings("unchecked")
  private KeyedCache<Object> keyed() {
    return cache.unwrap(KeyedCache.class);
  }

  private KeyedStatistics statistics() {
    return keyed().statistics();
  }

  @Override
  public long getCalls() {
    return statistics().calls();
  }

  @Override
  public long getHits() {
    return statistics().hits();
  }

  @Override
  public long getMisses() {
    return statistics().misses();
  }

  @Override
  public long getComputations() {
    return statistics().computations();
  }

  @Override
  public long getRefreshes() {
    Reloads<?, ?> reloads = cache.loads.reloads;
    return statistics().refreshes() + (reloads == null ? 0 : reloads.reloads.sum());
  }

  @Override
  public long getStaleHits() {
    return statistics().staleHits();
  }

  @Override
  public long getFailedRefreshes() {
    Reloads<?, ?> reloads = cache.loads.reloads;
    return statistics().failedRefreshes() + (reloads == null ? 0 : reloads.failed.sum());
  }

  @Override
  public double getHitRatio() {
    return statistics().hitRatio();
  }

  @Override
  public boolean isEnabled() {
    return keyed().isEnabled();
  }

  @Override
  public void setEnabled(boolean enabled) {
    keyed().setEnabled(enabled);
  }

  @Override
  public long getKeyCount() {
    return cache.estimatedSize();
  }

  @Override
  public String[] keysUnder(String group, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be 1 or more, not " + limit);
    }
    List<CacheKey> keys = cache.group(key(group));
    return keys.stream().limit(Math.min(limit, MAXIMUM_KEYS_LISTED)).map(CacheKey::toString).toArray(String[]::new);
  }

  @Override
  public int deleteGroup(String key) {
    return keyed().deleteGroup(key(key)).size();
  }

  private CacheKey key(String text) {
    if (text == null) {
      throw new IllegalArgumentException("a key is needed, in its readable form such as product::123");
    }
    return CacheKey.parse(text.strip(), cache.getCacheManager().getClassLoader());
  }
}
