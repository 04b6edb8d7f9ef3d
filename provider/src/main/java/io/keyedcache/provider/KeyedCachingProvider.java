package io.keyedcache.provider;

import io.keyedcache.provider.caffeine.CaffeineStore;
import io.keyedcache.provider.configuration.ConfigurationFile;
import io.keyedcache.provider.store.StoreFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.WeakHashMap;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * The keyedcache {@link CachingProvider}, found by {@code Caching.getCachingProvider()} through
 * {@code META-INF/services}. It keeps one {@link KeyedCacheManager} per URI and class loader until that manager is
 * closed. A URI may name a configuration file ({@code classpath:}, {@code file:} or a plain path; see
 * {@link ConfigurationFile}); a {@code keyedcache:<name>} URI names a manager without one. Thread-safe.
 */
public final class KeyedCachingProvider implements CachingProvider {
  private static final URI DEFAULT_URI = URI.create("keyedcache:default");
  /** The system property that sets {@link #getDefaultURI()}: a tier or a configuration file for the whole JVM. */
  public static final String DEFAULT_URI_PROPERTY = "io.keyedcache.default-uri";

  // Weak keys so that a class loader (an undeployed application) is not kept alive by its managers.
  private final Map<ClassLoader, Map<URI, KeyedCacheManager>> managers = new WeakHashMap<>();

  /** Public for {@link java.util.ServiceLoader}; applications use {@code Caching.getCachingProvider()}. */
  public KeyedCachingProvider() {}

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    Properties managerProperties = properties == null ? getDefaultProperties() : properties;
    synchronized (managers) {
      Map<URI, KeyedCacheManager> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
      KeyedCacheManager manager = byUri.get(managerUri);
      if (manager == null) {
        try {
          // A file the URI names is read, and its caches created, before the manager is registered: a bad file
          // leaves nothing behind.
          manager = create(managerUri, loader, managerProperties);
        } finally {
          if (byUri.isEmpty()) {
            managers.remove(loader);
          }
        }
        managers.computeIfAbsent(loader, l -> new HashMap<>()).put(managerUri, manager);
      }
      return manager;
    }
  }

  /**
   * A manager on the tier its URI selects: a tier's own URI ({@code redis://...}), or a configuration file (whose
   * {@code tier} may name one), or no file at all (the embedded tier).
   */
  private KeyedCacheManager create(URI uri, ClassLoader loader, Properties properties) {
    ConfigurationFile file = null;
    StoreFactory stores;
    if (Tiers.isTierScheme(uri.getScheme(), loader)) {
      stores = Tiers.connect(uri, properties, loader);
    } else {
      file = ConfigurationFile.forUri(uri, loader).orElse(null);
      if (file != null && file.tier().isPresent()) {
        Properties settings = file.tierSettings();
        Set<String> fromFile = settings.stringPropertyNames();
        properties.stringPropertyNames().forEach(key -> settings.putIfAbsent(key, properties.getProperty(key)));
        try {
          stores = Tiers.connect(file.tier().get(), settings, loader);
        } catch (CacheException e) {
          throw inFile(e, file, fromFile);
        }
      } else {
        stores = CaffeineStore.FACTORY;
      }
    }
    try {
      return new KeyedCacheManager(this, uri, loader, properties, file, stores);
    } catch (RuntimeException e) {
      stores.close();
      throw e;
    }
  }

  /** {@code e}, naming the file too when its message is about a setting that the file gave. */
  private static CacheException inFile(CacheException e, ConfigurationFile file, Set<String> fromFile) {
    String message = String.valueOf(e.getMessage());
    for (String name : fromFile) {
      if (message.startsWith("The " + name + " of ")) {
        return new CacheException("keyedcache configuration " + file.source() + ", setting '" + name + "': "
            + message, e);
      }
    }
    return e;
  }

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
    return getCacheManager(uri, classLoader, getDefaultProperties());
  }

  @Override
  public CacheManager getCacheManager() {
    return getCacheManager(getDefaultURI(), getDefaultClassLoader());
  }

  @Override
  public ClassLoader getDefaultClassLoader() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return loader != null ? loader : KeyedCachingProvider.class.getClassLoader();
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code keyedcache:default} (the embedded tier, no file), unless the system property
   * {@value #DEFAULT_URI_PROPERTY} names another URI (a configuration file, or a tier such as
   * {@code redis://127.0.0.1:6379}): code and frameworks that ask for the default manager then get that one.
   *
   * @throws CacheException if the system property is not a URI
   */
  @Override
  public URI getDefaultURI() {
    String configured = System.getProperty(DEFAULT_URI_PROPERTY);
    if (configured == null || configured.isBlank()) {
      return DEFAULT_URI;
    }
    try {
      return new URI(configured.strip());
    } catch (java.net.URISyntaxException e) {
      throw new CacheException("The system property " + DEFAULT_URI_PROPERTY + " is not a URI: " + e.getMessage());
    }
  }

  @Override
  public Properties getDefaultProperties() {
    return new Properties();
  }

  @Override
  public void close() {
    for (KeyedCacheManager manager : snapshot(null, null)) {
      manager.close();
    }
  }

  @Override
  public void close(ClassLoader classLoader) {
    for (KeyedCacheManager manager : snapshot(classLoader == null ? getDefaultClassLoader() : classLoader, null)) {
      manager.close();
    }
  }

  @Override
  public void close(URI uri, ClassLoader classLoader) {
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    for (KeyedCacheManager manager : snapshot(loader, uri == null ? getDefaultURI() : uri)) {
      manager.close();
    }
  }

  /** The managers to close, chosen under the lock and closed outside it (closing calls back into release). */
  private List<KeyedCacheManager> snapshot(ClassLoader loader, URI uri) {
    List<KeyedCacheManager> result = new ArrayList<>();
    synchronized (managers) {
      for (Map.Entry<ClassLoader, Map<URI, KeyedCacheManager>> entry : managers.entrySet()) {
        if (loader != null && entry.getKey() != loader) {
          continue;
        }
        for (KeyedCacheManager manager : entry.getValue().values()) {
          if (uri == null || manager.getURI().equals(uri)) {
            result.add(manager);
          }
        }
      }
    }
    return result;
  }

  /** Forgets a manager that has closed, so that the next request for its URI gets a new one. */
  void release(KeyedCacheManager manager) {
    synchronized (managers) {
      Map<URI, KeyedCacheManager> byUri = managers.get(manager.getClassLoader());
      if (byUri != null) {
        byUri.remove(manager.getURI(), manager);
        if (byUri.isEmpty()) {
          managers.remove(manager.getClassLoader());
        }
      }
    }
  }

  @Override
  public boolean isSupported(OptionalFeature optionalFeature) {
    return optionalFeature == OptionalFeature.STORE_BY_REFERENCE;
  }

  @Override
  public String toString() {
    return "KeyedCachingProvider";
  }
}
