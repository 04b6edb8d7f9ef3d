package io.keyedcache.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster for tests: three masters and three replicas, each a {@link RedisServer} on a free loopback
 * port with {@code --cluster-enabled yes}, joined by {@code redis-cli --cluster create ... --cluster-replicas 1}
 * (which comes with the Debian package {@code redis-server}). A node that stops answering for {@link #NODE_TIMEOUT_MS}
 * is failed over to its replica.
 */
public final class RedisCluster implements RedisTarget {
  /** The cluster's {@code cluster-node-timeout}: how long a master may be silent before its replica takes over. */
  public static final int NODE_TIMEOUT_MS = 1000;

  private final List<RedisServer> nodes = new ArrayList<>();

  private RedisCluster() {}

  /** Starts six nodes, joins them and waits until every node reports the cluster ok. */
  public static RedisCluster start() throws IOException {
    RedisCluster cluster = new RedisCluster();
    try {
      for (int i = 0; i < 6; i++) {
        cluster.nodes.add(RedisServer.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MS)));
      }
      List<String> command = new ArrayList<>(List.of(RedisServer.client(), "--cluster", "create"));
      for (RedisServer node : cluster.nodes) {
        command.add("127.0.0.1:" + node.port());
      }
      command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      Process create = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
        throw new IOException(RedisServer.client() + " --cluster create failed: " + output);
      }
      cluster.awaitOk();
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cluster.close();
      throw new IOException(e);
    }
  }

  /**
   * Waits until every node that runs says {@code cluster_state:ok} and agrees which nodes are masters, and every
   * master has a replica that finished its first sync (as right after {@link #start()}).
   */
  private void awaitOk() throws IOException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < until) {
      if (ok()) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    throw new IOException("the Redis Cluster was not ok within 60 s: " + nodes.get(0).bulk("CLUSTER NODES"));
  }

  private boolean ok() {
    String masters = null;
    for (RedisServer node : nodes) {
      if (!node.ping()) {
        continue; // a node the test killed
      }
      String info = node.bulk("CLUSTER INFO");
      if (info == null || !info.contains("cluster_state:ok")) {
        return false;
      }
      String replication = node.bulk("INFO replication");
      if (replication == null || replication.contains("role:master") && !replication.contains("state=online")) {
        return false; // a replica still in its first sync: a WAIT would not count it yet
      }
      String these = masters(node).toString();
      if (masters != null && !masters.equals(these)) {
        return false;
      }
      masters = these;
    }
    return masters != null;
  }

  /** The ports of the masters that serve slots, as {@code node} sees them, in order. */
  private static List<Integer> masters(RedisServer node) {
    List<Integer> masters = new ArrayList<>();
    String text = node.bulk("CLUSTER NODES");
    if (text == null) {
      return masters;
    }
    for (String line : text.split("\n")) {
      String[] fields = line.strip().split(" ");
      if (fields.length > 8 && fields[2].contains("master") && !fields[2].contains("fail")) {
        String address = fields[1];
        masters.add(Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@'))));
      }
    }
    masters.sort(null);
    return masters;
  }

  /** A manager URI for the cluster, its three first nodes as seeds. */
  @Override
  public String uri() {
    return "redis-cluster://127.0.0.1:" + nodes.get(0).port() + ",127.0.0.1:" + nodes.get(1).port()
        + ",127.0.0.1:" + nodes.get(2).port();
  }

  /** Every node, masters and replicas, in the order they were started. */
  public List<RedisServer> nodes() {
    return nodes;
  }

  /** The node that is master of {@code key}'s hash slot now. */
  public RedisServer masterOf(String key) {
    for (RedisServer node : nodes) {
      if (!node.ping()) {
        continue;
      }
      String slotReply = node.send("CLUSTER KEYSLOT " + key);
      int slot = Integer.parseInt(slotReply.substring(1));
      String text = node.bulk("CLUSTER NODES");
      for (String line : text.split("\n")) {
        String[] fields = line.strip().split(" ");
        if (fields.length <= 8 || !fields[2].contains("master") || fields[2].contains("fail")) {
          continue;
        }
        for (int i = 8; i < fields.length; i++) {
          String range = fields[i];
          if (range.startsWith("[")) {
            continue; // a slot being migrated
          }
          int dash = range.indexOf('-');
          int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
          int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
          if (slot >= from && slot <= to) {
            int port = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1, fields[1].indexOf('@')));
            return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
          }
        }
      }
    }
    throw new IllegalStateException("no master of " + key + " is known");
  }

  @Override
  public String send(String command) {
    String[] words = command.split(" ");
    if (words.length < 2) {
      throw new IllegalArgumentException("a command with a key, not " + command);
    }
    return masterOf(words[1]).send(command);
  }

  /** How many times the masters and replicas together have run {@code command} since they started. */
  @Override
  public long calls(String command) {
    long calls = 0;
    for (RedisServer node : nodes) {
      if (node.ping()) {
        calls += node.calls(command);
      }
    }
    return calls;
  }

  @Override
  public void close() {
    for (RedisServer node : nodes) {
      node.close();
    }
  }
}
