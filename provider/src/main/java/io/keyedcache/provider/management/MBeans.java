package io.keyedcache.provider.management;

import java.lang.management.ManagementFactory;
import javax.cache.CacheException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Registers a cache's MXBeans in the platform MBean server: the standard two under the names the specification
 * gives, {@code javax.cache:type=CacheConfiguration|CacheStatistics,CacheManager=<uri>,Cache=<name>}, and the
 * keyed cache's under a name of the same shape in a domain of our own,
 * {@code io.keyedcache:type=KeyedCache,CacheManager=<uri>,Cache=<name>}.
 */
public final class MBeans {
  /** Which of the beans. */
  public enum Kind {
    CONFIGURATION("javax.cache", "CacheConfiguration"), STATISTICS("javax.cache", "CacheStatistics"),
    /** The {@link KeyedCacheMXBean}. */
    KEYED("io.keyedcache", "KeyedCache");

    private final String domain;
    private final String type;

    Kind(String domain, String type) {
      this.domain = domain;
      this.type = type;
    }
  }

  private MBeans() {}

  /** Registers the bean unless one is registered under its name already. */
  public static void register(Object bean, Kind kind, String managerUri, String cacheName) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = name(kind, managerUri, cacheName);
    try {
      if (!server.isRegistered(name)) {
        server.registerMBean(bean, name);
      }
    } catch (InstanceAlreadyExistsException e) {
      // another thread registered the same cache's bean first: the outcome is the same
    } catch (Exception e) {
      throw new CacheException("Cannot register the MBean " + name, e);
    }
  }

  /** Unregisters the bean if it is registered. */
  public static void unregister(Kind kind, String managerUri, String cacheName) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = name(kind, managerUri, cacheName);
    try {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
    } catch (InstanceNotFoundException e) {
      // already gone
    } catch (Exception e) {
      throw new CacheException("Cannot unregister the MBean " + name, e);
    }
  }

  /** The name the bean of {@code kind} of cache {@code cacheName} in the manager of {@code managerUri} has. */
  public static ObjectName name(Kind kind, String managerUri, String cacheName) {
    try {
      return new ObjectName(kind.domain + ":type=" + kind.type + ",CacheManager=" + safe(managerUri)
          + ",Cache=" + safe(cacheName));
    } catch (MalformedObjectNameException e) {
      throw new CacheException("Cannot name the MBean of cache " + cacheName, e);
    }
  }

  /** Replaces the characters an object name's value may not hold unquoted (and the wildcards of patterns). */
  private static String safe(String value) {
    return value == null ? "" : value.replaceAll("[:=,\n*?\"]", ".");
  }
}
