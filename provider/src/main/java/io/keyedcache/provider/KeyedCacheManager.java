package io.keyedcache.provider;

import static java.util.Objects.requireNonNull;

import io.keyedcache.provider.caffeine.CaffeineStore;
import io.keyedcache.provider.configuration.ConfigurationFile;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import io.keyedcache.provider.store.StoreFactory;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

/**
 * The {@link CacheManager} of keyedcache: one per URI and class loader, obtained from
 * {@link KeyedCachingProvider}. Thread-safe.
 */
public final class KeyedCacheManager implements CacheManager {
  private final KeyedCachingProvider provider;
  private final URI uri;
  private final WeakReference<ClassLoader> classLoader;
  private final Properties properties;
  private final ConcurrentMap<String, KeyedJCache<?, ?>> caches = new ConcurrentHashMap<>();
  private final ConfigurationFile file;
  /** Makes the stores of this manager's caches: its tier. */
  private final StoreFactory stores;
  /** Caches created from the file that code has not created over yet. */
  private final Set<String> fromFile = ConcurrentHashMap.newKeySet();
  /** Whether the caches live on a tier other than the embedded one. */
  private final boolean shared;
  /** Held while a cache is created on demand, so that two threads asking at once get the same cache. */
  private final Object onDemand = new Object();
  private volatile boolean closed;
  /** What {@link #forEachCache} was given, called with every cache created after it. */
  private final List<Consumer<? super Cache<?, ?>>> creationActions = new CopyOnWriteArrayList<>();

  KeyedCacheManager(KeyedCachingProvider provider, URI uri, ClassLoader classLoader, Properties properties,
      ConfigurationFile file, StoreFactory stores) {
    this.provider = provider;
    this.stores = stores;
    this.shared = stores != CaffeineStore.FACTORY;
    this.uri = uri;
    this.classLoader = new WeakReference<>(classLoader);
    this.properties = new Properties();
    this.properties.putAll(properties);
    this.file = file;
    if (file != null) {
      createFileCaches(file);
    }
  }

  private void createFileCaches(ConfigurationFile file) {
    for (Map.Entry<String, KeyedCacheConfiguration<Object, Object>> cache : file.caches().entrySet()) {
      try {
        KeyedCacheConfiguration<Object, Object> settings = new KeyedCacheConfiguration<>(cache.getValue());
        caches.put(cache.getKey(), new KeyedJCache<>(this, cache.getKey(), settings, storesFor(cache.getKey(), settings),
            SettingsSource.file(file.source(), cache.getKey(), true, shared)));
        fromFile.add(cache.getKey());
      } catch (RuntimeException e) {
        for (KeyedJCache<?, ?> created : new ArrayList<>(caches.values())) {
          created.close();
        }
        throw new CacheException("keyedcache configuration " + file.source() + ": cache '" + cache.getKey()
            + "' could not be created: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public CachingProvider getCachingProvider() {
    return provider;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  @Override
  public ClassLoader getClassLoader() {
    return classLoader.get();
  }

  @Override
  public Properties getProperties() {
    return properties;
  }

  /**
   * {@inheritDoc}
   *
   * <p>A {@link KeyedCacheConfiguration} adds bounds, an executor and a ticker; any other configuration gives an
   * unbounded cache.
   *
   * @throws IllegalArgumentException if the configuration is invalid (see {@link KeyedCacheConfiguration#validate()})
   */
  @Override
  public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
    requireOpen();
    requireNonNull(cacheName, "cacheName must not be null");
    requireNonNull(configuration, "configuration must not be null");
    KeyedCacheConfiguration<K, V> copy = copyOf(configuration);
    SettingsSource source = shared ? SettingsSource.SHARED_CODE : SettingsSource.CODE;
    if (file != null) {
      source = SettingsSource.file(file.source(), cacheName,
          copy.getKeyType() == Object.class && copy.getValueType() == Object.class, shared);
      copy = file.overlay(cacheName, copy);
    }
    copy.validate();
    if (file != null) {
      replaceFileCache(cacheName);
    }
    KeyedCacheConfiguration<K, V> settings = copy;
    SettingsSource from = source;
    KeyedJCache<?, ?> created = caches.compute(cacheName, (name, existing) -> {
      if (existing != null) {
        throw new CacheException("A cache named '" + cacheName + "' already exists in " + Tiers.redact(uri));
      }
      return new KeyedJCache<>(this, name, settings, storesFor(name, settings), from);
    });
    for (Consumer<? super Cache<?, ?>> action : creationActions) {
      run(action, created);
    }
    @SuppressWarnings("unchecked")
    Cache<K, V> cache = (Cache<K, V>) created;
    return cache;
  }

  /**
   * Calls {@code action} with each open cache of this manager now and, from then on, with each cache it creates (by
   * {@link #createCache}, or on demand from the configuration file's {@code default.} section), on the creating
   * thread once the cache is ready: how metrics reach caches made after start-up. A cache created while this method
   * runs may be given to {@code action} twice, so it should be idempotent (as registering a meter is); an
   * {@code action} that throws is logged and creation goes on. Thread-safe.
   *
   * @throws IllegalStateException if the manager is closed
   */
  public void forEachCache(Consumer<? super Cache<?, ?>> action) {
    requireOpen();
    requireNonNull(action, "action must not be null");
    creationActions.add(action);
    for (KeyedJCache<?, ?> cache : caches.values()) {
      if (!cache.isClosed()) {
        run(action, cache);
      }
    }
  }

  private void run(Consumer<? super Cache<?, ?>> action, Cache<?, ?> cache) {
    try {
      action.accept(cache);
    } catch (RuntimeException e) {
      System.getLogger(KeyedCacheManager.class.getName()).log(System.Logger.Level.WARNING, "keyedcache: an action"
          + " given to forEachCache failed for cache '" + cache.getName() + "' of " + this, e);
    }
  }

  /**
   * The first {@code createCache} by code of a cache the file created replaces it, with the file's settings as the
   * base and the code's over them (frameworks create the caches they are told about).
   */
  private void replaceFileCache(String cacheName) {
    if (fromFile.remove(cacheName)) {
      KeyedJCache<?, ?> fileCache = caches.get(cacheName);
      if (fileCache != null) {
        fileCache.close();
      }
    }
  }

  /**
   * The tier's stores, but the embedded one for a store-by-reference cache: references do not cross JVMs, so a cache
   * that keeps them lives in this one (said once in the log, and in the README).
   */
  private StoreFactory storesFor(String cacheName, KeyedCacheConfiguration<?, ?> settings) {
    if (!shared || settings.isStoreByValue()) {
      return stores;
    }
    System.getLogger(KeyedCacheManager.class.getName()).log(System.Logger.Level.WARNING, "keyedcache: cache '"
        + cacheName + "' of " + this + " is store-by-reference, so it lives in this JVM only (references cannot"
        + " cross JVMs); make it store-by-value to share it");
    return CaffeineStore.FACTORY;
  }

  private static <K, V> KeyedCacheConfiguration<K, V> copyOf(Configuration<K, V> configuration) {
    if (configuration instanceof CompleteConfiguration) {
      return new KeyedCacheConfiguration<>((CompleteConfiguration<K, V>) configuration);
    }
    MutableConfiguration<K, V> complete = new MutableConfiguration<K, V>()
        .setTypes(configuration.getKeyType(), configuration.getValueType())
        .setStoreByValue(configuration.isStoreByValue());
    return new KeyedCacheConfiguration<>(complete);
  }

  /**
   * {@inheritDoc}
   *
   * <p>In a manager whose configuration file has a {@code default.} section, a name that no cache has yet is
   * created on demand with those settings and the types asked for, as if code had created it.
   */
  @Override
  public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
    requireOpen();
    requireNonNull(cacheName, "cacheName must not be null");
    requireNonNull(keyType, "keyType must not be null");
    requireNonNull(valueType, "valueType must not be null");
    KeyedJCache<?, ?> cache = caches.get(cacheName);
    if (cache == null) {
      cache = createOnDemand(cacheName, keyType, valueType);
    }
    if (cache == null) {
      return null;
    }
    CompleteConfiguration<?, ?> configuration = cache.configuration();
    if (configuration.getKeyType() != keyType) {
      throw new ClassCastException("Cache '" + cacheName + "' has key type "
          + configuration.getKeyType().getName() + ", not " + keyType.getName());
    }
    if (configuration.getValueType() != valueType) {
      throw new ClassCastException("Cache '" + cacheName + "' has value type "
          + configuration.getValueType().getName() + ", not " + valueType.getName());
    }
    @SuppressWarnings("unchecked")
    Cache<K, V> typed = (Cache<K, V>) cache;
    return typed;
  }

  /**
   * {@inheritDoc}
   *
   * <p>In a manager whose configuration file has a {@code default.} section, a name that no cache has yet is
   * created on demand with those settings, as if code had created it: frameworks that look caches up by name
   * (Spring's {@code @Cacheable}) find every cache they ask for.
   */
  @Override
  public <K, V> Cache<K, V> getCache(String cacheName) {
    requireOpen();
    requireNonNull(cacheName, "cacheName must not be null");
    KeyedJCache<?, ?> cache = caches.get(cacheName);
    if (cache == null) {
      cache = createOnDemand(cacheName, Object.class, Object.class);
    }
    @SuppressWarnings("unchecked")
    Cache<K, V> typed = (Cache<K, V>) cache;
    return typed;
  }

  /** The cache made from the file's {@code default.} section, or null when the file has none. */
  private <K, V> KeyedJCache<?, ?> createOnDemand(String cacheName, Class<K> keyType, Class<V> valueType) {
    if (file == null || file.defaults().isEmpty()) {
      return null;
    }
    synchronized (onDemand) {
      KeyedJCache<?, ?> existing = caches.get(cacheName);
      if (existing != null) {
        return existing;
      }
      try {
        createCache(cacheName, new MutableConfiguration<K, V>().setTypes(keyType, valueType));
      } catch (CacheException e) {
        existing = caches.get(cacheName);
        if (existing == null) {
          throw e;
        }
        return existing; // created by code meanwhile: that one is the cache
      }
      return caches.get(cacheName);
    }
  }

  @Override
  public Iterable<String> getCacheNames() {
    requireOpen();
    return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
  }

  @Override
  public void destroyCache(String cacheName) {
    requireOpen();
    requireNonNull(cacheName, "cacheName must not be null");
    KeyedJCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.clear();
      cache.close();
    }
  }

  @Override
  public void enableManagement(String cacheName, boolean enabled) {
    requireOpen();
    requireNonNull(cacheName, "cacheName must not be null");
    KeyedJCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.management().setManagementEnabled(enabled);
    }
  }

  @Override
  public void enableStatistics(String cacheName, boolean enabled) {
    requireOpen();
    requireNonNull(cacheName, "cacheName must not be null");
    KeyedJCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.management().setStatisticsEnabled(enabled);
    }
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
    provider.release(this);
    for (KeyedJCache<?, ?> cache : new ArrayList<>(caches.values())) {
      try {
        cache.close();
      } catch (RuntimeException e) {
        System.getLogger(KeyedCacheManager.class.getName()).log(System.Logger.Level.WARNING,
            "Failed to close cache " + cache.getName(), e);
      }
    }
    caches.clear();
    creationActions.clear();
    try {
      stores.close();
    } catch (RuntimeException e) {
      System.getLogger(KeyedCacheManager.class.getName()).log(System.Logger.Level.WARNING,
          "Failed to close the tier of " + this, e);
    }
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
    if (shared && clazz.isInstance(stores)) {
      return clazz.cast(stores); // a tier's own view, such as the shared tier's state
    }
    throw new IllegalArgumentException("The cache manager cannot be unwrapped to " + clazz.getName());
  }

  /** Forgets a cache that has closed itself. */
  void release(KeyedJCache<?, ?> cache) {
    caches.remove(cache.getName(), cache);
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("Cache manager " + Tiers.redact(uri) + " is closed");
    }
  }

  @Override
  public String toString() {
    return "KeyedCacheManager[" + Tiers.redact(uri) + "]";
  }
}
