package io.keyedcache.provider;

import io.keyedcache.AbstractKeyedCache;
import io.keyedcache.CacheKey;
import io.keyedcache.provider.store.Store;
import java.time.Duration;
import java.util.List;

/**
 * The keyed cache of a {@link KeyedJCache}: every operation is the JCache operation of the cache (so listeners,
 * statistics, loader and writer see it), a per-entry lifetime is kept by the cache's store, and group deletion
 * asks the store for the group ({@link io.keyedcache.provider.store.Store#group}) instead of scanning the cache.
 */
final class NativeKeyedCache<V> extends AbstractKeyedCache<V> {
  private final KeyedJCache<CacheKey, V> cache;
  private final Store<CacheKey, V> store;

  NativeKeyedCache(KeyedJCache<CacheKey, V> cache, Store<CacheKey, V> store) {
    this.cache = cache;
    this.store = store;
  }

  @Override
  protected V lookup(CacheKey key) {
    return cache.get(key);
  }

  @Override
  protected void store(CacheKey key, V value, Duration timeToLive) {
    if (timeToLive == null) {
      cache.put(key, value);
    } else {
      cache.putWithLifetime(key, value, saturatedNanos(timeToLive));
    }
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  protected boolean remove(CacheKey key) {
    return cache.remove(key);
  }

  @Override
  protected List<CacheKey> removeEach(List<CacheKey> keys) {
    cache.requireOpen();
    return Bulk.removeEach(cache, store, keys);
  }

  @Override
  protected List<CacheKey> group(CacheKey key) {
    return store.group(key);
  }

  @Override
  protected void removeAll() {
    cache.clear();
  }

  @Override
  protected boolean contains(CacheKey key) {
    return cache.containsKey(key);
  }

  @Override
  protected void fenceGroup(CacheKey key) {
    store.fence(key);
  }

  @Override
  protected boolean sharesComputations() {
    return store.sharesComputations();
  }

  @Override
  protected long remainingNanos(CacheKey key) {
    return store.remainingNanos(key);
  }

  @Override
  protected java.util.concurrent.Executor refreshExecutor() {
    return cache.executor;
  }

  @Override
  protected void refreshOnce(CacheKey key, java.util.function.BooleanSupplier due,
      java.util.function.Supplier<? extends V> compute, java.util.function.Consumer<? super V> put) {
    store.refreshOnce(key, due, compute, put);
  }

  @Override
  protected java.util.concurrent.CompletableFuture<V> computeAndStoreAsync(CacheKey key, Duration timeToLive,
      java.util.function.Supplier<? extends java.util.concurrent.CompletionStage<? extends V>> compute) {
    return store.computeOnceAsync(key, compute, value -> store(key, value, timeToLive), cache.executor);
  }

  @Override
  protected V computeAndStore(CacheKey key, Duration timeToLive, java.util.function.Supplier<? extends V> compute) {
    return store.computeOnce(key, compute, value -> store(key, value, timeToLive));
  }
}
