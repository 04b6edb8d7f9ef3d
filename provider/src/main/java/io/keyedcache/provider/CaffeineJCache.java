package io.keyedcache.provider;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.SingleFlight;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import io.keyedcache.provider.copy.Copier;
import io.keyedcache.provider.event.EventBatch;
import io.keyedcache.provider.event.EventDispatcher;
import io.keyedcache.provider.expiry.ExpiryDecisions;
import io.keyedcache.provider.expiry.VariableExpiry;
import io.keyedcache.provider.integration.Loader;
import io.keyedcache.provider.integration.Writer;
import io.keyedcache.provider.management.ConfigurationBean;
import io.keyedcache.provider.management.MBeans;
import io.keyedcache.provider.management.Statistics;
import io.keyedcache.provider.processor.ProcessorEntry;
import io.keyedcache.provider.processor.ProcessorResult;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.management.CacheMXBean;
import javax.cache.management.CacheStatisticsMXBean;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * A JCache {@link Cache} whose entries live in a Caffeine cache.
 *
 * <p>Entries are stored as they are (store-by-reference) or as copies (store-by-value), with no wrapper: the
 * expiration time lives in Caffeine's node when the expiry policy is not eternal. The JCache rules that Caffeine
 * does not know (when to ask the expiry policy, which events to publish, what counts in the statistics, when to
 * call the loader and the writer) are applied here, each operation deciding inside one Caffeine
 * {@code compute}, so that it is atomic per key. When statistics are off, no listener is registered, nothing is
 * written through and entries never expire, {@code get} and {@code put} go straight to Caffeine.
 *
 * <p>Thread-safe. Obtain instances from {@link KeyedCacheManager#createCache}; {@link #unwrap} gives this class,
 * or the underlying {@link com.github.benmanes.caffeine.cache.Cache}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CaffeineJCache<K, V> implements Cache<K, V> {
  private final String name;
  private final KeyedCacheManager manager;
  private final KeyedCacheConfiguration<K, V> configuration;
  private final com.github.benmanes.caffeine.cache.Cache<K, V> store;
  private final Copier copier;
  private final ExpiryDecisions expiry;
  private final boolean variableExpiry;
  private final EventDispatcher<K, V> events;
  private final Statistics statistics = new Statistics();
  private final Loader<K, V> loader;
  private final boolean readThrough;
  private final Writer<K, V> writer;
  private final Executor executor;
  private final Class<?> keyType;
  private final Class<?> valueType;
  private final CacheMXBean configurationBean;
  /** Read-through loads under way, so that concurrent misses of one key share one load. */
  private final SingleFlight<K, V> loads = new SingleFlight<>();
  /** For {@link #upsert}: the lifetime comes from the expiry policy. */
  private static final long ASK_POLICY = Long.MIN_VALUE;
  /** The CacheKey keys, when the key type admits them; {@code null} otherwise. */
  private final PrefixIndex index;
  private volatile NativeKeyedCache<V> keyed;

  private volatile boolean closed;
  private volatile boolean statisticsEnabled;
  private volatile boolean managementEnabled;

  // What sends get and put off their hot paths, folded into one field so that the hot paths test it with one load.
  private static final int CLOSED = 1;
  private static final int STATISTICS = 2;
  private static final int READ_THROUGH = 4;
  private static final int EXPIRING = 8;
  private static final int WRITE_THROUGH = 16;
  private static final int LISTENED = 32;
  private static final int SLOW_READS = CLOSED | STATISTICS | READ_THROUGH | EXPIRING;
  private static final int SLOW_WRITES = CLOSED | STATISTICS | EXPIRING | WRITE_THROUGH | LISTENED;
  private volatile int mode;

  CaffeineJCache(KeyedCacheManager manager, String name, KeyedCacheConfiguration<K, V> configuration) {
    this.manager = manager;
    this.name = name;
    this.configuration = configuration;
    this.executor = configuration.getExecutor() == null ? ForkJoinPool.commonPool() : configuration.getExecutor();
    this.copier = configuration.isStoreByValue() ? Copier.serializing(manager.getClassLoader()) : Copier.identity();
    this.expiry = new ExpiryDecisions(requireNonNull(configuration.getExpiryPolicyFactory().create(),
        () -> "The expiry policy factory of cache '" + name + "' returned null"));
    this.variableExpiry = !expiry.isEternal() || configuration.isPerEntryLifetimes();
    this.loader = configuration.getCacheLoaderFactory() == null
        ? null : new Loader<>(configuration.getCacheLoaderFactory().create());
    this.readThrough = configuration.isReadThrough() && loader != null;
    this.writer = (configuration.isWriteThrough() && configuration.getCacheWriterFactory() != null)
        ? new Writer<>(configuration.getCacheWriterFactory().create()) : null;
    this.keyType = configuration.getKeyType() == Object.class ? null : configuration.getKeyType();
    this.valueType = configuration.getValueType() == Object.class ? null : configuration.getValueType();
    this.index = configuration.getKeyType().isAssignableFrom(CacheKey.class) ? new PrefixIndex() : null;
    this.events = new EventDispatcher<>(this, executor);
    for (CacheEntryListenerConfiguration<K, V> listener : configuration.getCacheEntryListenerConfigurations()) {
      events.register(listener);
    }
    this.store = buildStore();
    this.configurationBean = new ConfigurationBean(configuration, () -> statisticsEnabled, () -> managementEnabled);
    setStatisticsEnabled(configuration.isStatisticsEnabled());
    setManagementEnabled(configuration.isManagementEnabled());
    updateMode();
  }

  private synchronized void updateMode() {
    mode = (closed ? CLOSED : 0) | (statisticsEnabled ? STATISTICS : 0) | (readThrough ? READ_THROUGH : 0)
        | (variableExpiry ? EXPIRING : 0) | (writer != null ? WRITE_THROUGH : 0) | (events.isActive() ? LISTENED : 0);
  }

  @SuppressWarnings("unchecked")
  private com.github.benmanes.caffeine.cache.Cache<K, V> buildStore() {
    // Expiry events that Caffeine's maintenance queues are delivered by the maintenance task when it is done,
    // outside Caffeine's locks. Only entries that can expire make events there, and only listeners need them: the
    // task goes to the executor as it is otherwise, as Caffeine gives it (no object made per task).
    Executor maintenance = !variableExpiry ? executor : task -> executor.execute(!events.isActive() ? task : () -> {
      try {
        task.run();
      } finally {
        events.deliverPending();
      }
    });
    Caffeine<Object, Object> builder = Caffeine.newBuilder().executor(maintenance);
    if (configuration.getTicker() != null) {
      builder.ticker(configuration.getTicker());
    }
    configuration.getMaximumSize().ifPresent(builder::maximumSize);
    if (configuration.getMaximumWeight().isPresent()) {
      builder.maximumWeight(configuration.getMaximumWeight().getAsLong())
          .weigher((com.github.benmanes.caffeine.cache.Weigher<Object, Object>) configuration.getWeigher());
    }
    if (variableExpiry) {
      builder.expireAfter(new VariableExpiry(expiry));
    }
    return builder.<K, V>evictionListener(this::onEviction).build();
  }

  private void onEviction(K key, V value, RemovalCause cause) {
    if (index != null && key instanceof CacheKey) {
      index.remove((CacheKey) key);
    }
    if (cause == RemovalCause.EXPIRED) {
      events.expired(key, value);
    } else if (statisticsEnabled) {
      statistics.recordEvictions(1);
    }
  }

  // ---------------------------------------------------------------------------------------------- reads

  @Override
  public V get(K key) {
    // The mode test comes first: a closed cache answers IllegalStateException even to a null key.
    if ((mode & SLOW_READS) != 0) {
      return getCounted(key);
    }
    requireNonNull(key, "key must not be null");
    // The hot path, kept small enough for the JIT to inline: Caffeine's read and the copy out.
    V value = store.getIfPresent(key);
    return value == null ? null : copier.copy(value);
  }

  /** A get that records statistics, asks the expiry policy or loads a missing value. */
  private V getCounted(K key) {
    requireOpen();
    requireNonNull(key, "key must not be null");
    return getCounted(key, readThrough);
  }

  private V getCounted(K key, boolean load) {
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    V value = read(key);
    events.deliverPending();
    if (value != null) {
      value = copier.copy(value);
      if (stats) {
        statistics.recordHits(1);
      }
    } else {
      if (stats) {
        statistics.recordMisses(1);
      }
      if (load) {
        value = loadAndStore(key);
      }
    }
    if (stats) {
      statistics.recordGetTime(System.nanoTime() - start);
    }
    return value;
  }

  /** A read that counts as an access for the expiry policy. */
  private V read(K key) {
    if (!variableExpiry) {
      return store.getIfPresent(key);
    }
    VariableExpiry.nextIsAccess();
    try {
      return store.getIfPresent(key);
    } finally {
      VariableExpiry.clear();
    }
  }

  /**
   * Loads an absent key under read-through, once however many threads miss it at the same time: the first
   * loads (outside every lock of the store), the others wait for its value or its exception, as Caffeine's
   * AsyncCache does with its futures.
   */
  private V loadAndStore(K key) {
    V value = loads.compute(key, () -> loadAndStoreOnce(key), k -> new CacheLoaderException(
        "The cache loader of cache '" + name + "' needs the key " + k + " it is loading (it reads it, directly or "
        + "through loads on other threads that wait for it)"));
    // Each caller gets its own copy: the waiters share the one value the load produced.
    return copier.copy(value);
  }

  /** The loaded value, or the value another writer stored meanwhile; not copied out. */
  private V loadAndStoreOnce(K key) {
    V loaded = loader.load(key);
    return loaded == null ? null : storeLoadedIfAbsent(key, loaded);
  }

  /** Stores a loaded value unless the key has one; returns the value the key has now (not copied out). */
  private V storeLoadedIfAbsent(K key, V loaded) {
    checkTypes(key, loaded);
    K storedKey = copier.copy(key);
    V storedValue = copier.copy(loaded);
    EventBatch<K, V> batch = events.batch();
    Object[] present = new Object[1];
    compute(storedKey, (k, old) -> {
      if (old != null) {
        present[0] = old;
        VariableExpiry.next(ExpiryDecisions.UNCHANGED);
        return old;
      }
      long life = expiry.forCreation();
      if (life == 0L) {
        return null;
      }
      lifetime(life);
      if (batch != null) {
        batch.created(key, loaded);
      }
      return storedValue;
    });
    dispatch(batch);
    @SuppressWarnings("unchecked")
    V winner = (V) present[0];
    return winner == null ? loaded : winner;
  }

  /**
   * Reads each key; under read-through the missing keys are loaded with one {@code loadAll} call. A failing
   * {@code loadAll} stores nothing and throws {@link CacheLoaderException}; a cache closed by another thread
   * while it loads stores nothing and throws {@link IllegalStateException}. The loads of {@code getAll} are not
   * shared with concurrent single {@code get}s of the same keys.
   */
  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    requireOpen();
    requireKeys(keys);
    Map<K, V> result = new LinkedHashMap<>(Math.max(4, keys.size() * 2));
    List<K> missing = readThrough ? new ArrayList<>() : null;
    for (K key : keys) {
      V value = getCounted(key, false);
      if (value != null) {
        result.put(key, value);
      } else if (missing != null) {
        missing.add(key);
      }
    }
    if (missing != null && !missing.isEmpty()) {
      Map<K, V> loaded = loader.loadAll(missing);
      // closed by another thread while the loader ran: say so rather than store into a closed cache
      requireOpen();
      if (loaded != null) {
        for (K key : missing) {
          V value = loaded.get(key);
          if (value != null) {
            result.put(key, copier.copy(storeLoadedIfAbsent(key, value)));
          }
        }
      }
    }
    return result;
  }

  @Override
  public boolean containsKey(K key) {
    requireOpen();
    requireNonNull(key, "key must not be null");
    boolean present = store.asMap().containsKey(key);
    events.deliverPending();
    return present;
  }

  @Override
  public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
    requireOpen();
    requireKeys(keys);
    if (loader == null) {
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
          if (replaceExistingValues || !store.asMap().containsKey(key)) {
            toLoad.add(key);
          }
        }
        Map<K, V> loaded = toLoad.isEmpty() ? Map.of() : loader.loadAll(toLoad);
        if (loaded != null) {
          for (Map.Entry<K, V> entry : loaded.entrySet()) {
            if (entry.getKey() != null && entry.getValue() != null) {
              storeLoaded(entry.getKey(), entry.getValue(), replaceExistingValues);
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
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // Reported where a failed load is reported, so that a caller waiting on its listener is not left waiting.
      CacheException rejected = new CacheException("Cache '" + name + "': its executor "
          + executor.getClass().getName() + " rejected the loadAll task; nothing was loaded", e);
      if (completionListener == null) {
        throw rejected;
      }
      completionListener.onException(rejected);
    }
  }

  /** Stores a loaded value: not written through and not counted as a put, as the spec says of loads. */
  private void storeLoaded(K key, V value, boolean replaceExisting) {
    checkTypes(key, value);
    K storedKey = copier.copy(key);
    V storedValue = copier.copy(value);
    EventBatch<K, V> batch = events.batch();
    compute(storedKey, (k, old) -> {
      if (old == null) {
        long life = expiry.forCreation();
        if (life == 0L) {
          return null;
        }
        lifetime(life);
        if (batch != null) {
          batch.created(key, value);
        }
        return storedValue;
      }
      if (!replaceExisting) {
        VariableExpiry.next(ExpiryDecisions.UNCHANGED);
        return old;
      }
      lifetime(expiry.forUpdate());
      if (batch != null) {
        batch.updated(key, value, old);
      }
      return storedValue;
    });
    dispatch(batch);
  }

  // ---------------------------------------------------------------------------------------------- writes

  @Override
  public void put(K key, V value) {
    if ((mode & SLOW_WRITES) == 0) {
      requireEntry(key, value);
      if (!(index != null && key instanceof CacheKey)) {
        // The hot path, kept small enough for the JIT to inline.
        store.put(copier.copy(key), copier.copy(value));
        return;
      }
    }
    putCounted(key, value);
  }

  private void putCounted(K key, V value) {
    requireOpen();
    requireEntry(key, value);
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    boolean stored;
    if (isPlainStore(key)) {
      store.put(copier.copy(key), copier.copy(value));
      stored = true;
    } else {
      stored = upsert(key, value, true, null, ASK_POLICY);
    }
    if (stats && stored) {
      statistics.recordPuts(1);
      statistics.recordPutTime(System.nanoTime() - start);
    }
  }

  @Override
  public V getAndPut(K key, V value) {
    requireOpen();
    requireEntry(key, value);
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    Object[] previous = new Object[1];
    boolean stored = upsert(key, value, true, previous, ASK_POLICY);
    @SuppressWarnings("unchecked")
    V old = (V) previous[0];
    if (stats) {
      if (old == null) {
        statistics.recordMisses(1);
      } else {
        statistics.recordHits(1);
      }
      if (stored) {
        statistics.recordPuts(1);
        statistics.recordPutTime(System.nanoTime() - start);
      }
    }
    return old;
  }

  /**
   * Creates or updates an entry in one atomic step, writing through when asked, and returns whether a value was
   * stored (a new entry whose creation lifetime is zero is not).
   *
   * @param previous when not null, receives the value that was replaced
   * @param lifetime the entry's lifetime in nanoseconds, or {@link #ASK_POLICY}
   */
  private boolean upsert(K key, V value, boolean writeThrough, Object[] previous, long lifetime) {
    return upsert(key, value, copier.copy(key), copier.copy(value), writeThrough, previous, lifetime);
  }

  /** As {@link #upsert(Object, Object, boolean, Object[], long)}, with the stored copies already made. */
  private boolean upsert(K key, V value, K storedKey, V storedValue, boolean writeThrough, Object[] previous,
      long lifetime) {
    EventBatch<K, V> batch = events.batch();
    boolean[] stored = new boolean[1];
    compute(storedKey, (k, old) -> {
      if (writeThrough && writer != null) {
        writer.write(new CacheEntry<>(key, value));
      }
      if (old == null) {
        long life = lifetime == ASK_POLICY ? expiry.forCreation() : lifetime;
        if (life == 0L) {
          return null;
        }
        lifetime(life);
        stored[0] = true;
        if (batch != null) {
          batch.created(key, value);
        }
        return storedValue;
      }
      if (previous != null) {
        previous[0] = old;
      }
      lifetime(lifetime == ASK_POLICY ? expiry.forUpdate() : lifetime);
      stored[0] = true;
      if (batch != null) {
        batch.updated(key, value, old);
      }
      return storedValue;
    });
    dispatch(batch);
    return stored[0];
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    requireOpen();
    requireNonNull(map, "map must not be null");
    for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
      requireEntry(entry.getKey(), entry.getValue());
    }
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    // Every copy is made first, so that a value that cannot be copied changes nothing, not even the writer's store.
    List<Object[]> entries = new ArrayList<>(map.size()); // key, value, stored key, stored value
    for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
      entries.add(new Object[] {entry.getKey(), entry.getValue(), copier.copy(entry.getKey()),
          copier.copy(entry.getValue())});
    }
    CacheWriterException failure = null;
    Set<Object> unwritten = Set.of();
    if (writer != null) {
      Collection<Cache.Entry<? extends K, ? extends V>> toWrite = new ArrayList<>(map.size());
      for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
        toWrite.add(new CacheEntry<>(entry.getKey(), entry.getValue()));
      }
      try {
        writer.writeAll(toWrite);
      } catch (CacheWriterException e) {
        // Only what the writer wrote (took out of the collection) goes into the cache.
        failure = e;
        unwritten = new HashSet<>();
        for (Cache.Entry<? extends K, ? extends V> entry : toWrite) {
          unwritten.add(entry.getKey());
        }
      }
    }
    long puts = 0;
    for (Object[] entry : entries) {
      if (!unwritten.contains(entry[0]) && putCopied(entry)) {
        puts++;
      }
    }
    if (stats && puts > 0) {
      statistics.recordPuts(puts);
      statistics.recordPutTime(System.nanoTime() - start);
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Stores one of putAll's entries (key, value, stored key, stored value), already written through. */
  @SuppressWarnings("unchecked")
  private boolean putCopied(Object[] entry) {
    K key = (K) entry[0];
    if (isPlainStore(key)) {
      store.put((K) entry[2], (V) entry[3]);
      return true;
    }
    return upsert(key, (V) entry[1], (K) entry[2], (V) entry[3], false, null, ASK_POLICY);
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    requireOpen();
    requireEntry(key, value);
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    boolean stored;
    boolean absent;
    if (isPlainStore(key)) {
      stored = store.asMap().putIfAbsent(copier.copy(key), copier.copy(value)) == null;
      absent = stored;
    } else {
      V storedValue = copier.copy(value);
      EventBatch<K, V> batch = events.batch();
      boolean[] outcome = new boolean[2]; // absent, stored
      compute(copier.copy(key), (k, old) -> {
        if (old != null) {
          VariableExpiry.next(ExpiryDecisions.UNCHANGED);
          return old;
        }
        outcome[0] = true;
        if (writer != null) {
          writer.write(new CacheEntry<>(key, value));
        }
        long life = expiry.forCreation();
        if (life == 0L) {
          // written through, but expired before it was ever in the cache: no value was set
          return null;
        }
        outcome[1] = true;
        lifetime(life);
        if (batch != null) {
          batch.created(key, value);
        }
        return storedValue;
      });
      dispatch(batch);
      absent = outcome[0];
      stored = outcome[1];
    }
    if (stats) {
      if (stored) {
        statistics.recordPuts(1);
        statistics.recordPutTime(System.nanoTime() - start);
      }
      if (absent) {
        statistics.recordMisses(1);
      } else {
        statistics.recordHits(1);
      }
    }
    return stored;
  }

  @Override
  public boolean remove(K key) {
    requireOpen();
    requireNonNull(key, "key must not be null");
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    boolean removed;
    if (isPlainStore(key)) {
      removed = store.asMap().remove(key) != null;
    } else {
      removed = removeEntry(key, true) != null;
    }
    if (stats && removed) {
      statistics.recordRemovals(1);
      statistics.recordRemoveTime(System.nanoTime() - start);
    }
    return removed;
  }

  /** Removes an entry in one atomic step and returns the removed value, or {@code null} if it was absent. */
  private V removeEntry(K key, boolean writeThrough) {
    EventBatch<K, V> batch = events.batch();
    Object[] removed = new Object[1];
    compute(key, (k, old) -> {
      if (writeThrough && writer != null) {
        writer.delete(key);
      }
      if (old != null) {
        removed[0] = old;
        if (batch != null) {
          batch.removed(key, old);
        }
      }
      return null;
    });
    dispatch(batch);
    @SuppressWarnings("unchecked")
    V value = (V) removed[0];
    return value;
  }

  @Override
  public boolean remove(K key, V oldValue) {
    requireOpen();
    requireNonNull(key, "key must not be null");
    requireNonNull(oldValue, "oldValue must not be null");
    return replaceIfEquals(key, oldValue, null);
  }

  @Override
  public V getAndRemove(K key) {
    requireOpen();
    requireNonNull(key, "key must not be null");
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    V removed = removeEntry(key, true);
    if (stats) {
      if (removed == null) {
        statistics.recordMisses(1);
      } else {
        statistics.recordHits(1);
        statistics.recordRemovals(1);
        statistics.recordRemoveTime(System.nanoTime() - start);
      }
    }
    return removed;
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    requireOpen();
    requireNonNull(oldValue, "oldValue must not be null");
    requireEntry(key, newValue);
    return replaceIfEquals(key, oldValue, newValue);
  }

  /**
   * Replaces the value of {@code key} with {@code newValue}, or removes the entry when {@code newValue} is null,
   * if its present value equals {@code expected}. A present value that differs counts as an access.
   */
  private boolean replaceIfEquals(K key, V expected, V newValue) {
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    V storedValue = copier.copy(newValue);
    EventBatch<K, V> batch = events.batch();
    int[] outcome = new int[1]; // 0 absent, 1 present but different, 2 replaced or removed
    compute(key, (k, old) -> {
      if (old == null) {
        return null;
      }
      if (!old.equals(expected)) {
        outcome[0] = 1;
        lifetime(expiry.forAccess());
        return old;
      }
      outcome[0] = 2;
      if (newValue == null) {
        if (writer != null) {
          writer.delete(key);
        }
        if (batch != null) {
          batch.removed(key, old);
        }
        return null;
      }
      if (writer != null) {
        writer.write(new CacheEntry<>(key, newValue));
      }
      lifetime(expiry.forUpdate());
      if (batch != null) {
        batch.updated(key, newValue, old);
      }
      return storedValue;
    });
    dispatch(batch);
    if (stats) {
      if (outcome[0] == 0) {
        statistics.recordMisses(1);
      } else {
        statistics.recordHits(1);
      }
      if (outcome[0] == 2 && newValue == null) {
        statistics.recordRemovals(1);
        statistics.recordRemoveTime(System.nanoTime() - start);
      } else if (outcome[0] == 2) {
        statistics.recordPuts(1);
        statistics.recordPutTime(System.nanoTime() - start);
      }
    }
    return outcome[0] == 2;
  }

  @Override
  public boolean replace(K key, V value) {
    return replaceExisting(key, value) != null;
  }

  @Override
  public V getAndReplace(K key, V value) {
    return replaceExisting(key, value);
  }

  /** Replaces a present value and returns the value it replaced, or {@code null} when the key was absent. */
  private V replaceExisting(K key, V value) {
    requireOpen();
    requireEntry(key, value);
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    V storedValue = copier.copy(value);
    EventBatch<K, V> batch = events.batch();
    Object[] previous = new Object[1];
    compute(key, (k, old) -> {
      if (old == null) {
        return null;
      }
      if (writer != null) {
        writer.write(new CacheEntry<>(key, value));
      }
      previous[0] = old;
      lifetime(expiry.forUpdate());
      if (batch != null) {
        batch.updated(key, value, old);
      }
      return storedValue;
    });
    dispatch(batch);
    @SuppressWarnings("unchecked")
    V old = (V) previous[0];
    if (stats) {
      if (old == null) {
        statistics.recordMisses(1);
      } else {
        statistics.recordHits(1);
        statistics.recordPuts(1);
        statistics.recordPutTime(System.nanoTime() - start);
      }
    }
    return old;
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    requireOpen();
    requireKeys(keys);
    removeKeys(new LinkedHashSet<>(keys));
  }

  @Override
  public void removeAll() {
    requireOpen();
    removeKeys(new LinkedHashSet<>(store.asMap().keySet()));
  }

  private void removeKeys(Set<K> keys) {
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    CacheWriterException failure = null;
    Set<K> toRemove = keys;
    if (writer != null && !keys.isEmpty()) {
      Collection<K> undeleted = new ArrayList<>(keys);
      try {
        writer.deleteAll(undeleted);
      } catch (CacheWriterException e) {
        failure = e;
        // Only what the writer deleted (took out of the collection) leaves the cache.
        toRemove = new LinkedHashSet<>(keys);
        toRemove.removeAll(undeleted);
      }
    }
    long removals = 0;
    for (K key : toRemove) {
      if (removeEntry(key, false) != null) {
        removals++;
      }
    }
    if (stats && removals > 0) {
      statistics.recordRemovals(removals);
      statistics.recordRemoveTime(System.nanoTime() - start);
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void clear() {
    requireOpen();
    if (index == null || index.isEmpty()) {
      store.invalidateAll();
      return;
    }
    // Key by key, so that each key leaves the index in the same step as it leaves the cache.
    for (K key : store.asMap().keySet()) {
      compute(key, (k, old) -> null);
    }
  }

  // ---------------------------------------------------------------------------------------------- processors

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    requireOpen();
    requireNonNull(key, "key must not be null");
    requireNonNull(entryProcessor, "entryProcessor must not be null");
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    EventBatch<K, V> batch = events.batch();
    Object[] result = new Object[1];
    ProcessorEntry.Action[] done = new ProcessorEntry.Action[1];
    Boolean[] hit = new Boolean[1];
    V after;
    try {
      after = compute(copier.copy(key), (k, old) -> {
        hit[0] = old != null;
        ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, copier.copy(old), readThrough ? loader::load : null);
        try {
          result[0] = entryProcessor.process(entry, arguments);
        } catch (EntryProcessorException e) {
          throw e;
        } catch (RuntimeException e) {
          throw new EntryProcessorException("The entry processor failed on key " + key + ": " + e, e);
        }
        done[0] = entry.action();
        return apply(key, old, entry, batch);
      });
    } finally {
      // the entry was looked at even when the processor failed: one hit or miss either way, as the RI counts
      if (stats && hit[0] != null) {
        if (hit[0]) {
          statistics.recordHits(1);
        } else {
          statistics.recordMisses(1);
        }
        statistics.recordGetTime(System.nanoTime() - start);
      }
    }
    dispatch(batch);
    if (stats) {
      // a value created with a lifetime of zero was never in the cache: no put
      if ((done[0] == ProcessorEntry.Action.CREATE && after != null) || done[0] == ProcessorEntry.Action.UPDATE) {
        statistics.recordPuts(1);
        statistics.recordPutTime(System.nanoTime() - start);
      } else if (done[0] == ProcessorEntry.Action.REMOVE && hit[0] == Boolean.TRUE) {
        statistics.recordRemovals(1);
        statistics.recordRemoveTime(System.nanoTime() - start);
      }
    }
    @SuppressWarnings("unchecked")
    T value = (T) result[0];
    return value;
  }

  /** Turns what an entry processor did into the entry's new stored value, inside the entry's compute. */
  private V apply(K key, V old, ProcessorEntry<K, V> entry, EventBatch<K, V> batch) {
    V value = entry.value();
    switch (entry.action()) {
      case NONE:
        VariableExpiry.next(ExpiryDecisions.UNCHANGED);
        return old;
      case ACCESS:
        lifetime(expiry.forAccess());
        return old;
      case LOAD:
      case CREATE: {
        checkTypes(key, value);
        V storedValue = copier.copy(value);
        if (entry.action() == ProcessorEntry.Action.CREATE && writer != null) {
          writer.write(new CacheEntry<>(key, value));
        }
        long life = expiry.forCreation();
        if (life == 0L) {
          return null;
        }
        lifetime(life);
        if (batch != null) {
          batch.created(key, value);
        }
        return storedValue;
      }
      case UPDATE: {
        checkTypes(key, value);
        V storedValue = copier.copy(value);
        if (writer != null) {
          writer.write(new CacheEntry<>(key, value));
        }
        lifetime(expiry.forUpdate());
        if (batch != null) {
          batch.updated(key, value, old);
        }
        return storedValue;
      }
      case REMOVE:
        if (writer != null) {
          writer.delete(key);
        }
        if (batch != null && old != null) {
          batch.removed(key, old);
        }
        return null;
      default:
        throw new AssertionError(entry.action());
    }
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys,
      EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    requireOpen();
    requireKeys(keys);
    requireNonNull(entryProcessor, "entryProcessor must not be null");
    Map<K, EntryProcessorResult<T>> results = new HashMap<>();
    for (K key : keys) {
      try {
        T value = invoke(key, entryProcessor, arguments);
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

  // ---------------------------------------------------------------------------------------------- iteration

  @Override
  public Iterator<Cache.Entry<K, V>> iterator() {
    requireOpen();
    Iterator<Map.Entry<K, V>> entries = store.asMap().entrySet().iterator();
    return new Iterator<>() {
      private K last;

      @Override
      public boolean hasNext() {
        boolean more = entries.hasNext();
        events.deliverPending();
        return more;
      }

      @Override
      public Cache.Entry<K, V> next() {
        if (!entries.hasNext()) {
          throw new NoSuchElementException();
        }
        Map.Entry<K, V> entry = entries.next();
        last = entry.getKey();
        if (statisticsEnabled) {
          statistics.recordHits(1);
        }
        if (variableExpiry) {
          long life = expiry.forAccess();
          if (life != ExpiryDecisions.UNCHANGED) {
            store.policy().expireVariably().ifPresent(
                policy -> policy.setExpiresAfter(entry.getKey(), life, TimeUnit.NANOSECONDS));
          }
        }
        return new CacheEntry<>(entry.getKey(), copier.copy(entry.getValue()));
      }

      @Override
      public void remove() {
        if (last == null) {
          throw new IllegalStateException("next() has not been called, or remove() was called already");
        }
        CaffeineJCache.this.remove(last);
        last = null;
      }
    };
  }

  // ---------------------------------------------------------------------------------------------- listeners

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    requireOpen();
    events.register(listenerConfiguration);
    configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
    updateMode();
  }

  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    requireOpen();
    events.deregister(listenerConfiguration);
    configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
    updateMode();
  }

  // ---------------------------------------------------------------------------------------------- life cycle

  @Override
  public String getName() {
    return name;
  }

  @Override
  public CacheManager getCacheManager() {
    return manager;
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
    if (clazz.isInstance(configuration)) {
      return clazz.cast(configuration);
    }
    throw new IllegalArgumentException("The configuration of cache '" + name + "' is a "
        + configuration.getClass().getName() + ", not a " + clazz.getName());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    updateMode();
    manager.release(this);
    unregisterBeans();
    events.close();
    closeQuietly(expiry.policy());
    if (loader != null) {
      closeQuietly(loader.delegate());
    }
    if (writer != null) {
      closeQuietly(writer.delegate());
    }
    store.invalidateAll();
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    requireNonNull(clazz, "clazz must not be null");
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    if (clazz.isInstance(store)) {
      return clazz.cast(store);
    }
    if (clazz == KeyedCache.class || clazz == io.keyedcache.AbstractKeyedCache.class) {
      return clazz.cast(keyed());
    }
    throw new IllegalArgumentException("Cache '" + name + "' cannot be unwrapped to " + clazz.getName());
  }

  /** The keyed view of this cache, made on first use. */
  @SuppressWarnings("unchecked")
  private NativeKeyedCache<V> keyed() {
    if (index == null) {
      throw new IllegalArgumentException("Cache '" + name + "' has keys of type "
          + configuration.getKeyType().getName() + "; a KeyedCache needs a cache whose key type is Object or "
          + CacheKey.class.getName());
    }
    NativeKeyedCache<V> view = keyed;
    if (view == null) {
      synchronized (this) {
        view = keyed;
        if (view == null) {
          view = new NativeKeyedCache<>((CaffeineJCache<CacheKey, V>) this);
          keyed = view;
        }
      }
    }
    return view;
  }

  /**
   * Puts with a lifetime of its own for this entry, in place of the expiry policy's: a JCache put in every other
   * way (writer, events, statistics).
   *
   * @throws IllegalStateException if the cache keeps no per-entry expiry (eternal policy without
   *     {@link KeyedCacheConfiguration#perEntryLifetimes(boolean)})
   */
  void putWithLifetime(K key, V value, long nanos) {
    requireOpen();
    requireEntry(key, value);
    if (!variableExpiry) {
      throw new IllegalStateException("Cache '" + name + "' cannot give one entry its own lifetime: create it with"
          + " KeyedCacheConfiguration.perEntryLifetimes(true), or with an expiry policy other than eternal");
    }
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    boolean stored = upsert(key, value, true, null, Math.max(1L, nanos));
    if (stats && stored) {
      statistics.recordPuts(1);
      statistics.recordPutTime(System.nanoTime() - start);
    }
  }

  /** The keys of {@code key}'s group present now. */
  List<CacheKey> group(CacheKey key) {
    return index.group(key);
  }

  /** The keys the prefix index holds, for checks; empty when the cache keeps no index. */
  List<CacheKey> indexedKeys() {
    return index == null ? List.of() : index.keys();
  }

  /** The statistics bean; its values are live while statistics are enabled. */
  public CacheStatisticsMXBean statistics() {
    return statistics;
  }

  KeyedCacheConfiguration<K, V> configuration() {
    return configuration;
  }

  void setStatisticsEnabled(boolean enabled) {
    statisticsEnabled = enabled;
    updateMode();
    configuration.setStatisticsEnabled(enabled);
    if (enabled) {
      MBeans.register(statistics, MBeans.Kind.STATISTICS, manager.getURI().toString(), name);
    } else {
      MBeans.unregister(MBeans.Kind.STATISTICS, manager.getURI().toString(), name);
    }
  }

  void setManagementEnabled(boolean enabled) {
    managementEnabled = enabled;
    configuration.setManagementEnabled(enabled);
    if (enabled) {
      MBeans.register(configurationBean, MBeans.Kind.CONFIGURATION, manager.getURI().toString(), name);
    } else {
      MBeans.unregister(MBeans.Kind.CONFIGURATION, manager.getURI().toString(), name);
    }
  }

  private void unregisterBeans() {
    MBeans.unregister(MBeans.Kind.STATISTICS, manager.getURI().toString(), name);
    MBeans.unregister(MBeans.Kind.CONFIGURATION, manager.getURI().toString(), name);
  }

  // ---------------------------------------------------------------------------------------------- helpers

  /**
   * Whether a write may go straight to Caffeine: nobody listens, nothing is written through, nothing expires and
   * the key is not one the prefix index must follow.
   */
  private boolean isPlainStore(K key) {
    return !variableExpiry && writer == null && !events.isActive() && !(index != null && key instanceof CacheKey);
  }

  /** Caffeine's compute, keeping the prefix index in step and clearing a lifetime nobody took. */
  private V compute(K key, BiFunction<? super K, ? super V, ? extends V> remapping) {
    try {
      if (index != null && key instanceof CacheKey) {
        CacheKey indexed = (CacheKey) key;
        return store.asMap().compute(key, (k, old) -> {
          V updated = remapping.apply(k, old);
          if (old == null && updated != null) {
            index.add(indexed);
          } else if (old != null && updated == null) {
            index.remove(indexed);
          }
          return updated;
        });
      }
      return store.asMap().compute(key, remapping);
    } finally {
      if (variableExpiry) {
        VariableExpiry.clear();
      }
    }
  }

  /** Leaves the lifetime the entry being written gets, for Caffeine's expiry callback that follows. */
  private void lifetime(long nanos) {
    if (variableExpiry) {
      VariableExpiry.next(nanos);
    }
  }

  private void dispatch(EventBatch<K, V> batch) {
    if (batch != null) {
      batch.dispatch();
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("Cache '" + name + "' is closed");
    }
  }

  private void requireEntry(K key, V value) {
    requireNonNull(key, "key must not be null");
    requireNonNull(value, "value must not be null");
    checkTypes(key, value);
  }

  private static void requireKeys(Set<?> keys) {
    requireNonNull(keys, "keys must not be null");
    for (Object key : keys) {
      requireNonNull(key, "keys must not contain null");
    }
  }

  private void checkTypes(K key, V value) {
    if (keyType != null && !keyType.isInstance(key)) {
      throw new ClassCastException("Cache '" + name + "' takes keys of type " + keyType.getName()
          + ", not " + key.getClass().getName());
    }
    if (valueType != null && !valueType.isInstance(value)) {
      throw new ClassCastException("Cache '" + name + "' takes values of type " + valueType.getName()
          + ", not " + value.getClass().getName());
    }
  }

  private static void closeQuietly(Object object) {
    if (object instanceof Closeable || object instanceof AutoCloseable) {
      try {
        ((AutoCloseable) object).close();
      } catch (Exception e) {
        System.getLogger(CaffeineJCache.class.getName()).log(System.Logger.Level.WARNING,
            "Failed to close " + object, e);
      }
    }
  }

  @Override
  public String toString() {
    return "CaffeineJCache[" + name + "]";
  }
}
