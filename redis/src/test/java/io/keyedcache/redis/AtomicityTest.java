package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyedcache.provider.KeyedCachingProvider;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The one-round-trip writes are atomic across JVMs: three JVM processes ({@link AtomicWorker}) of four threads each
 * race on the same keys of a cache with created expiry, statistics and a listener, and every outcome is one that
 * some order of the operations gives.
 */
class AtomicityTest {
  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  private static final int JVMS = 3;
  private static final int THREADS = 4;
  private final List<WorkerProcess> workers = new ArrayList<>();
  private CacheManager manager;

  @AfterEach
  void stop() {
    workers.forEach(worker -> worker.process.destroyForcibly());
    if (manager != null) {
      manager.close();
    }
  }

  private Cache<String, String> cacheHere(String namespace) {
    Properties properties = new Properties();
    properties.setProperty("namespace", namespace);
    manager = Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(REDIS.target().uri() + "#" + namespace + "-test"), getClass().getClassLoader(), properties);
    return manager.createCache("atomic", AtomicWorker.configuration());
  }

  /** Runs the workers until each printed DONE; returns every line they printed. */
  private List<String> race(String mode, String namespace, int count) throws IOException, InterruptedException {
    for (int i = 0; i < JVMS; i++) {
      workers.add(WorkerProcess.start(AtomicWorker.class, mode, REDIS.target().uri(), namespace, "w" + i,
          Integer.toString(THREADS), Integer.toString(count)));
    }
    await(() -> workers.stream().allMatch(worker -> worker.lines.contains("READY")), 60);
    assertThat(REDIS.target().send("SET go:" + namespace + " 1")).isEqualTo("+OK");
    await(() -> workers.stream().allMatch(worker -> worker.lines.contains("DONE")), 120);
    List<String> lines = new ArrayList<>();
    workers.forEach(worker -> lines.addAll(worker.lines));
    return lines;
  }

  private void await(java.util.function.BooleanSupplier condition, long seconds) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        StringBuilder printed = new StringBuilder();
        workers.forEach(worker -> printed.append(worker.lines).append('\n'));
        throw new AssertionError("the workers did not get there within " + seconds + " s:\n" + printed);
      }
      Thread.sleep(10);
    }
  }

  private static List<String> starting(List<String> lines, String prefix) {
    return lines.stream().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length()))
        .toList();
  }

  @Test
  void everyKeyHasOnePutIfAbsentWinner() throws Exception {
    Cache<String, String> cache = cacheHere("absent");
    List<String> won = starting(race("putIfAbsent", "absent", 200), "WON ");
    Map<String, String> winners = new HashMap<>();
    for (String line : won) {
      String[] parts = line.split(" ");
      assertThat(winners.put(parts[0], parts[1])).as("a second winner of " + parts[0]).isNull();
    }
    assertThat(winners).hasSize(200);
    winners.forEach((key, winner) -> assertThat(cache.get(key)).as(key).isEqualTo(winner));
  }

  @Test
  void noIncrementByReplaceIsLost() throws Exception {
    Cache<String, String> cache = cacheHere("replaced");
    cache.put("counter", "0");
    List<String> added = starting(race("replace", "replaced", 100), "ADDED ");
    assertThat(added).hasSize(JVMS * THREADS);
    long total = added.stream().mapToLong(Long::parseLong).sum();
    assertThat(total).isEqualTo((long) JVMS * THREADS * 100);
    assertThat(cache.get("counter")).isEqualTo(Long.toString(total));
  }

  @Test
  void everyValueOfGetAndPutIsReturnedOnceOrStays() throws Exception {
    Cache<String, String> cache = cacheHere("chained");
    List<String> olds = new ArrayList<>(starting(race("getAndPut", "chained", 150), "OLD "));
    olds.add(cache.get("chain"));
    Set<String> expected = new HashSet<>();
    for (int w = 0; w < JVMS; w++) {
      for (int t = 0; t < THREADS; t++) {
        for (int i = 0; i < 150; i++) {
          expected.add("w" + w + "." + t + "." + i);
        }
      }
    }
    expected.add("null"); // the first getAndPut found no value
    assertThat(olds).as("each value put is returned as the old value once, or is the last").hasSize(expected.size())
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void everyEntryOfRacingPutAllsIsCreatedOnce() throws Exception {
    Cache<String, String> cache = cacheHere("batched");
    List<String> created = starting(race("putAll", "batched", 160), "CREATED ");
    assertThat(created).as("each key created once, in one JVM").hasSize(160).doesNotHaveDuplicates();
    for (int i = 0; i < 160; i++) {
      assertThat(cache.get("p" + i)).as("p" + i).isNotNull();
    }
  }

  @Test
  void everyEntryOfRacingRemoveAllsIsRemovedOnce() throws Exception {
    Cache<String, String> cache = cacheHere("unbatched");
    for (int i = 0; i < 200; i++) {
      cache.put("r" + i, "value" + i);
    }
    List<String> removed = starting(race("removeAll", "unbatched", 200), "REMOVED ");
    assertThat(removed).as("each key removed once, in one JVM").hasSize(200).doesNotHaveDuplicates();
    assertThat(cache.iterator().hasNext()).isFalse();
  }

  @Test
  void everyEntryIsTakenByOneGetAndRemove() throws Exception {
    Cache<String, String> cache = cacheHere("taken");
    for (int i = 0; i < 200; i++) {
      cache.put("r" + i, "value" + i);
    }
    List<String> took = starting(race("getAndRemove", "taken", 200), "TOOK ");
    Set<String> keys = new HashSet<>();
    for (String line : took) {
      String[] parts = line.split(" ");
      assertThat(keys.add(parts[0])).as("taken twice: " + parts[0]).isTrue();
      assertThat(parts[1]).isEqualTo("value" + parts[0].substring(1));
    }
    assertThat(keys).hasSize(200);
  }
}
