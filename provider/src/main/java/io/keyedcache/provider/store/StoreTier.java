package io.keyedcache.provider.store;

import java.net.URI;
import java.util.Properties;
import java.util.Set;

/**
 * A tier of storage other than the embedded one, found with {@link java.util.ServiceLoader}: a module that puts an
 * implementation on the class path (and names it in {@code META-INF/services/io.keyedcache.provider.store.StoreTier})
 * serves the manager URIs of its schemes, and the configuration files whose {@code tier} names such a URI. The
 * provider stays the only {@code CachingProvider}; a tier only makes stores.
 */
public interface StoreTier {

  /** The URI schemes this tier serves, in lower case, such as {@code redis} and {@code rediss}. */
  Set<String> schemes();

  /**
   * Connects one cache manager to the tier.
   *
   * @param uri the tier's URI, of one of {@link #schemes()}
   * @param settings the manager's settings for the tier: {@code namespace} and {@code serialization-filter} when
   *     given, from the configuration file or the manager's properties
   * @param classLoader the manager's class loader, for the classes of decoded values
   * @return the factory of the manager's stores; the manager closes it when it closes
   * @throws javax.cache.CacheException if the tier cannot be reached; the message names where, never a password
   */
  StoreFactory connect(URI uri, Properties settings, ClassLoader classLoader);
}
