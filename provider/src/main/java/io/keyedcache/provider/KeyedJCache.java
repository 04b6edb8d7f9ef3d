package io.keyedcache.provider;

import static java.util.Objects.requireNonNull;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import io.keyedcache.provider.copy.Copier;
import io.keyedcache.provider.event.EventDispatcher;
import io.keyedcache.provider.expiry.ExpiryDecisions;
import io.keyedcache.provider.integration.Loader;
import io.keyedcache.provider.integration.Writer;
import io.keyedcache.provider.management.KeyedCacheMXBean;
import io.keyedcache.provider.management.Statistics;
import io.keyedcache.provider.store.Store;
import io.keyedcache.provider.store.StoreFactory;
import io.keyedcache.provider.store.StoreSettings;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.integration.CompletionListener;
import javax.cache.management.CacheStatisticsMXBean;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;

/**
 * The JCache {@link Cache} of keyedcache, over a {@link Store} of either tier.
 *
 * <p>This is the JCache layer: when to ask the expiry policy, which events to publish, what the statistics count,
 * when to call the loader and the writer, entry processors, copying and type checks. Each change to an entry is a
 * {@link io.keyedcache.provider.store.Step} that the store applies atomically per key; the layer's side effects
 * come once per operation whatever the store does to apply it. When statistics are off, no listener is registered,
 * nothing is written through and entries never expire, {@code get} and {@code put} go straight to the store.
 *
 * <p>Thread-safe. Obtain instances from {@link KeyedCacheManager#createCache}; {@link #unwrap} gives this class,
 * the keyed view ({@link KeyedCache}), its operations for operators ({@link KeyedCacheMXBean}, also when management
 * is off) or the engine underneath (on the embedded tier, the Caffeine
 * {@link com.github.benmanes.caffeine.cache.Cache}).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class KeyedJCache<K, V> implements Cache<K, V> {
  private final String name;
  private final KeyedCacheManager manager;
  private final KeyedCacheConfiguration<K, V> configuration;
  private final Store<K, V> store;
  final Copier copier;
  /** The copy of a value the store hands out: none when the store's reads are copies already. */
  final Copier copyOut;
  final ExpiryDecisions expiry;
  /** Whether the store keeps a lifetime with every entry (the policy is not eternal, or the configuration asks). */
  private final boolean expiring;
  final EventDispatcher<K, V> events;
  final Statistics statistics = new Statistics();
  final Loader<K, V> loader;
  final boolean readThrough;
  final Writer<K, V> writer;
  final Executor executor;
  private final Class<?> keyType;
  private final Class<?> valueType;
  private final Management management;
  final ReadThrough<K, V> loads;
  private final boolean keyed;
  private final SettingsSource source;
  private final NativeKeyedCache<V> keyedView;

  private volatile boolean closed;
  volatile boolean statisticsEnabled;
  /** Whether a store that is not expiring has been given a lifetime of an entry's own. */
  private volatile boolean lifetimes;

  // What sends get and put off their hot paths, folded into one field so that the hot paths test it with one load.
  private static final int CLOSED = 1;
  private static final int STATISTICS = 2;
  private static final int READ_THROUGH = 4;
  private static final int EXPIRING = 8;
  private static final int WRITE_THROUGH = 16;
  private static final int LISTENED = 32;
  private static final int LIFETIMES = 64;
  private static final int SLOW_READS = CLOSED | STATISTICS | READ_THROUGH | EXPIRING | LIFETIMES;
  private static final int SLOW_WRITES = CLOSED | STATISTICS | EXPIRING | WRITE_THROUGH | LISTENED | LIFETIMES;
  private volatile int mode;

  KeyedJCache(KeyedCacheManager manager, String name, KeyedCacheConfiguration<K, V> configuration,
      StoreFactory stores) {
    this(manager, name, configuration, stores, SettingsSource.CODE);
  }

  KeyedJCache(KeyedCacheManager manager, String name, KeyedCacheConfiguration<K, V> configuration,
      StoreFactory stores, SettingsSource source) {
    this.manager = manager;
    this.source = source;
    this.name = name;
    this.configuration = configuration;
    this.executor = configuration.getExecutor() == null ? ForkJoinPool.commonPool() : configuration.getExecutor();
    this.expiry = new ExpiryDecisions(requireNonNull(configuration.getExpiryPolicyFactory().create(),
        () -> "The expiry policy factory of cache '" + name + "' returned null"));
    this.expiring = !expiry.isEternal() || configuration.isPerEntryLifetimes();
    this.loader = configuration.getCacheLoaderFactory() == null
        ? null : new Loader<>(configuration.getCacheLoaderFactory().create());
    this.readThrough = configuration.isReadThrough() && loader != null;
    this.writer = (configuration.isWriteThrough() && configuration.getCacheWriterFactory() != null)
        ? new Writer<>(configuration.getCacheWriterFactory().create()) : null;
    this.keyType = configuration.getKeyType() == Object.class ? null : configuration.getKeyType();
    this.valueType = configuration.getValueType() == Object.class ? null : configuration.getValueType();
    this.keyed = configuration.getKeyType().isAssignableFrom(CacheKey.class);
    this.events = new EventDispatcher<>(this, executor);
    for (CacheEntryListenerConfiguration<K, V> listener : configuration.getCacheEntryListenerConfigurations()) {
      events.register(listener);
    }
    this.store = stores.create(new StoreSettings<>(name, configuration, executor, expiring, keyed),
        new StoreCallbacks<>(this));
    this.copier = configuration.isStoreByValue() ? Copier.withFallback(
        Copier.serializing(manager.getClassLoader(), source.storeByReference()), store::copyAsStored) : Copier.identity();
    this.copyOut = store.readsAreCopies() ? Copier.identity() : copier;
    this.loads = new ReadThrough<>(this, store, configuration.getRefreshAfter());
    this.keyedView = keyed ? keyedView(store) : null;
    this.management = new Management(this, Tiers.redact(manager.getURI()), configuration);
    management.setStatisticsEnabled(configuration.isStatisticsEnabled());
    management.setManagementEnabled(configuration.isManagementEnabled());
    updateMode();
  }

  synchronized void updateMode() {
    mode = (closed ? CLOSED : 0) | (statisticsEnabled ? STATISTICS : 0) | (readThrough ? READ_THROUGH : 0)
        | (expiring ? EXPIRING : 0) | (writer != null ? WRITE_THROUGH : 0) | (events.isActive() ? LISTENED : 0)
        | (lifetimes ? LIFETIMES : 0);
  }

  // ---------------------------------------------------------------------------------------------- reads

  @Override
  public V get(K key) {
    // The mode test comes first: a closed cache answers IllegalStateException even to a null key.
    if ((mode & SLOW_READS) != 0) {
      return getCounted(key);
    }
    requireNonNull(key, "key must not be null");
    // The hot path, kept small enough for the JIT to inline: the store's read and the copy out.
    V value = store.peek(key);
    return value == null ? null : copyOut.copy(value);
  }

  /** A get that records statistics, counts as an access for expiry, or loads a missing value. */
  private V getCounted(K key) {
    requireOpen();
    requireNonNull(key, "key must not be null");
    return getCounted(key, readThrough);
  }

  V getCounted(K key, boolean load) {
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    V value = store.read(key);
    events.deliverPending();
    if (value != null) {
      value = copyOut.copy(value);
    }
    if (stats) {
      statistics.recordLookup(value != null);
    }
    if (load) {
      value = value == null ? loads.load(key) : loads.found(key, value);
    }
    if (stats) {
      statistics.recordGetTime(System.nanoTime() - start);
    }
    return value;
  }

  /**
   * Reads each key; under read-through the missing keys are loaded with one {@code loadAll} call (see
   * {@link ReadThrough#getAll}).
   */
  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    requireOpen();
    Bulk.requireKeys(keys);
    return loads.getAll(keys);
  }

  @Override
  public boolean containsKey(K key) {
    requireOpen();
    requireNonNull(key, "key must not be null");
    boolean present = store.contains(key);
    events.deliverPending();
    return present;
  }

  @Override
  public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
    requireOpen();
    Bulk.requireKeys(keys);
    loads.loadAll(keys, replaceExistingValues, completionListener);
  }

  // ---------------------------------------------------------------------------------------------- writes

  @Override
  public void put(K key, V value) {
    if ((mode & SLOW_WRITES) == 0) {
      requireEntry(key, value);
      // The hot path, kept small enough for the JIT to inline.
      store.put(copier.copy(key), copier.copy(value));
      return;
    }
    putCounted(key, value, Upsert.ASK_POLICY);
  }

  private void putCounted(K key, V value, long lifetime) {
    requireOpen();
    requireEntry(key, value);
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    boolean stored;
    if (isPlain() && lifetime == Upsert.ASK_POLICY) {
      store.put(copier.copy(key), copier.copy(value));
      stored = true;
    } else {
      stored = apply(upsert(key, value, true, true, lifetime)).stored();
    }
    if (stats && stored) {
      statistics.recordPutsSince(1, start);
    }
  }

  /**
   * Puts with a lifetime of its own for this entry, in place of the expiry policy's: a JCache put in every other
   * way (writer, events, statistics). On a store that keeps no lifetimes, the entry's value carries it, and from
   * then on reads and writes of this cache take the path that looks for such values.
   */
  void putWithLifetime(K key, V value, long nanos) {
    requireOpen();
    requireEntry(key, value); // before the switch below: bad input leaves the cache as it was
    if (!expiring && !lifetimes) {
      lifetimes = true;
      updateMode();
    }
    putCounted(key, value, Math.max(1L, nanos));
  }

  @Override
  public V getAndPut(K key, V value) {
    requireOpen();
    requireEntry(key, value);
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    Upsert<K, V> put = apply(upsert(key, value, true, true, Upsert.ASK_POLICY));
    V old = put.previous();
    if (stats) {
      statistics.recordLookup(old != null);
      if (put.stored()) {
        statistics.recordPutsSince(1, start);
      }
    }
    return old;
  }

  /** A change that creates or updates {@code key}; copies key and value for store-by-value (key first). */
  Upsert<K, V> upsert(K key, V value, boolean writeThrough, boolean replace, long lifetime) {
    K storedKey = copier.copy(key);
    return new Upsert<>(this, key, storedKey, value, copier.copy(value), writeThrough, replace, lifetime);
  }

  /** Applies a change under the key's stored copy and delivers its events. */
  <C extends Change<K, V>> C apply(C change) {
    store.apply(change.storedKey(), change);
    change.dispatch();
    return change;
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    requireOpen();
    requireNonNull(map, "map must not be null");
    for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
      requireEntry(entry.getKey(), entry.getValue());
    }
    Bulk.putAll(this, store, map, isPlain());
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    requireOpen();
    requireEntry(key, value);
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    boolean stored;
    boolean absent;
    if (isPlain()) {
      stored = store.putIfAbsent(copier.copy(key), copier.copy(value)) == null;
      absent = stored;
    } else {
      Upsert<K, V> put = apply(upsert(key, value, true, false, Upsert.ASK_POLICY));
      absent = put.previous() == null;
      stored = put.stored();
    }
    if (stats) {
      if (stored) {
        statistics.recordPutsSince(1, start);
      }
      statistics.recordLookup(!absent);
    }
    return stored;
  }

  @Override
  public boolean remove(K key) {
    requireOpen();
    requireNonNull(key, "key must not be null");
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    boolean removed = (isPlain() ? store.remove(key) : apply(new Removal<>(this, key, true)).removed()) != null;
    if (stats && removed) {
      statistics.recordRemovalsSince(1, start);
    }
    return removed;
  }

  @Override
  public boolean remove(K key, V oldValue) {
    requireOpen();
    requireNonNull(key, "key must not be null");
    requireNonNull(oldValue, "oldValue must not be null");
    return Replacement.replaceIfEquals(this, key, oldValue, null);
  }

  @Override
  public V getAndRemove(K key) {
    requireOpen();
    requireNonNull(key, "key must not be null");
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    V removed = apply(new Removal<>(this, key, true)).removed();
    if (stats) {
      statistics.recordLookup(removed != null);
      if (removed != null) {
        statistics.recordRemovalsSince(1, start);
      }
    }
    return removed;
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    requireOpen();
    requireNonNull(oldValue, "oldValue must not be null");
    requireEntry(key, newValue);
    return Replacement.replaceIfEquals(this, key, oldValue, newValue);
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
    return Replacement.replaceExisting(this, key, value);
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    requireOpen();
    Bulk.requireKeys(keys);
    Bulk.removeAll(this, store, new LinkedHashSet<>(keys));
  }

  @Override
  public void removeAll() {
    requireOpen();
    Bulk.removeAll(this, store, store.keys());
    store.removeUnreadable();
  }

  @Override
  public void clear() {
    requireOpen();
    store.clear();
  }

  // ---------------------------------------------------------------------------------------------- processors

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    requireOpen();
    requireNonNull(key, "key must not be null");
    requireNonNull(entryProcessor, "entryProcessor must not be null");
    return new Invocation<>(this, key, entryProcessor, arguments).run(store);
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys,
      EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    requireOpen();
    Bulk.requireKeys(keys);
    requireNonNull(entryProcessor, "entryProcessor must not be null");
    return Invocation.all(this, keys, entryProcessor, arguments);
  }

  // ---------------------------------------------------------------------------------------------- iteration

  @Override
  public Iterator<Cache.Entry<K, V>> iterator() {
    requireOpen();
    return new EntryIterator<>(this, store.iterator(), expiring ? store : null);
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
    management.close();
    events.close();
    Management.closeQuietly(expiry.policy());
    if (loader != null) {
      Management.closeQuietly(loader.delegate());
    }
    if (writer != null) {
      Management.closeQuietly(writer.delegate());
    }
    store.close();
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
    if (clazz == KeyedCache.class || clazz == io.keyedcache.AbstractKeyedCache.class) {
      return clazz.cast(keyed());
    }
    if (clazz == KeyedCacheMXBean.class && keyed) {
      return clazz.cast(management.keyedBean());
    }
    T engine = store.unwrap(clazz);
    if (engine != null) {
      return engine;
    }
    throw new IllegalArgumentException("Cache '" + name + "' cannot be unwrapped to " + clazz.getName());
  }

  /** The keyed view of this cache. */
  private NativeKeyedCache<V> keyed() {
    if (!keyed) {
      throw new IllegalArgumentException("Cache '" + name + "' has keys of type "
          + configuration.getKeyType().getName() + source.keyType()
          + "; a KeyedCache needs a cache whose key type is Object or " + CacheKey.class.getName());
    }
    return keyedView;
  }

  @SuppressWarnings("unchecked")
  private NativeKeyedCache<V> keyedView(Store<K, V> store) {
    return new NativeKeyedCache<>((KeyedJCache<CacheKey, V>) this, (Store<CacheKey, V>) store);
  }

  /** About how many entries the store holds. */
  long estimatedSize() {
    return store.estimatedSize();
  }

  /** Whether the cache has a keyed view: its key type admits {@link CacheKey}. */
  boolean isKeyed() {
    return keyed;
  }

  /** The keys of {@code key}'s group present now. */
  @SuppressWarnings("unchecked")
  List<CacheKey> group(CacheKey key) {
    return ((Store<CacheKey, V>) store).group(key);
  }

  /** The statistics bean; its values are live while statistics are enabled. */
  public CacheStatisticsMXBean statistics() {
    return statistics;
  }

  KeyedCacheConfiguration<K, V> configuration() {
    return configuration;
  }

  /** The statistics and management switches, and the MXBeans. */
  Management management() {
    return management;
  }

  // ---------------------------------------------------------------------------------------------- helpers

  /** Whether some entries may have lifetimes: the store keeps them with every entry, or was given one. */
  boolean keepsLifetimes() {
    return expiring || lifetimes;
  }

  /** Whether a write may go straight to the store: nobody listens, nothing is written through, nothing expires. */
  private boolean isPlain() {
    return !keepsLifetimes() && writer == null && !events.isActive();
  }

  void requireOpen() {
    if (closed) {
      throw new IllegalStateException("Cache '" + name + "' is closed");
    }
  }

  private void requireEntry(K key, V value) {
    requireNonNull(key, "key must not be null");
    requireNonNull(value, "value must not be null");
    checkTypes(key, value);
  }

  void checkTypes(K key, V value) {
    if (keyType != null && !keyType.isInstance(key)) {
      throw new ClassCastException("Cache '" + name + "' takes keys of type " + keyType.getName()
          + source.keyType() + ", not " + key.getClass().getName());
    }
    if (valueType != null && !valueType.isInstance(value)) {
      throw new ClassCastException("Cache '" + name + "' takes values of type " + valueType.getName()
          + source.valueType() + ", not " + value.getClass().getName());
    }
  }

  @Override
  public String toString() {
    return "KeyedJCache[" + name + "]";
  }
}
