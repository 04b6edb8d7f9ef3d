package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.KeyedCachingProvider;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Refresh ahead across JVMs, each a process of its own ({@link RefreshWorker}) on one redis-server: one refresh at a
 * time for all of them, no caller waiting for one, a refreshing JVM killed, and a deletion that overtakes a refresh.
 */
class RefreshAheadTest {
  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  private final List<WorkerProcess> workers = new ArrayList<>();
  private CacheManager manager;

  @AfterEach
  void stop() {
    workers.forEach(worker -> worker.process.destroyForcibly());
    if (manager != null) {
      manager.close();
    }
  }

  private WorkerProcess start(String namespace, int threads, long first, long later, long seconds)
      throws IOException {
    WorkerProcess worker = WorkerProcess.start(RefreshWorker.class, REDIS.target().uri(), namespace,
        Integer.toString(threads), Long.toString(first), Long.toString(later), Long.toString(seconds));
    workers.add(worker);
    return worker;
  }

  private long counter(String name) {
    String reply = REDIS.target().send("INCRBY " + name + " 0");
    return Long.parseLong(reply.substring(1));
  }

  private static double figure(WorkerProcess worker, String name) {
    return Double.parseDouble(worker.starting(name + " ").get(0));
  }

  private static void ended(WorkerProcess worker) throws InterruptedException {
    assertThat(worker.process.waitFor(90, TimeUnit.SECONDS)).as(String.join("\n", worker.lines)).isTrue();
    assertThat(worker.process.exitValue()).as(String.join("\n", worker.lines)).isZero();
  }

  /**
   * 3 JVMs x 8 threads call a function (300 ms computation, ttl 2 s, refresh after 1 s) for 10 s: after a JVM's
   * first answer none of its callers waits for a computation, and the function runs about once a second across all
   * of them, never twice at once.
   */
  @Test
  void threeJvmsKeepAnsweringWhileOneOfThemRefreshes() throws Exception {
    String namespace = "ahead";
    for (int i = 0; i < 3; i++) {
      start(namespace, 8, 300, 300, 10);
    }
    Waiting.until("the JVMs to be ready", () -> workers.stream().allMatch(w -> w.lines.contains("READY")), 60);
    long setsBefore = REDIS.target().calls("set");
    assertThat(REDIS.target().send("SET go:" + namespace + " 1")).isEqualTo("+OK");
    double slowest = 0;
    long calls = 0;
    for (WorkerProcess worker : workers) {
      ended(worker);
      assertThat(figure(worker, "ERRORS")).isZero();
      slowest = Math.max(slowest, figure(worker, "SLOWEST"));
      calls += (long) figure(worker, "CALLS");
      System.out.printf("refresh ahead, JVM %d: %s%n", worker.process.pid(), String.join(", ",
          worker.lines.stream().filter(line -> !line.startsWith("COMPUTING") && !line.equals("READY")).toList()));
    }
    long computations = counter("computations:" + namespace);
    System.out.printf("refresh ahead across 3 JVMs: %d calls, %d computations in 10 s, slowest call after the first"
        + " %.1f ms%n", calls, computations, slowest);
    assertThat(counter("overlap:" + namespace)).as("computations at once for the key").isZero();
    assertThat(computations).as("about one per refresh period (1 s) over 10 s").isBetween(5L, 12L);
    assertThat(slowest).as("no caller after the first answer waited for a 300 ms computation").isLessThan(300);
    // lease attempts (SET NX; the go key is one more SET): a JVM that finds a refresh under way elsewhere leaves it
    // alone for an eighth of ttl - refreshAfter, instead of asking on every hit until it lands
    long leaseAttempts = REDIS.target().calls("set") - setsBefore - 1;
    System.out.printf("refresh ahead across 3 JVMs: %d lease attempts for %d computations%n", leaseAttempts,
        computations);
    assertThat(leaseAttempts).as("lease attempts (without the pause: about 450 per computation)")
        .isLessThan(computations * 25);
  }

  /**
   * The JVM that refreshes is killed during its refresh (a 20 s computation): another JVM refreshes once the flight
   * lease (1 s) has lapsed, and none of its callers sees an error.
   */
  @Test
  void whenTheRefreshingJvmIsKilledAnotherRefreshesAfterTheLease() throws Exception {
    String namespace = "killed";
    WorkerProcess doomed = start(namespace, 2, 100, 20_000, 60);
    Waiting.until("the first JVM to be ready", () -> doomed.lines.contains("READY"), 60);
    assertThat(REDIS.target().send("SET go:" + namespace + " 1")).isEqualTo("+OK");
    Waiting.until("the first JVM to refresh", () -> doomed.lines.contains("COMPUTING 2"), 30);
    doomed.process.destroyForcibly();
    doomed.process.waitFor(10, TimeUnit.SECONDS);
    WorkerProcess survivor = start(namespace, 4, 100, 100, 5);
    ended(survivor);
    assertThat(figure(survivor, "ERRORS")).isZero();
    assertThat(figure(survivor, "COMPUTED")).as("refreshes by the survivor").isPositive();
    assertThat(counter("computations:" + namespace)).isGreaterThan(2);
  }

  /**
   * deleteFunction in another JVM while a refresh computes: the refresh's result is not stored, so the function's
   * results stay deleted until the next call computes one.
   */
  @Test
  void aDeletionInAnotherJvmWhileARefreshComputesIsNotUndone() throws Exception {
    String namespace = "fenced";
    WorkerProcess refreshing = start(namespace, 1, 100, 3_000, 4);
    Waiting.until("the JVM to be ready", () -> refreshing.lines.contains("READY"), 60);
    Properties properties = new Properties();
    properties.setProperty("namespace", namespace);
    manager = Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(REDIS.target().uri() + "#" + namespace + "-test"), RefreshAheadTest.class.getClassLoader(),
        properties);
    Cache<Object, Object> cache = manager.createCache("shared", new MutableConfiguration<>());
    KeyedCache<Object> keyed = KeyedCache.of(cache);
    assertThat(REDIS.target().send("SET go:" + namespace + " 1")).isEqualTo("+OK");
    Waiting.until("the refresh to begin", () -> refreshing.lines.contains("COMPUTING 2"), 30);
    assertThat(keyed.deleteFunction("price")).containsExactly(CacheKey.of("func", "price", 7));
    ended(refreshing); // its callers: answered by the deleted result's miss, computed again meanwhile, or fenced
    // the worker's 1 thread stopped calling after 4 s; the refresh that began before the deletion finished by then
    assertThat(counter("overlap:" + namespace)).isZero();
    List<String> computing = refreshing.starting("COMPUTING ");
    long stored = cache.get(CacheKey.of("func", "price", 7)) == null ? 0 : 1;
    String value = stored == 0 ? null : (String) cache.get(CacheKey.of("func", "price", 7));
    assertThat(value).as("not the result of the refresh that the deletion overtook (computation 2)")
        .isNotEqualTo("price 7 #2");
    System.out.printf("fenced refresh: computations %s, stored after the run: %s%n", computing, value);
  }

  /**
   * A refresh that throws, on the shared tier: the current result answers until its lifetime ends (the failure is
   * counted), then the next call computes and waits, as a plain cached function's does.
   */
  @Test
  void aFailedRefreshKeepsTheResultUntilItsLifetimeThenACallComputes() throws Exception {
    Properties properties = new Properties();
    properties.setProperty("namespace", "failing");
    manager = Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(REDIS.target().uri() + "#failing-test"), RefreshAheadTest.class.getClassLoader(), properties);
    KeyedCache<Object> keyed = KeyedCache.of(manager.createCache("shared", new MutableConfiguration<>()));
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.function.Function<Integer, String> price = keyed.function("price").ttl(java.time.Duration.ofSeconds(3))
        .refreshAfter(java.time.Duration.ofMillis(500)).of((Integer id) -> {
          int n = calls.incrementAndGet();
          if (failing.get()) {
            throw new IllegalStateException("price service down");
          }
          return "price " + id + " #" + n;
        });
    assertThat(price.apply(1)).isEqualTo("price 1 #1");
    long before = System.nanoTime(); // the result was stored before this: its lifetime ends before 3 s from here
    failing.set(true);
    Thread.sleep(600);
    // past the refresh point: every call answers with the current result while refreshes fail in the background (a
    // second before the lifetime of 3 s ends, so that a slow machine does not reach it)
    for (int i = 0; i < 100 && System.nanoTime() - before < TimeUnit.MILLISECONDS.toNanos(2_000); i++) {
      assertThat(price.apply(1)).isEqualTo("price 1 #1");
      Thread.sleep(20);
    }
    assertThat(keyed.statistics().failedRefreshes()).as("refreshes tried and failed").isPositive();
    Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(before + TimeUnit.MILLISECONDS.toNanos(3_200)
        - System.nanoTime()))); // the lifetime has ended
    failing.set(false);
    assertThat(price.apply(1)).as("computed by the call, which waited for it").isEqualTo("price 1 #" + calls.get());
    assertThat(keyed.statistics().misses()).isEqualTo(2);
  }
}
