package io.keyedcache.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** One {@link RedisServer} for a test class: {@code @RegisterExtension static final RedisServerExtension REDIS}. */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {
  private RedisServer server;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = RedisServer.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    server.close();
  }

  /** The running server. */
  public RedisServer server() {
    return server;
  }
}
