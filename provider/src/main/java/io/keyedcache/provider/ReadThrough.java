package io.keyedcache.provider;

import io.keyedcache.SingleFlight;
import io.keyedcache.provider.store.Store;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import javax.cache.CacheException;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CompletionListener;

/**
 * The loading side of a {@link KeyedJCache}: read-through misses, {@code getAll}'s misses and {@code loadAll}.
 * Loaders run outside every lock of the store; a loaded value is stored with a step that, as the spec says of
 * loads, neither writes it through nor counts it as a put.
 */
final class ReadThrough<K, V> {
  private final KeyedJCache<K, V> cache;
  private final Store<K, V> store;
  /** Read-through loads under way, so that concurrent misses of one key share one load. */
  private final SingleFlight<K, V> flights = new SingleFlight<>();

  /** Refresh ahead of expiry, or null. */
  final Reloads<K, V> reloads;

  ReadThrough(KeyedJCache<K, V> cache, Store<K, V> store, java.time.Duration refreshAfter) {
    this.cache = cache;
    this.store = store;
    this.reloads = Reloads.of(cache, store, refreshAfter, cache.expiry.policy());
  }

  /** A read-through get found {@code value}: reloads it in the background when it is due; returns it. */
  V found(K key, V value) {
    if (reloads != null) {
      reloads.hit(key);
    }
    return value;
  }

  /**
   * Loads an absent key under read-through, once however many threads miss it at the same time: the first
   * loads, the others wait for its value or its exception, as Caffeine's AsyncCache does with its futures.
   */
  V load(K key) {
    V value = flights.compute(key, () -> loadOnce(key), k -> new CacheLoaderException(
        "The cache loader of cache '" + cache.getName() + "' needs the key " + k + " it is loading (it reads it, "
        + "directly or through loads on other threads that wait for it)"));
    // Each caller gets its own copy: the waiters share the one value the load produced.
    return cache.copier.copy(value);
  }

  /** The loaded value, or the value another writer stored meanwhile; not copied out. */
  private V loadOnce(K key) {
    V loaded = cache.loader.load(key);
    return loaded == null ? null : storeIfAbsent(key, loaded);
  }

  /** Stores a loaded value unless the key has one; returns the value the key has now (not copied out). */
  private V storeIfAbsent(K key, V loaded) {
    cache.checkTypes(key, loaded);
    V winner = cache.apply(cache.upsert(key, loaded, false, false, Upsert.ASK_POLICY)).previous();
    return winner == null ? loaded : winner;
  }

  /**
   * Reads the keys (in one batch where the store can); under read-through the missing keys are loaded with one
   * {@code loadAll} call. A failing
   * {@code loadAll} stores nothing and throws {@link CacheLoaderException}; a cache closed by another thread
   * while it loads stores nothing and throws {@link IllegalStateException}. The loads of {@code getAll} are not
   * shared with concurrent single {@code get}s of the same keys.
   */
  Map<K, V> getAll(Set<? extends K> keys) {
    Map<K, V> result = new LinkedHashMap<>(Math.max(4, keys.size() * 2));
    List<K> missing = cache.readThrough ? new ArrayList<>() : null;
    boolean stats = cache.statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    Map<K, V> found = keys.isEmpty() ? Map.of() : store.readAll(keys);
    cache.events.deliverPending();
    for (K key : keys) {
      V value = found.get(key);
      if (value != null) {
        result.put(key, cache.copyOut.copy(value));
      } else if (missing != null) {
        missing.add(key);
      }
      if (stats) {
        cache.statistics.recordLookup(value != null);
      }
    }
    if (stats && !keys.isEmpty()) {
      long each = (System.nanoTime() - start) / keys.size();
      for (int i = 0; i < keys.size(); i++) {
        cache.statistics.recordGetTime(each);
      }
    }
    if (missing != null && !missing.isEmpty()) {
      Map<K, V> loaded = cache.loader.loadAll(missing);
      // closed by another thread while the loader ran: say so rather than store into a closed cache
      cache.requireOpen();
      if (loaded != null) {
        for (K key : missing) {
          V value = loaded.get(key);
          if (value != null) {
            result.put(key, cache.copier.copy(storeIfAbsent(key, value)));
          }
        }
      }
    }
    return result;
  }

  void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
    if (cache.loader == null) {
      if (completionListener != null) {
        completionListener.onCompletion();
      }
      return;
    }
    List<K> requested = new ArrayList<>(keys);
    Runnable task = () -> {
      try {
        List<K> toLoad = new ArrayList<>(requested.size());
        for (K key : requested) {
          if (replaceExistingValues || !store.contains(key)) {
            toLoad.add(key);
          }
        }
        Map<K, V> loaded = toLoad.isEmpty() ? Map.of() : cache.loader.loadAll(toLoad);
        if (loaded != null) {
          for (Map.Entry<K, V> entry : loaded.entrySet()) {
            if (entry.getKey() != null && entry.getValue() != null) {
              cache.checkTypes(entry.getKey(), entry.getValue());
              cache.apply(cache.upsert(entry.getKey(), entry.getValue(), false, replaceExistingValues,
                  Upsert.ASK_POLICY));
            }
          }
        }
        if (completionListener != null) {
          completionListener.onCompletion();
        }
      } catch (Exception e) {
        if (completionListener != null) {
          completionListener.onException(e);
        }
      }
    };
    try {
      cache.executor.execute(task);
    } catch (RejectedExecutionException e) {
      // Reported where a failed load is reported, so that a caller waiting on its listener is not left waiting.
      CacheException rejected = new CacheException("Cache '" + cache.getName() + "': its executor "
          + cache.executor.getClass().getName() + " rejected the loadAll task; nothing was loaded", e);
      if (completionListener == null) {
        throw rejected;
      }
      completionListener.onException(rejected);
    }
  }
}
