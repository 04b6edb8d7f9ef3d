package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rolling deploy on one redis-server, in real JVM processes ({@link DeployWorker}): the new version writes values of
 * a class that the old version's serialization filter does not allow. The old one takes them as misses, says so once
 * with the class and the setting, and deletes none of them; each version keeps reading its own.
 */
class RollingDeployTest {
  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  private final List<WorkerProcess> workers = new ArrayList<>();

  @AfterEach
  void stopWorkers() {
    workers.forEach(worker -> worker.process.destroyForcibly());
  }

  private List<String> run(String... args) throws IOException, InterruptedException {
    WorkerProcess worker = WorkerProcess.start(DeployWorker.class, args);
    workers.add(worker);
    assertThat(worker.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("the worker ended").isTrue();
    assertThat(worker.lines).as("the worker's output").contains("DONE");
    return worker.lines;
  }

  @Test
  void neitherVersionDeletesWhatTheOtherWrites() throws Exception {
    String uri = REDIS.target().uri();
    int reads = DeployWorker.KEYS * 5;
    List<String> first = run("new", uri, "deploy", "p", "p", "5");
    assertThat(first).contains("HITS p " + reads);

    List<String> old = run("old", uri, "deploy", "s", "p", "s", "5");
    assertThat(old).as("the old version cannot read the new one's values").contains("MISSES p " + reads)
        .as("and reads its own").contains("HITS s " + reads);
    List<String> logged = old.stream().filter(line -> line.startsWith("LOG ")).toList();
    assertThat(logged).as("said once for %d reads, not once per read or per key", reads).hasSize(1);
    assertThat(logged.get(0)).contains("cannot read", "io.keyedcache.redis.DeployWorker$Product",
        "serialization-filter", "left in place").doesNotContain("removed");

    List<String> again = run("new", uri, "deploy", "-", "p", "s", "5");
    assertThat(again).as("the new version's values are all still there").contains("HITS p " + reads)
        .as("and it reads the old one's").contains("HITS s " + reads);
  }
}
