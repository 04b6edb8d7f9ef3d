package io.keyedcache.provider;

import io.keyedcache.provider.store.Store;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.integration.CacheWriterException;

/**
 * {@code putAll} and {@code removeAll} of a {@link KeyedJCache}: the writer gets the whole batch in one call
 * first, and only what it wrote or deleted (what it took out of the collection) changes in the cache, a step per
 * key that the store may apply in batches; a writer's failure is thrown once the rest is done.
 */
final class Bulk {
  static void requireKeys(Set<?> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    for (Object key : keys) {
      Objects.requireNonNull(key, "keys must not contain null");
    }
  }

  private Bulk() {}

  static <K, V> void putAll(KeyedJCache<K, V> cache, Store<K, V> store, Map<? extends K, ? extends V> map,
      boolean plain) {
    boolean stats = cache.statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    // Every copy is made first, so that a value that cannot be copied changes nothing, not even the writer's store.
    List<Upsert<K, V>> puts = new ArrayList<>(map.size());
    for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
      puts.add(cache.upsert(entry.getKey(), entry.getValue(), false, true, Upsert.ASK_POLICY));
    }
    CacheWriterException failure = null;
    Set<Object> unwritten = Set.of();
    if (cache.writer != null) {
      Collection<Cache.Entry<? extends K, ? extends V>> toWrite = new ArrayList<>(map.size());
      for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
        toWrite.add(new CacheEntry<>(entry.getKey(), entry.getValue()));
      }
      try {
        cache.writer.writeAll(toWrite);
      } catch (CacheWriterException e) {
        failure = e;
        unwritten = new HashSet<>();
        for (Cache.Entry<? extends K, ? extends V> entry : toWrite) {
          unwritten.add(entry.getKey());
        }
      }
    }
    long stored = 0;
    if (plain) {
      Map<K, V> entries = new LinkedHashMap<>();
      for (Upsert<K, V> put : puts) {
        if (!unwritten.contains(put.key)) {
          entries.put(put.storedKey(), put.storedValue());
        }
      }
      store.putAll(entries);
      stored = entries.size();
    } else {
      List<K> keys = new ArrayList<>(puts.size());
      List<Upsert<K, V>> steps = new ArrayList<>(puts.size());
      for (Upsert<K, V> put : puts) {
        if (!unwritten.contains(put.key)) {
          keys.add(put.storedKey());
          steps.add(put);
        }
      }
      applyAll(store, keys, steps);
      for (Upsert<K, V> put : steps) {
        if (put.stored()) {
          stored++;
        }
      }
    }
    if (stats && stored > 0) {
      cache.statistics.recordPutsSince(stored, start);
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Applies the changes in as few batches as the store makes, then delivers their events, in order. */
  private static <K, V, C extends Change<K, V>> void applyAll(Store<K, V> store, List<K> keys, List<C> changes) {
    try {
      store.applyAll(keys, changes);
    } finally {
      for (C change : changes) {
        change.dispatch();
      }
    }
  }

  /** {@code remove(key)} of each key, with its writer call, event and statistics; the keys that had a value. */
  static <K, V> List<K> removeEach(KeyedJCache<K, V> cache, Store<K, V> store, List<K> keys) {
    boolean stats = cache.statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    List<Removal<K, V>> removals = new ArrayList<>(keys.size());
    for (K key : keys) {
      removals.add(new Removal<>(cache, Objects.requireNonNull(key, "keys must not contain null"), true));
    }
    applyAll(store, keys, removals);
    List<K> removed = new ArrayList<>(keys.size());
    for (Removal<K, V> removal : removals) {
      if (removal.removed() != null) {
        removed.add(removal.key);
      }
    }
    if (stats && !removed.isEmpty()) {
      cache.statistics.recordRemovalsSince(removed.size(), start);
    }
    return removed;
  }

  static <K, V> void removeAll(KeyedJCache<K, V> cache, Store<K, V> store, Set<K> keys) {
    boolean stats = cache.statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    CacheWriterException failure = null;
    Set<K> toRemove = keys;
    if (cache.writer != null && !keys.isEmpty()) {
      Collection<K> undeleted = new ArrayList<>(keys);
      try {
        cache.writer.deleteAll(undeleted);
      } catch (CacheWriterException e) {
        failure = e;
        toRemove = new LinkedHashSet<>(keys);
        toRemove.removeAll(undeleted);
      }
    }
    List<K> keysToRemove = new ArrayList<>(toRemove);
    List<Removal<K, V>> steps = new ArrayList<>(toRemove.size());
    for (K key : keysToRemove) {
      steps.add(new Removal<>(cache, key, false));
    }
    applyAll(store, keysToRemove, steps);
    long removals = 0;
    for (Removal<K, V> removal : steps) {
      if (removal.removed() != null) {
        removals++;
      }
    }
    if (stats && removals > 0) {
      cache.statistics.recordRemovalsSince(removals, start);
    }
    if (failure != null) {
      throw failure;
    }
  }
}
