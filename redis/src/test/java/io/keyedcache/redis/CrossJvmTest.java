package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.KeyedCachingProvider;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several real JVM processes ({@link JvmWorker}) on one redis-server, or on a Redis Cluster (see
 * {@link RedisServerExtension}).
 */
class CrossJvmTest {
  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  private final List<WorkerProcess> workers = new ArrayList<>();
  private CacheManager manager;

  @AfterEach
  void stopWorkers() {
    workers.forEach(worker -> worker.process.destroyForcibly());
    if (manager != null) {
      manager.close();
    }
  }

  private WorkerProcess start(String... args) throws IOException {
    WorkerProcess worker = WorkerProcess.start(args);
    workers.add(worker);
    return worker;
  }

  private static void await(String what, java.util.function.BooleanSupplier condition, long seconds)
      throws InterruptedException {
    Waiting.until(what, condition, seconds);
  }

  private void go(String namespace) {
    assertThat(REDIS.target().send("SET go:" + namespace + " 1")).isEqualTo("+OK");
  }

  /** The counter's value (a bulk reply takes two lines, so ask for it as an integer). */
  private long counted(String namespace) {
    String reply = REDIS.target().send("INCRBY computations:" + namespace + " 0");
    return Long.parseLong(reply.substring(1));
  }

  private KeyedCache<Object> keyedInThisJvm(String namespace) {
    Properties properties = new Properties();
    properties.setProperty("namespace", namespace);
    manager = Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(REDIS.target().uri() + "#" + namespace + "-test"), CrossJvmTest.class.getClassLoader(), properties);
    Cache<Object, Object> cache = manager.createCache("shared", new MutableConfiguration<>());
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyed = cache.unwrap(KeyedCache.class);
    return keyed;
  }

  @Test
  void aCachedFunctionCalledBy16ThreadsInEachOf3JvmsComputesOnce() throws Exception {
    String namespace = "once";
    for (int i = 0; i < 3; i++) {
      start("function", REDIS.target().uri(), namespace, "16", "500");
    }
    await("the JVMs to be ready", () -> workers.stream().allMatch(w -> w.lines.contains("READY")), 60);
    go(namespace);
    for (WorkerProcess worker : workers) {
      assertThat(worker.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(worker.process.exitValue()).as(String.join("\n", worker.lines)).isZero();
    }
    List<String> results = new ArrayList<>();
    workers.forEach(worker -> results.addAll(worker.starting("RESULT ")));
    assertThat(results).hasSize(48);
    assertThat(results).as("one value for all").containsOnly(results.get(0));
    assertThat(counted(namespace)).as("computations across the 3 JVMs").isEqualTo(1);
  }

  @Test
  void whenTheComputingJvmDiesAnotherComputesAfterTheLeaseAndOneValueIsStored() throws Exception {
    String namespace = "takeover";
    WorkerProcess doomed = start("function", REDIS.target().uri(), namespace, "1", "60000");
    await("the first JVM to be ready", () -> doomed.lines.contains("READY"), 60);
    go(namespace);
    await("the first JVM to compute", () -> counted(namespace) == 1, 30);
    WorkerProcess second = start("function", REDIS.target().uri(), namespace, "4", "300");
    WorkerProcess third = start("function", REDIS.target().uri(), namespace, "4", "300");
    await("the others to be ready", () -> second.lines.contains("READY") && third.lines.contains("READY"), 60);
    Thread.sleep(500); // they now wait for the first JVM's lease
    assertThat(counted(namespace)).isEqualTo(1);
    doomed.process.destroyForcibly();
    for (WorkerProcess worker : List.of(second, third)) {
      assertThat(worker.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(worker.process.exitValue()).as(String.join("\n", worker.lines)).isZero();
    }
    List<String> results = new ArrayList<>(second.starting("RESULT "));
    results.addAll(third.starting("RESULT "));
    assertThat(results).hasSize(8).containsOnly(results.get(0));
    assertThat(counted(namespace)).as("the dead JVM's start and one takeover").isEqualTo(2);
    KeyedCache<Object> keyed = keyedInThisJvm(namespace);
    assertThat(keyed.get(CacheKey.of("func", "slow", 7), null)).isEqualTo(results.get(0));
  }

  @Test
  void groupDeletionInOneJvmWhileOthersWriteLeavesNoKeyOfTheGroupAndLosesNoOther() throws Exception {
    String namespace = "deletion";
    WorkerProcess a = start("write", REDIS.target().uri(), namespace, "a", "400");
    WorkerProcess b = start("write", REDIS.target().uri(), namespace, "b", "400");
    KeyedCache<Object> keyed = keyedInThisJvm(namespace);
    await("the writers to be ready", () -> a.lines.contains("READY") && b.lines.contains("READY"), 60);
    go(namespace);
    await("some writes", () -> a.starting("WROTE ").size() > 100 && b.starting("WROTE ").size() > 100, 60);
    long started = System.currentTimeMillis();
    keyed.deleteGroup(CacheKey.of("group"));
    for (WorkerProcess worker : List.of(a, b)) {
      assertThat(worker.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(worker.process.exitValue()).as(String.join("\n", worker.lines)).isZero();
    }
    Map<String, Long> writtenAt = new HashMap<>();
    for (WorkerProcess worker : List.of(a, b)) {
      for (String line : worker.starting("WROTE ")) {
        int space = line.lastIndexOf(' ');
        writtenAt.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
      }
    }
    assertThat(writtenAt).hasSize(1600);
    int gone = 0;
    for (Map.Entry<String, Long> write : writtenAt.entrySet()) {
      CacheKey key = CacheKey.parse(write.getKey());
      boolean present = keyed.isCached(key);
      if (write.getKey().startsWith("group::")) {
        if (write.getValue() < started) {
          assertThat(present).as(write.getKey() + " was written before the deletion began").isFalse();
          gone++;
        }
      } else {
        assertThat(present).as(write.getKey() + " is outside the group").isTrue();
      }
    }
    assertThat(gone).as("group keys written before the deletion").isGreaterThan(50);
  }

  @Test
  void aComputationThatBeganBeforeAGroupDeletionDoesNotBringTheGroupBack() throws Exception {
    String namespace = "fenced";
    WorkerProcess computing = start("function", REDIS.target().uri(), namespace, "1", "1500");
    KeyedCache<Object> keyed = keyedInThisJvm(namespace);
    await("the JVM to be ready", () -> computing.lines.contains("READY"), 60);
    go(namespace);
    await("the computation to begin", () -> counted(namespace) == 1, 30);
    keyed.deleteFunction("slow");
    assertThat(computing.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(computing.starting("RESULT ")).hasSize(1);
    assertThat(keyed.isCached(CacheKey.of("func", "slow", 7))).as("fenced off by the deletion").isFalse();
    // the function computes again after the deletion, and this value stays
    Function<Integer, String> slow = keyed.function("slow", Duration.ofMinutes(5), (Integer x) -> "again " + x);
    assertThat(slow.apply(7)).isEqualTo("again 7");
    assertThat(keyed.isCached(CacheKey.of("func", "slow", 7))).isTrue();
  }
}
