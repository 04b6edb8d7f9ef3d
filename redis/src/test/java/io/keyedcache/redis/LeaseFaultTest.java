package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No key stays held after a fault: JVM processes ({@link LeaseWorker}) change one key with steps (an entry processor)
 * and scripted writes (a put under created expiry) while one more JVM, which reaches the server through a TCP proxy
 * of the test's, has its connections reset, killed by {@code CLIENT KILL}, or cut off by a partition while it holds
 * the key's lease. Every other JVM's operation that begins after the fault completes within the lease-timeout, and
 * once the fault has healed and the lease-timeout has passed, no lease is left on the server.
 */
class LeaseFaultTest {
  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  private static final long TIMEOUT = 1500;
  /** What an operation may take beyond the lease-timeout: its own round trips and a pause of the loop. */
  private static final long SLACK = 700;
  private final List<WorkerProcess> workers = new ArrayList<>();
  private Proxy proxy;

  @AfterEach
  void stop() throws IOException {
    workers.forEach(worker -> worker.process.destroyForcibly());
    if (proxy != null) {
      proxy.close();
    }
  }

  private WorkerProcess start(String uri, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(1, uri);
    all.add("lease-timeout=" + TIMEOUT);
    WorkerProcess worker = WorkerProcess.start(LeaseWorker.class, all.toArray(String[]::new));
    workers.add(worker);
    return worker;
  }

  private static void await(String what, java.util.function.BooleanSupplier condition, long seconds)
      throws InterruptedException {
    Waiting.until(what, condition, seconds);
  }

  /** Two JVMs straight to the server, changing the hot key for {@code millis}. */
  private List<WorkerProcess> others(String namespace, long millis) throws Exception {
    List<WorkerProcess> others = List.of(
        start(REDIS.server().uri(), "mix", namespace, "a", "3", Long.toString(millis)),
        start(REDIS.server().uri(), "mix", namespace, "b", "3", Long.toString(millis)));
    return others;
  }

  /**
   * What the other JVMs did: every operation that began at or after {@code since} (epoch ms) succeeded within the
   * lease-timeout, and each completed some; then no lease is left once the lease-timeout has passed.
   */
  private void assertNoStall(List<WorkerProcess> others, long since, String namespace) throws Exception {
    await("the other JVMs", () -> others.stream().allMatch(w -> !w.starting("DONE ").isEmpty()), 120);
    long slowest = 0;
    for (WorkerProcess worker : others) {
      for (String line : worker.starting("FAIL ")) {
        long start = Long.parseLong(line.split(" ")[0]);
        assertThat(start).as("an operation that began after the fault failed: " + line).isLessThan(since);
      }
      for (String line : worker.starting("SLOW ")) {
        String[] parts = line.split(" ");
        if (Long.parseLong(parts[0]) >= since) {
          slowest = Math.max(slowest, Long.parseLong(parts[1]));
        }
      }
      assertThat(Long.parseLong(worker.starting("DONE ").get(0))).as("operations completed").isPositive();
    }
    System.out.println("LeaseFaultTest " + namespace + ": slowest operation begun after the fault " + slowest
        + " ms (lease-timeout " + TIMEOUT + " ms)");
    assertThat(slowest).as("the slowest operation begun after the fault, ms").isLessThanOrEqualTo(TIMEOUT + SLACK);
    Thread.sleep(TIMEOUT + 200);
    assertThat(REDIS.server().send("EVAL \"return #redis.call('KEYS', ARGV[1])\" 0 " + namespace + "*:l:*"))
        .as("leases left on the server").isEqualTo(":0");
  }

  @Test
  void aPartitionedJvmHoldingTheKeyStallsTheOthersForAtMostTheLeaseTimeout() throws Exception {
    proxy = new Proxy(REDIS.server().port());
    List<WorkerProcess> others = others("parted", 9_000);
    WorkerProcess holder = start(proxy.uri(), "hold", "parted", "h", "4000");
    await("the holder's step", () -> holder.lines.contains("INSIDE"), 60);
    proxy.partition();
    long since = System.currentTimeMillis();
    Thread.sleep(5_000);
    proxy.heal();
    assertNoStall(others, since, "parted");
    await("the holder", () -> !holder.starting("DONE ").isEmpty(), 120);
    assertThat(holder.starting("FAIL ")).as("the holder's step outlived its lease").singleElement()
        .asString().contains("outlived its lease");
  }

  @Test
  void connectionResetsLeaveNoKeyHeld() throws Exception {
    proxy = new Proxy(REDIS.server().port());
    List<WorkerProcess> others = others("reset", 8_000);
    WorkerProcess cut = start(proxy.uri(), "mix", "reset", "c", "3", "8000");
    await("the cut JVM", () -> cut.lines.contains("READY"), 60);
    Thread.sleep(1_000);
    long since = System.currentTimeMillis();
    for (int i = 0; i < 5; i++) {
      proxy.cut();
      Thread.sleep(700);
    }
    assertNoStall(others, since, "reset");
  }

  @Test
  void clientKillLeavesNoKeyHeld() throws Exception {
    proxy = new Proxy(REDIS.server().port());
    List<WorkerProcess> others = others("killed", 8_000);
    WorkerProcess killed = start(proxy.uri(), "mix", "killed", "k", "3", "8000");
    await("the killed JVM", () -> killed.lines.contains("READY"), 60);
    Thread.sleep(1_000);
    long since = System.currentTimeMillis();
    for (int i = 0; i < 5; i++) {
      for (int port : proxy.serverSidePorts()) {
        REDIS.server().send("CLIENT KILL ADDR 127.0.0.1:" + port);
      }
      Thread.sleep(700);
    }
    assertNoStall(others, since, "killed");
  }
}
