package io.keyedcache.provider;

import io.keyedcache.provider.processor.ProcessorEntry;
import io.keyedcache.provider.processor.ProcessorEntry.Action;
import io.keyedcache.provider.processor.ProcessorResult;
import io.keyedcache.provider.store.Store;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.cache.CacheException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * Runs an entry processor on the present value and turns what it did into the entry's next value. The processor
 * runs in {@link #decide}, so a store that retries runs it again on the newer value; a value it loads under
 * read-through is loaded once and reused, and the writer and events come once, in {@link #commit()}.
 */
final class Invocation<K, V, T> extends Change<K, V> {
  private final EntryProcessor<K, V, T> processor;
  private final Object[] arguments;
  private T result;
  private Action action;
  private V value;
  /** Whether an entry was created with a lifetime other than zero. */
  private boolean created;
  /** Whether the processor found a value; {@code null} until it ran. */
  private Boolean hit;
  private boolean loadedOnce;
  private V loaded;

  Invocation(KeyedJCache<K, V> cache, K key, EntryProcessor<K, V, T> processor, Object[] arguments) {
    super(cache, key);
    this.processor = processor;
    this.arguments = arguments;
  }

  @Override
  public V decide(V present) {
    this.present = present;
    hit = present != null;
    created = false;
    ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, cache.copier.copy(present),
        cache.readThrough ? this::load : null);
    try {
      result = processor.process(entry, arguments);
    } catch (EntryProcessorException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new EntryProcessorException("The entry processor failed on key " + key + ": " + e, e);
    }
    action = entry.action();
    value = entry.value();
    switch (action) {
      case NONE:
        lifetime = UNCHANGED;
        return present;
      case ACCESS:
        lifetime = cache.expiry.forAccess();
        return present;
      case LOAD:
      case CREATE: {
        cache.checkTypes(key, value);
        V storedValue = cache.copier.copy(value);
        long life = cache.expiry.forCreation();
        if (life == 0L) {
          return null;
        }
        created = true;
        lifetime = life;
        return storedValue;
      }
      case UPDATE: {
        cache.checkTypes(key, value);
        V storedValue = cache.copier.copy(value);
        lifetime = cache.expiry.forUpdate();
        return storedValue;
      }
      case REMOVE:
        return null;
      default:
        throw new AssertionError(action);
    }
  }

  private V load(K k) {
    if (!loadedOnce) {
      loaded = cache.loader.load(k);
      loadedOnce = true;
    }
    return loaded;
  }

  @Override
  public void commit() {
    switch (action) {
      case CREATE:
      case UPDATE:
        if (cache.writer != null) {
          cache.writer.write(new CacheEntry<>(key, value));
        }
        break;
      case REMOVE:
        if (cache.writer != null) {
          cache.writer.delete(key);
        }
        break;
      default:
        break;
    }
    if (batch == null) {
      return;
    }
    if (created) {
      batch.created(key, value);
    } else if (action == Action.UPDATE) {
      batch.updated(key, value, present);
    } else if (action == Action.REMOVE && present != null) {
      batch.removed(key, present);
    }
  }

  /** Applies this invocation, delivers its events, counts its statistics and returns the processor's result. */
  T run(Store<K, V> store) {
    boolean stats = cache.statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    try {
      store.apply(cache.copier.copy(key), this);
    } finally {
      // the entry was looked at even when the processor failed: one hit or miss either way, as the RI counts
      if (stats && hit != null) {
        cache.statistics.recordLookup(hit);
        cache.statistics.recordGetTime(System.nanoTime() - start);
      }
    }
    dispatch();
    if (stats && ((action == Action.CREATE && created) || action == Action.UPDATE)) {
      cache.statistics.recordPutsSince(1, start);
    } else if (stats && action == Action.REMOVE && present != null) {
      cache.statistics.recordRemovalsSince(1, start);
    }
    return result;
  }

  /** {@code invokeAll}: each key's invocation on its own, failures kept in the key's result. */
  static <K, V, T> Map<K, EntryProcessorResult<T>> all(KeyedJCache<K, V> cache, Set<? extends K> keys,
      EntryProcessor<K, V, T> processor, Object[] arguments) {
    Map<K, EntryProcessorResult<T>> results = new HashMap<>();
    for (K key : keys) {
      try {
        T value = cache.invoke(key, processor, arguments);
        if (value != null) {
          results.put(key, ProcessorResult.of(value));
        }
      } catch (EntryProcessorException e) {
        results.put(key, ProcessorResult.failed(e));
      } catch (CacheException | ClassCastException | IllegalArgumentException e) {
        results.put(key, ProcessorResult.failed(new EntryProcessorException(e)));
      }
    }
    return results;
  }
}
