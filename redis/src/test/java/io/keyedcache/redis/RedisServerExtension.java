package io.keyedcache.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Redis for a test class: {@code @RegisterExtension static final RedisServerExtension REDIS}. A
 * {@link RedisServer}, or a {@link RedisCluster} when the system property {@value #CLUSTER} is {@code true} (the
 * redis module's second test run, for the classes that run on both through {@link #target()}).
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {
  /** The system property that makes {@link #target()} a Redis Cluster. */
  public static final String CLUSTER = "keyedcache.test.redis.cluster";

  private RedisTarget target;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    target = Boolean.getBoolean(CLUSTER) ? RedisCluster.start() : RedisServer.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    target.close();
  }

  /** The running server or cluster. */
  public RedisTarget target() {
    return target;
  }

  /** The running server, for a test about one server (its port, its faults); such a test does not run on a cluster. */
  public RedisServer server() {
    if (!(target instanceof RedisServer)) {
      throw new IllegalStateException("this test is about one redis-server and does not run on a Redis Cluster");
    }
    return (RedisServer) target;
  }
}
