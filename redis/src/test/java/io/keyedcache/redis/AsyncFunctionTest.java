package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.KeyedCachingProvider;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Asynchronous cached functions on the shared tier: one computation for callers in several JVMs (processes of their
 * own, {@link AsyncWorker}) without a thread per waiter, a lease holder killed while its stage runs, a failing
 * stage, and a deletion that overtakes a computation.
 */
class AsyncFunctionTest {
  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  private final List<WorkerProcess> workers = new ArrayList<>();
  private final List<CacheManager> managers = new ArrayList<>();

  @AfterEach
  void stop() {
    workers.forEach(worker -> worker.process.destroyForcibly());
    managers.forEach(CacheManager::close);
  }

  private WorkerProcess start(String namespace, int callers, long millis) throws IOException {
    WorkerProcess worker = WorkerProcess.start(AsyncWorker.class, REDIS.target().uri(), namespace,
        Integer.toString(callers), Long.toString(millis));
    workers.add(worker);
    return worker;
  }

  private KeyedCache<Object> keyed(String namespace) {
    Properties properties = new Properties();
    properties.setProperty("namespace", namespace);
    CacheManager manager = Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(REDIS.target().uri() + "?flight-lease=1000#" + namespace + "-" + managers.size()),
        AsyncFunctionTest.class.getClassLoader(), properties);
    managers.add(manager);
    Cache<Object, Object> cache = manager.createCache("shared", new MutableConfiguration<>());
    return KeyedCache.of(cache);
  }

  private long counter(String name) {
    return Long.parseLong(REDIS.target().send("INCRBY " + name + " 0").substring(1));
  }

  private static long figure(WorkerProcess worker, String name) {
    return Long.parseLong(worker.starting(name + " ").get(0));
  }

  private static void ended(WorkerProcess worker) throws InterruptedException {
    assertThat(worker.process.waitFor(90, TimeUnit.SECONDS)).as(String.join("\n", worker.lines)).isTrue();
    assertThat(worker.process.exitValue()).as(String.join("\n", worker.lines)).isZero();
  }

  /**
   * 1,000 callers at once over 3 JVMs (a 2 s computation): one computation in all, every caller gets its result, and
   * no JVM adds a thread per waiter while they wait.
   */
  @Test
  void aThousandCallersOverThreeJvmsShareOneComputationWithoutAThreadEach() throws Exception {
    String namespace = "async";
    int[] callers = {334, 333, 333};
    for (int count : callers) {
      start(namespace, count, 2_000);
    }
    Waiting.until("the JVMs to be ready", () -> workers.stream().allMatch(w -> w.lines.contains("READY")), 60);
    assertThat(REDIS.target().send("SET go:" + namespace + " 1")).isEqualTo("+OK");
    long answers = 0;
    for (WorkerProcess worker : workers) {
      ended(worker);
      assertThat(figure(worker, "ERRORS")).isZero();
      answers += figure(worker, "ANSWERS");
      long added = figure(worker, "THREADS_MOST") - figure(worker, "THREADS_BEFORE");
      assertThat(figure(worker, "PENDING")).as("calls that waited for the computation").isPositive();
      assertThat(added).as("threads added while %d calls waited", figure(worker, "PENDING")).isLessThan(16);
      System.out.printf("async, JVM %d: %s%n", worker.process.pid(), String.join(", ", worker.lines));
    }
    assertThat(answers).isEqualTo(1_000);
    assertThat(counter("computations:" + namespace)).as("computations across the 3 JVMs").isEqualTo(1);
    assertThat(counter("overlap:" + namespace)).isZero();
  }

  /**
   * The JVM that holds the lease is killed while its stage runs (a 20 s computation): a caller in another JVM takes
   * over once the lease (1 s) lapses, computes and stores, and sees no error.
   */
  @Test
  void whenTheComputingJvmIsKilledAWaiterTakesOverAfterTheLease() throws Exception {
    String namespace = "async-killed";
    WorkerProcess doomed = start(namespace, 1, 20_000);
    Waiting.until("the JVM to be ready", () -> doomed.lines.contains("READY"), 60);
    KeyedCache<Object> keyed = keyed(namespace);
    AtomicInteger computed = new AtomicInteger();
    Function<Integer, CompletableFuture<String>> price = keyed.function("price").ttl(Duration.ofMinutes(1))
        .ofAsync((Integer id) -> {
          computed.incrementAndGet();
          return CompletableFuture.completedFuture("here " + id);
        });
    assertThat(REDIS.target().send("SET go:" + namespace + " 1")).isEqualTo("+OK");
    Waiting.until("the other JVM to compute", () -> doomed.lines.contains("COMPUTING"), 30);
    CompletableFuture<String> waiting = price.apply(1);
    Thread.sleep(100);
    assertThat(waiting).as("waits for the other JVM's lease").isNotDone();
    doomed.process.destroyForcibly();
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("here 1");
    assertThat(computed).hasValue(1);
    assertThat(keyed.get(CacheKey.of("func", "price", 1))).isEqualTo("here 1");
  }

  /** A stage that fails: every waiter in every JVM gets its exception, nothing is stored, and the next call computes. */
  @Test
  void aFailedStageFailsEveryWaiterAndStoresNothing() throws Exception {
    KeyedCache<Object> one = keyed("async-failing");
    KeyedCache<Object> other = keyed("async-failing");
    CompletableFuture<String> release = new CompletableFuture<>();
    AtomicInteger computed = new AtomicInteger();
    Function<Integer, CompletableFuture<String>> first = one.function("price").ttl(Duration.ofMinutes(1))
        .ofAsync((Integer id) -> {
          computed.incrementAndGet();
          return release;
        });
    Function<Integer, CompletableFuture<String>> second = other.function("price").ttl(Duration.ofMinutes(1))
        .ofAsync((Integer id) -> {
          computed.incrementAndGet();
          return CompletableFuture.completedFuture("second " + id);
        });
    CompletableFuture<String> a = first.apply(1);
    CompletableFuture<String> b = first.apply(1);
    Waiting.until("the first to hold the lease", () -> computed.get() == 1, 10);
    CompletableFuture<String> c = second.apply(1);
    Thread.sleep(100);
    assertThat(c).as("waits for the other manager's lease").isNotDone();
    release.completeExceptionally(new IllegalStateException("price service down"));
    for (CompletableFuture<String> call : List.of(a, b)) {
      assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasRootCauseMessage("price service down");
    }
    // the waiter in the other manager finds nothing stored when the lease lands, and computes itself
    assertThat(c.get(10, TimeUnit.SECONDS)).isEqualTo("second 1");
    assertThat(computed).hasValue(2);
    assertThat(first.apply(1).get(10, TimeUnit.SECONDS)).isEqualTo("second 1");
  }

  /**
   * deleteFunction in another manager while a computation's stage runs: its result reaches its callers and is not
   * stored; the next call computes again.
   */
  @Test
  void aDeletionWhileTheStageRunsIsNotUndone() throws Exception {
    KeyedCache<Object> one = keyed("async-fenced");
    KeyedCache<Object> other = keyed("async-fenced");
    other.put(CacheKey.of("func", "price", 2), "old 2");
    CompletableFuture<String> release = new CompletableFuture<>();
    AtomicInteger computed = new AtomicInteger();
    Function<Integer, CompletableFuture<String>> price = one.function("price").ttl(Duration.ofMinutes(1))
        .ofAsync((Integer id) -> {
          computed.incrementAndGet();
          return id == 1 ? release : CompletableFuture.completedFuture("new " + id);
        });
    CompletableFuture<String> call = price.apply(1);
    Waiting.until("the computation to start", () -> computed.get() == 1, 10);
    assertThat(other.deleteFunction("price")).containsExactly(CacheKey.of("func", "price", 2));
    release.complete("fenced 1");
    assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("fenced 1");
    assertThat(other.find(CacheKey.of("func", "price", 1))).as("the deletion stands").isEmpty();
    assertThat(one.find(CacheKey.of("func", "price", 1))).isEmpty();
    assertThat(price.apply(2).get(10, TimeUnit.SECONDS)).isEqualTo("new 2");
    assertThat(other.get(CacheKey.of("func", "price", 2))).isEqualTo("new 2");
  }
}
