package io.keyedcache.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * For a test run that asks for it with the system property {@value #SWITCH} (the TCK on the shared tier): starts one
 * {@code redis-server} for the whole run and makes it the provider's default manager URI, so that code asking for
 * the default manager (as the TCK does) gets the shared tier. With {@value #CLUSTER} also {@code true}, a
 * {@link RedisCluster} instead. Does nothing otherwise.
 */
public final class SharedTierSession implements LauncherSessionListener {
  /** The system property that switches this on; its value is the serialization filter for the run's values. */
  public static final String SWITCH = "keyedcache.test.shared-tier";

  /** The system property that makes the run's server a Redis Cluster of six nodes. */
  public static final String CLUSTER = "keyedcache.test.shared-tier.cluster";

  private AutoCloseable server;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    String filter = System.getProperty(SWITCH);
    if (filter == null) {
      return;
    }
    String uri;
    try {
      if (Boolean.getBoolean(CLUSTER)) {
        RedisCluster cluster = RedisCluster.start();
        server = cluster;
        uri = cluster.uri();
      } else {
        RedisServer single = RedisServer.start();
        server = single;
        uri = single.uri();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // the filter goes by system property: a URI with '*' in it cannot be part of the MBeans' names
    if (!filter.isBlank()) {
      System.setProperty(RedisTier.FILTER_PROPERTY, filter);
    }
    System.setProperty("io.keyedcache.default-uri", uri + "#tck");
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (server != null) {
      try {
        server.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
