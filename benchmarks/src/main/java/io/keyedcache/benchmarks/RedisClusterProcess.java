package io.keyedcache.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster for one benchmark fork: three masters and three replicas on free loopback ports, joined by
 * {@code redis-cli --cluster create}, without persistence.
 */
final class RedisClusterProcess implements AutoCloseable {
  private final List<RedisProcess> nodes = new ArrayList<>();

  static RedisClusterProcess start() throws Exception {
    RedisClusterProcess cluster = new RedisClusterProcess();
    try {
      for (int i = 0; i < 6; i++) {
        String dir = Files.createTempDirectory("bench-cluster").toString();
        cluster.nodes.add(RedisProcess.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--dir", dir, "--cluster-node-timeout", "5000"));
      }
      List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      for (RedisProcess node : cluster.nodes) {
        command.add("127.0.0.1:" + node.port);
      }
      command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      Process create = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
        throw new IllegalStateException("redis-cli --cluster create failed: " + output);
      }
      cluster.awaitOk();
      return cluster;
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  private void awaitOk() throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < until) {
      boolean ok = true;
      for (RedisProcess node : nodes) {
        ok &= node.bulk("CLUSTER INFO").contains("cluster_state:ok");
      }
      if (ok) {
        return;
      }
      Thread.sleep(100);
    }
    StringBuilder states = new StringBuilder();
    for (RedisProcess node : nodes) {
      String info = node.bulk("CLUSTER INFO");
      states.append(' ').append(node.port).append(' ').append(info.lines().filter(l -> l.startsWith("cluster_state"))
          .findFirst().orElse(info.lines().findFirst().orElse("no reply")));
    }
    throw new IllegalStateException("the cluster did not report cluster_state:ok within 60 s:" + states);
  }

  /** {@code host:port} of the three first nodes, the seeds. */
  List<String> seeds() {
    List<String> seeds = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      seeds.add("127.0.0.1:" + nodes.get(i).port);
    }
    return seeds;
  }

  @Override
  public void close() throws InterruptedException {
    for (RedisProcess node : nodes) {
      node.close();
    }
  }
}
