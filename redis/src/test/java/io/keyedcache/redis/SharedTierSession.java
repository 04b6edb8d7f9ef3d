package io.keyedcache.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * For a test run that asks for it with the system property {@value #SWITCH} (the TCK on the shared tier): starts one
 * {@code redis-server} for the whole run and makes it the provider's default manager URI, so that code asking for
 * the default manager (as the TCK does) gets the shared tier. Does nothing otherwise.
 */
public final class SharedTierSession implements LauncherSessionListener {
  /** The system property that switches this on; its value is the serialization filter for the run's values. */
  public static final String SWITCH = "keyedcache.test.shared-tier";

  private RedisServer server;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    String filter = System.getProperty(SWITCH);
    if (filter == null) {
      return;
    }
    try {
      server = RedisServer.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // the filter goes by system property: a URI with '*' in it cannot be part of the MBeans' names
    if (!filter.isBlank()) {
      System.setProperty(RedisTier.FILTER_PROPERTY, filter);
    }
    System.setProperty("io.keyedcache.default-uri", server.uri() + "#tck");
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (server != null) {
      server.close();
    }
  }
}
