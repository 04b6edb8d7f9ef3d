package io.keyedcache.provider;

import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import io.keyedcache.provider.management.ConfigurationBean;
import io.keyedcache.provider.management.MBeans;
import java.io.Closeable;
import javax.cache.management.CacheMXBean;

/**
 * The statistics and management switches of one {@link KeyedJCache}, and its MXBeans: the standard two and, for a
 * cache with a keyed view, the {@link io.keyedcache.provider.management.KeyedCacheMXBean}.
 */
final class Management {
  private final KeyedJCache<?, ?> cache;
  private final String managerUri;
  private final KeyedCacheConfiguration<?, ?> configuration;
  private final CacheMXBean configurationBean;
  private final KeyedCacheBean keyedBean;
  private volatile boolean managementEnabled;

  Management(KeyedJCache<?, ?> cache, String managerUri, KeyedCacheConfiguration<?, ?> configuration) {
    this.cache = cache;
    this.managerUri = managerUri;
    this.configuration = configuration;
    this.configurationBean = new ConfigurationBean(configuration, () -> cache.statisticsEnabled,
        () -> managementEnabled);
    this.keyedBean = cache.isKeyed() ? new KeyedCacheBean(cache) : null;
  }

  void setStatisticsEnabled(boolean enabled) {
    cache.statisticsEnabled = enabled;
    cache.updateMode();
    configuration.setStatisticsEnabled(enabled);
    if (enabled) {
      MBeans.register(cache.statistics, MBeans.Kind.STATISTICS, managerUri, cache.getName());
    } else {
      MBeans.unregister(MBeans.Kind.STATISTICS, managerUri, cache.getName());
    }
  }

  void setManagementEnabled(boolean enabled) {
    managementEnabled = enabled;
    configuration.setManagementEnabled(enabled);
    if (enabled) {
      MBeans.register(configurationBean, MBeans.Kind.CONFIGURATION, managerUri, cache.getName());
      if (keyedBean != null) {
        MBeans.register(keyedBean, MBeans.Kind.KEYED, managerUri, cache.getName());
      }
    } else {
      MBeans.unregister(MBeans.Kind.CONFIGURATION, managerUri, cache.getName());
      MBeans.unregister(MBeans.Kind.KEYED, managerUri, cache.getName());
    }
  }

  /** The keyed bean; null when the cache has no keyed view. */
  KeyedCacheBean keyedBean() {
    return keyedBean;
  }

  /** Unregisters the beans. */
  void close() {
    MBeans.unregister(MBeans.Kind.STATISTICS, managerUri, cache.getName());
    MBeans.unregister(MBeans.Kind.CONFIGURATION, managerUri, cache.getName());
    MBeans.unregister(MBeans.Kind.KEYED, managerUri, cache.getName());
  }

  /** Closes a loader, writer, policy or listener the cache was given, if it is closeable; logs a failure. */
  static void closeQuietly(Object object) {
    if (object instanceof Closeable || object instanceof AutoCloseable) {
      try {
        ((AutoCloseable) object).close();
      } catch (Exception e) {
        System.getLogger(KeyedJCache.class.getName()).log(System.Logger.Level.WARNING, "Failed to close " + object, e);
      }
    }
  }
}
