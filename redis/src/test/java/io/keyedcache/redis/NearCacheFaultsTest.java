package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyedcache.provider.KeyedCachingProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The near cache while the server fails, each test on a redis-server of its own: a writer manager without a near
 * cache, a reader manager with one (heartbeat 200 ms). After each fault, and once the writer's put of a new value has
 * returned, the reader must read the new value (or fail) within the stated bound, never the old one after it, and its
 * near cache must serve again once tracking is back. Each test prints its figures for docs/reliability.md.
 */
class NearCacheFaultsTest {
  private static final CachingProvider PROVIDER = Caching.getCachingProvider(KeyedCachingProvider.class.getName());
  private static final long HEARTBEAT = 200;
  /** Bypassed within two heartbeats (one to send the PING, one to wait for it), and some room for a busy machine. */
  private static final long BOUND_MILLIS = 2 * HEARTBEAT + 600;
  private RedisServer server;
  private final List<CacheManager> managers = new ArrayList<>();
  private Cache<String, String> writer;
  private Cache<String, String> reader;
  private Tracking tracking;

  @BeforeEach
  void start() throws Exception {
    server = RedisServer.start();
    writer = manager("w", "0").createCache("c", strings());
    reader = manager("r", "100").createCache("c", strings());
    tracking = reader.unwrap(RedisStore.class).tracking();
    awaitArmed();
    writer.put("k", "old");
    assertThat(reader.get("k")).isEqualTo("old");
    assertThat(reader.get("k")).isEqualTo("old");
  }

  @AfterEach
  void stop() {
    managers.forEach(CacheManager::close);
    server.close();
  }

  private CacheManager manager(String jvm, String nearSize) {
    Properties properties = new Properties();
    properties.setProperty("namespace", "faults");
    properties.setProperty("near-cache-size", nearSize);
    properties.setProperty("near-cache-heartbeat", Long.toString(HEARTBEAT));
    CacheManager manager = PROVIDER.getCacheManager(URI.create(server.uri() + "#faults-" + jvm),
        NearCacheFaultsTest.class.getClassLoader(), properties);
    managers.add(manager);
    return manager;
  }

  private static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  private long awaitArmed() throws InterruptedException {
    long start = System.nanoTime();
    while (!tracking.armed()) {
      assertThat(System.nanoTime() - start).as("re-armed within 20 s").isLessThan(TimeUnit.SECONDS.toNanos(20));
      Thread.sleep(5);
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private long awaitBypassed() throws InterruptedException {
    long start = System.nanoTime();
    while (tracking.armed()) {
      assertThat(System.nanoTime() - start).as("bypassed within the bound").isLessThan(
          TimeUnit.MILLISECONDS.toNanos(BOUND_MILLIS));
      Thread.sleep(1);
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  /** Puts "new" (retrying while the server is away) and then reads it from the reader; never "old" again. */
  private void newValueIsRead() throws InterruptedException {
    while (true) {
      try {
        writer.put("k", "new");
        break;
      } catch (CacheException e) {
        Thread.sleep(20);
      }
    }
    long acknowledged = System.nanoTime();
    while (true) {
      try {
        String read = reader.get("k");
        if ("new".equals(read)) {
          return;
        }
        assertThat(System.nanoTime() - acknowledged).as("the old value, read after the new one was put")
            .isLessThan(TimeUnit.MILLISECONDS.toNanos(BOUND_MILLIS));
      } catch (CacheException e) {
        // the reader's data connection is not back yet: an error, never a wrong value
      }
      Thread.sleep(2);
    }
  }

  private void nearAgain() throws InterruptedException {
    assertThat(tracking.barrier()).as("the invalidations so far handled").isTrue();
    assertThat(reader.get("k")).isEqualTo("new");
    long before = server.calls("get");
    for (int i = 0; i < 10; i++) {
      assertThat(reader.get("k")).isEqualTo("new");
    }
    assertThat(server.calls("get") - before).as("reads served near again").isZero();
    writer.put("k", "newer");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!"newer".equals(reader.get("k"))) {
      assertThat(System.nanoTime()).as("invalidations arrive again").isLessThan(until);
      Thread.sleep(2);
    }
  }

  private interface Fault {
    void run() throws Exception;
  }

  /** The fault, then the checks, and the figures for docs/reliability.md. */
  private void survives(String name, Fault fault, Fault recovery) throws Exception {
    fault.run();
    long bypassed;
    try {
      bypassed = awaitBypassed();
    } finally {
      recovery.run();
    }
    newValueIsRead();
    long rearmed = awaitArmed();
    nearAgain();
    System.out.printf("near cache fault %s: bypassed after %d ms, re-armed %d ms after the new value was read%n",
        name, bypassed, rearmed);
  }

  @Test
  void theServerKilledAndRestarted() throws Exception {
    survives("SIGKILL + restart", server::kill, server::restart);
  }

  @Test
  void theServerStoppedAndResumed() throws Exception {
    survives("SIGSTOP + SIGCONT", server::suspend, server::resume); // the heartbeat's PING gets no answer
  }

  @Test
  void thePushConnectionKilled() throws Exception {
    survives("CLIENT KILL of the tracking connection",
        () -> assertThat(NearCacheTest.killTrackingConnections(server)).isEqualTo(1), () -> { });
  }

  @Test
  void theServerPaused() throws Exception {
    // the writer's put waits out the pause
    survives("CLIENT PAUSE 2000 ALL", () -> assertThat(server.send("CLIENT PAUSE 2000 ALL")).isEqualTo("+OK"),
        () -> { });
  }
}
