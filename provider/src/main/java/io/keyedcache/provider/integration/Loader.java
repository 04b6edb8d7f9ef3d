package io.keyedcache.provider.integration;

import java.util.Map;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;

/** Calls a {@link CacheLoader} and reports its failures as {@link CacheLoaderException}, as the spec asks. */
public final class Loader<K, V> {
  private final CacheLoader<K, V> loader;

  public Loader(CacheLoader<K, V> loader) {
    this.loader = loader;
  }

  public CacheLoader<K, V> delegate() {
    return loader;
  }

  public V load(K key) {
    try {
      return loader.load(key);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheLoaderException("The cache loader failed to load the key " + key + ": " + e, e);
    }
  }

  public Map<K, V> loadAll(Iterable<? extends K> keys) {
    try {
      return loader.loadAll(keys);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheLoaderException("The cache loader failed in loadAll: " + e, e);
    }
  }
}
