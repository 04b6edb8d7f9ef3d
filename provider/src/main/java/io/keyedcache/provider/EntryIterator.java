package io.keyedcache.provider;

import io.keyedcache.provider.store.Store;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import javax.cache.Cache;

/**
 * The iterator of a {@link KeyedJCache}: each entry it gives counts as a hit and, on an expiring store, as an
 * access for the expiry policy; {@link #remove()} is the cache's {@code remove(key)}, with its writer and event.
 */
final class EntryIterator<K, V> implements Iterator<Cache.Entry<K, V>> {
  private final KeyedJCache<K, V> cache;
  private final Iterator<Map.Entry<K, V>> entries;
  /** The store to give accessed entries their access lifetime, or {@code null} when entries keep no lifetime. */
  private final Store<K, V> touched;
  private K last;

  EntryIterator(KeyedJCache<K, V> cache, Iterator<Map.Entry<K, V>> entries, Store<K, V> touched) {
    this.cache = cache;
    this.entries = entries;
    this.touched = touched;
  }

  @Override
  public boolean hasNext() {
    boolean more = entries.hasNext();
    cache.events.deliverPending();
    return more;
  }

  @Override
  public Cache.Entry<K, V> next() {
    if (!entries.hasNext()) {
      throw new NoSuchElementException();
    }
    Map.Entry<K, V> entry = entries.next();
    last = entry.getKey();
    if (cache.statisticsEnabled) {
      cache.statistics.recordHits(1);
    }
    if (touched != null) {
      touched.touch(entry.getKey(), cache.expiry.forAccess());
    }
    return new CacheEntry<>(entry.getKey(), cache.copyOut.copy(entry.getValue()));
  }

  @Override
  public void remove() {
    if (last == null) {
      throw new IllegalStateException("next() has not been called, or remove() was called already");
    }
    cache.remove(last);
    last = null;
  }
}
