package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A master of a real Redis Cluster killed (SIGKILL, as a crash) while two writer JVMs and two reader JVMs with near
 * caches run: its replica takes over, the same processes go on without a restart, no write acknowledged after the
 * kill is lost, and no near cache serves a value beyond the bound the near cache states for a failure (two
 * heartbeats). What was lost and how long the writers paused is printed for the notes.
 */
class ClusterFailoverTest {
  private static final String NAMESPACE = "failover";
  private static final long WRITE_MILLIS = 16_000;
  private static final long KILL_AFTER_MILLIS = 4_000;
  @RegisterExtension
  final Managers managers = new Managers();
  private final List<Process> processes = new ArrayList<>();
  private RedisCluster cluster;

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    if (cluster != null) {
      cluster.close();
    }
  }

  private WorkerProcess run(String... args) throws IOException {
    WorkerProcess worker = WorkerProcess.start(args);
    processes.add(worker.process);
    return worker;
  }

  private static void awaitReady(List<WorkerProcess> workers) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!workers.stream().allMatch(worker -> worker.lines.contains("READY"))) {
      assertThat(System.nanoTime()).as("workers ready: %s", workers.stream().map(w -> w.lines).toList())
          .isLessThan(until);
      Thread.sleep(20);
    }
  }

  /** {@code ACK <seq> <nanos>} lines: when each seq's two puts had returned. */
  private static TreeMap<Integer, Long> acks(WorkerProcess writer) {
    TreeMap<Integer, Long> acks = new TreeMap<>();
    for (String line : writer.starting("ACK ")) {
      String[] parts = line.split(" ");
      acks.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
    }
    return acks;
  }

  /** The node a key's hash slot is served by, once the cluster has a live master for it again. */
  private RedisServer awaitMasterOf(String name, RedisServer not) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        RedisServer master = cluster.masterOf(name);
        if (master != not) {
          return master;
        }
      } catch (IllegalStateException e) {
        // no live master is known for the slot yet
      }
      assertThat(System.nanoTime()).as("a replica took the slot of " + name + " over").isLessThan(until);
      Thread.sleep(50);
    }
  }

  @Test
  void aMasterKilledUnderWritersAndReadersInSeveralJvmsFailsOverAndTheyGoOn() throws Exception {
    cluster = RedisCluster.start();
    String uri = cluster.uri();
    List<WorkerProcess> writers = List.of(
        run("churn", uri, NAMESPACE, "0", Long.toString(WRITE_MILLIS), "near-cache-size=0"),
        run("churn", uri, NAMESPACE, "1", Long.toString(WRITE_MILLIS), "near-cache-size=0"));
    List<WorkerProcess> readers = List.of(
        run("read", uri, NAMESPACE, "2", Long.toString(WRITE_MILLIS + 3_000)),
        run("read", uri, NAMESPACE, "2", Long.toString(WRITE_MILLIS + 3_000)));
    List<WorkerProcess> all = new ArrayList<>(writers);
    all.addAll(readers);
    awaitReady(all);
    String victimKey = new String(new Names(NAMESPACE, "shared", true).value("c:0:0"), StandardCharsets.UTF_8);
    RedisServer victim = cluster.masterOf(victimKey);
    cluster.send("SET go:" + NAMESPACE + " 1");
    Thread.sleep(KILL_AFTER_MILLIS);
    victim.kill();
    long killed = System.nanoTime();
    RedisServer promoted = awaitMasterOf(victimKey, victim);
    long tookOver = System.nanoTime();
    for (Process process : processes) {
      assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("a worker ended").isTrue();
    }

    CacheManager check = managers.open(URI.create(uri + "#" + NAMESPACE + "-check"), settings());
    Cache<Object, Object> cache = check.getCache("shared") != null ? check.getCache("shared")
        : check.createCache("shared", new MutableConfiguration<>());
    long lost = 0;
    long lostLatest = Long.MIN_VALUE;
    long acked = 0;
    long longestPause = 0;
    long errors = 0;
    for (int id = 0; id < writers.size(); id++) {
      WorkerProcess writer = writers.get(id);
      TreeMap<Integer, Long> acks = acks(writer);
      errors += writer.starting("ERR ").size();
      assertThat(acks.ceilingEntry(1)).as("writer %d's output: %s", id, writer.lines).isNotNull();
      assertThat(acks.lastEntry().getValue()).as("writer %d acknowledged writes after the kill", id)
          .isGreaterThan(tookOver);
      acked += acks.size();
      long previous = 0;
      for (Map.Entry<Integer, Long> ack : acks.entrySet()) {
        if (previous != 0) {
          longestPause = Math.max(longestPause, ack.getValue() - previous);
        }
        previous = ack.getValue();
      }
      Set<String> logKeys = new HashSet<>();
      for (int seq : acks.keySet()) {
        logKeys.add("log:" + id + ":" + seq);
      }
      Map<Object, Object> present = cache.getAll(new HashSet<>(logKeys));
      for (Map.Entry<Integer, Long> ack : acks.entrySet()) {
        if (!present.containsKey("log:" + id + ":" + ack.getKey())) {
          lost++;
          lostLatest = Math.max(lostLatest, ack.getValue());
          // replication is asynchronous: only a write the old master acknowledged can be lost with it
          assertThat(ack.getValue()).as("a lost write of writer %d was acknowledged before the kill", id)
              .isLessThan(killed);
        }
      }
    }
    assertThat(acks(writers.get(0)).entrySet().stream()
        .filter(ack -> ack.getKey() % JvmWorker.COUNTERS == 0 && ack.getValue() > tookOver).count())
        .as("writes to a key of the killed master's slots acknowledged after its replica took over")
        .isPositive();

    Map<String, Object> last = new HashMap<>();
    for (int w = 0; w < writers.size(); w++) {
      for (int i = 0; i < JvmWorker.COUNTERS; i++) {
        last.put("c:" + w + ":" + i, cache.get("c:" + w + ":" + i));
      }
    }
    long stalest = Long.MIN_VALUE;
    long staleReads = 0;
    long reads = 0;
    long readErrors = 0;
    for (WorkerProcess reader : readers) {
      List<String> seen = reader.starting("SEEN ");
      assertThat(seen).as("a reader's output: %s", reader.lines).isNotEmpty();
      readErrors += reader.starting("ERR ").size();
      reads += reader.starting("READS ").stream().mapToLong(Long::parseLong).sum();
      Map<String, String> finalValue = new HashMap<>();
      for (String line : seen) {
        String[] parts = line.split(" ");
        String key = parts[0];
        int value = Integer.parseInt(parts[1]);
        long began = Long.parseLong(parts[2]);
        finalValue.put(key, parts[1]);
        int writer = Integer.parseInt(key.split(":")[1]);
        Long next = acks(writers.get(writer)).get(value + JvmWorker.COUNTERS);
        if (next != null) {
          stalest = Math.max(stalest, began - next);
          if (began > next) {
            staleReads++;
          }
        }
      }
      for (Map.Entry<String, Object> counter : last.entrySet()) {
        assertThat(finalValue.get(counter.getKey())).as("the reader's last read of %s", counter.getKey())
            .isEqualTo(String.valueOf(counter.getValue()));
      }
    }
    System.out.printf("cluster failover: master %d killed %d ms into the run, replica %d master %d ms later;"
        + " writers: %d writes acknowledged, %d failed attempts, longest pause %d ms, %d acknowledged writes lost"
        + " (the latest acknowledged %d ms before the kill); readers: %d reads, %d failed, %d last reads stale,"
        + " the stalest by %d ms%n", victim.port(), KILL_AFTER_MILLIS, promoted.port(),
        TimeUnit.NANOSECONDS.toMillis(tookOver - killed), acked, errors, TimeUnit.NANOSECONDS.toMillis(longestPause),
        lost, lost == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(killed - lostLatest), reads, readErrors, staleReads,
        TimeUnit.NANOSECONDS.toMillis(stalest));
    // the near cache's bound for a failure: one is noticed within about two heartbeats, then it is bypassed
    assertThat(stalest).as("the stalest near read, ns").isLessThan(
        TimeUnit.MILLISECONDS.toNanos(2 * RedisTier.DEFAULT_NEAR_CACHE_HEARTBEAT_MILLIS));
  }

  private static Properties settings() {
    Properties properties = new Properties();
    properties.setProperty("namespace", NAMESPACE);
    properties.setProperty("near-cache-size", "0");
    return properties;
  }
}
