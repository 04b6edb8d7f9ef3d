package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stale reads across real JVMs, after Hazelcast's {@code NearCacheStaleReadTest}: one writer JVM puts 1, 2, ... into
 * one key while reader JVMs read it from their near caches. A read is stale by how long before it began the next
 * value's put had returned; the test reports the distribution and checks that every reader converges to the last
 * value, and that in strict mode no read is stale at all.
 */
class NearCacheJvmTest {
  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  private static final int WRITES = 2_000;
  private static final long GAP_MICROS = 500;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
  }

  private List<String> run(String... args) throws IOException {
    WorkerProcess worker = WorkerProcess.start(args);
    processes.add(worker.process);
    return worker.lines;
  }

  private static void awaitReady(List<List<String>> outputs) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!outputs.stream().allMatch(lines -> lines.contains("READY"))) {
      assertThat(System.nanoTime()).as("workers ready: %s", outputs).isLessThan(until);
      Thread.sleep(20);
    }
  }

  /** Staleness of each reader's last read of each value, in microseconds (negative: not stale). */
  private long[] staleness(String namespace, boolean strict) throws Exception {
    String uri = REDIS.target().uri();
    List<String> writer = run("count", uri, namespace, Integer.toString(WRITES), Long.toString(GAP_MICROS),
        "near-cache-size=0");
    List<List<String>> readers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      readers.add(run("watch", uri, namespace, Integer.toString(WRITES), "near-cache-strict=" + strict,
          "serialization-filter=java.lang.*"));
    }
    List<List<String>> all = new ArrayList<>(readers);
    all.add(writer);
    awaitReady(all);
    REDIS.target().send("SET go:" + namespace + " 1");
    for (Process process : processes) {
      assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
    }
    Map<Integer, Long> acks = new HashMap<>();
    for (String line : writer) {
      if (line.startsWith("ACK ")) {
        String[] parts = line.split(" ");
        acks.put(Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
      }
    }
    assertThat(acks).as("the writer's output: %s", writer).hasSize(WRITES);
    List<Long> stale = new ArrayList<>();
    for (List<String> lines : readers) {
      List<String> last = lines.stream().filter(line -> line.startsWith("LAST ")).toList();
      assertThat(last).as("a reader's output").isNotEmpty();
      assertThat(last.get(last.size() - 1)).as("every reader converges to the last value")
          .startsWith("LAST " + WRITES + " ");
      for (String line : last) {
        String[] parts = line.split(" ");
        int value = Integer.parseInt(parts[1]);
        Long next = acks.get(value + 1);
        if (next != null) {
          stale.add((Long.parseLong(parts[2]) - next) / 1_000);
        }
      }
      System.out.println("near cache stale-read run (" + (strict ? "strict" : "default") + "): a reader made "
          + lines.stream().filter(line -> line.startsWith("READS ")).findFirst().orElse("no count"));
    }
    return stale.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  private static long percentile(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  @Test
  void readersInOtherJvmsConvergeAndTheStalenessWindowIsReported() throws Exception {
    long[] stale = staleness("stale", false);
    long[] positive = Arrays.stream(stale).filter(s -> s > 0).toArray();
    System.out.printf("near cache staleness, 3 reader JVMs, %d writes %d us apart: %d of %d last reads stale;"
        + " stale by (us) median %d, p99 %d, max %d%n", WRITES, GAP_MICROS, positive.length, stale.length,
        positive.length == 0 ? 0 : percentile(positive, 0.5), positive.length == 0 ? 0 : percentile(positive, 0.99),
        positive.length == 0 ? 0 : positive[positive.length - 1]);
    // the bound when nothing fails: an invalidation's way from the server to the reader, far below a heartbeat
    assertThat(stale[stale.length - 1]).as("the largest staleness, us").isLessThan(
        TimeUnit.MILLISECONDS.toMicros(RedisTier.DEFAULT_NEAR_CACHE_HEARTBEAT_MILLIS));
  }

  @Test
  void strictReadsAreNeverStale() throws Exception {
    long[] stale = staleness("strict", true);
    System.out.printf("near cache strict mode, 3 reader JVMs: %d last reads, the latest began %d us after the"
        + " next value's put returned (negative: before it)%n", stale.length, stale[stale.length - 1]);
    assertThat(stale[stale.length - 1]).as("no read began after a newer put had returned").isLessThanOrEqualTo(0);
  }
}
