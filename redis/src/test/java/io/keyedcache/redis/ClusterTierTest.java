package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
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
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared tier on a real Redis Cluster of three masters and three replicas: one cache's entries spread over every
 * master, and what spans them (many-key operations, iteration, clear, group deletion, near-cache invalidation) holds
 * as on one server. Where an entry lives is read from the masters themselves.
 */
class ClusterTierTest {
  private static RedisCluster cluster;
  @RegisterExtension
  final Managers managers = new Managers();

  @BeforeAll
  static void startCluster() throws IOException {
    cluster = RedisCluster.start();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private CacheManager manager(String namespace, String jvm, String... settings) {
    Properties properties = new Properties();
    properties.setProperty("namespace", namespace);
    properties.setProperty("serialization-filter", "io.keyedcache.redis.*");
    for (int i = 0; i < settings.length; i += 2) {
      properties.setProperty(settings[i], settings[i + 1]);
    }
    return managers.open(URI.create(cluster.uri() + "#" + namespace + "-" + jvm), properties);
  }

  private static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  @SuppressWarnings("unchecked")
  private static KeyedCache<Object> keyed(Cache<Object, Object> cache) {
    return cache.unwrap(KeyedCache.class);
  }

  /** How many names that match {@code pattern} each master holds now, by port. */
  private static Map<Integer, Long> perMaster(String pattern) {
    Map<Integer, Long> counts = new HashMap<>();
    for (RedisServer node : cluster.nodes()) {
      String role = node.send("ROLE"); // a master's reply has three elements, a replica's five
      if (role != null && role.equals("*3")) {
        String reply = node.send("EVAL \"return #redis.call('keys', ARGV[1])\" 0 " + pattern);
        counts.put(node.port(), Long.parseLong(reply.substring(1)));
      }
    }
    return counts;
  }

  private static Set<Integer> mastersHolding(String pattern) {
    Set<Integer> masters = new HashSet<>();
    perMaster(pattern).forEach((port, count) -> {
      if (count > 0) {
        masters.add(port);
      }
    });
    return masters;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Waiting.until(what, condition, 10);
  }

  /**
   * A cache spread over many shards on every master: iteration and the size estimate find every entry through the
   * registries of the shards the cache's set of shards lists, and clear() leaves nothing of the cache on any master.
   */
  @Test
  void clearAndIterationVisitTheCachesShardsOnEveryMaster() {
    Cache<String, String> a = manager("walked", "a").createCache("c", strings());
    Cache<String, String> b = manager("walked", "b").createCache("c", strings());
    for (int i = 0; i < 300; i++) {
      (i % 2 == 0 ? a : b).put("k" + i, "v" + i);
    }
    assertThat(mastersHolding("walked:{walked:c:*}:v:*")).hasSize(3);
    Set<String> seen = new HashSet<>();
    b.forEach(entry -> seen.add(entry.getKey()));
    assertThat(seen).hasSize(300);
    assertThat(a.unwrap(RedisStore.class).estimatedSize()).isEqualTo(300);
    a.clear();
    assertThat(perMaster("walked:{walked:c:*}:[vei]*").values()).as("names of the cache left on each master")
        .containsOnly(0L);
    assertThat(b.iterator().hasNext()).isFalse();
    assertThat(b.get("k1")).isNull();
    b.put("again", "x");
    assertThat(a.iterator().next().getKey()).isEqualTo("again");
  }

  @Test
  void aValuePutByOneManagerIsReadByAnother() {
    Cache<String, String> a = manager("basic", "a").createCache("c", strings());
    Cache<String, String> b = manager("basic", "b").createCache("c", strings());
    a.put("k", "v");
    assertThat(b.get("k")).isEqualTo("v");
    assertThat(b.getAndReplace("k", "w")).isEqualTo("v");
    assertThat(a.get("k")).isEqualTo("w");
    assertThat(a.remove("k")).isTrue();
    assertThat(b.containsKey("k")).isFalse();
  }

  @Test
  void oneCacheIsSpreadOverEveryMasterAndItsManyKeyOperationsSpanThem() {
    Cache<String, String> cache = manager("spread", "a").createCache("c", strings());
    Map<String, String> entries = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      entries.put("k" + i, "v" + i);
    }
    cache.putAll(entries);
    assertThat(mastersHolding("spread:*")).as("masters that hold the cache's entries").hasSize(3);
    assertThat(perMaster("spread:*}:v:*").values().stream().mapToLong(Long::longValue).sum()).isEqualTo(300);

    Cache<String, String> other = manager("spread", "b").createCache("c", strings());
    assertThat(other.getAll(entries.keySet())).isEqualTo(entries);
    Map<String, String> iterated = new HashMap<>();
    other.forEach(entry -> iterated.put(entry.getKey(), entry.getValue()));
    assertThat(iterated).isEqualTo(entries);

    Set<String> half = new HashSet<>();
    for (int i = 0; i < 300; i += 2) {
      half.add("k" + i);
    }
    other.removeAll(half);
    for (int i = 0; i < 300; i++) {
      assertThat(cache.containsKey("k" + i)).as("k" + i).isEqualTo(i % 2 == 1);
    }
    cache.clear();
    assertThat(cache.iterator().hasNext()).isFalse();
    assertThat(perMaster("spread:*:v:*").values()).allMatch(count -> count == 0);
  }

  /**
   * A cache has as many shards as the cluster has slots, so two shards often share a slot: a bulk write batched by
   * slot, not by shard, would list one shard's names in another's registry.
   */
  @Test
  void aBulkWriteListsEachNameInTheRegistryOfItsOwnShard() {
    Cache<String, String> cache = manager("listed", "a").createCache("c", strings()
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.TEN_MINUTES))
        .setStatisticsEnabled(true));
    Map<String, String> entries = new HashMap<>();
    for (int i = 0; i < 2000; i++) {
      entries.put("k" + i, "v" + i);
    }
    cache.putAll(entries);
    cache.putAll(entries); // the second as updates
    assertThat(registered("own")).as("names in their own shard's registry").isEqualTo(2000);
    assertThat(registered("other")).as("names in another shard's registry").isZero();
  }

  /** How many names the cache "listed:c"'s registries list in their own shard ({@code own}), or in another. */
  private static long registered(String where) {
    String script = "local n = 0 for _, r in ipairs(redis.call('keys', ARGV[1])) do"
        + " local p = string.sub(r, 1, string.find(r, '}', 1, true))"
        + " for _, m in ipairs(redis.call('zrange', r, 0, -1)) do"
        + " if (string.sub(m, 1, #p) == p) == (ARGV[2] == 'own') then n = n + 1 end end end return n";
    long total = 0;
    for (RedisServer node : cluster.nodes()) {
      if ("*3".equals(node.send("ROLE"))) {
        total += Long.parseLong(node.send("EVAL \"" + script + "\" 0 listed:*}:e " + where).substring(1));
      }
    }
    return total;
  }

  @Test
  void twoCachesWhoseNamesShareAPrefixStayApart() {
    Cache<String, String> short_ = manager("apart", "a").createCache("a", strings());
    Cache<String, String> longer = short_.getCacheManager().createCache("a:b", strings());
    for (int i = 0; i < 50; i++) {
      short_.put("k" + i, "short");
      longer.put("k" + i, "long");
    }
    short_.clear();
    assertThat(short_.iterator().hasNext()).isFalse();
    int left = 0;
    for (Cache.Entry<String, String> entry : longer) {
      assertThat(entry.getValue()).isEqualTo("long");
      left++;
    }
    assertThat(left).isEqualTo(50);
  }

  /**
   * scan-keyspace=always on a cluster: entries whose indexes and registries are gone (as Redis may evict them under
   * an allkeys-* policy) are still found on every master by a group's deletion, iteration and clear.
   */
  @Test
  void withScanKeyspaceEntriesWhoseIndexesWentAreFoundOnEveryMaster() {
    Cache<Object, Object> cache = manager("scanned", "a", "scan-keyspace", "always")
        .createCache("s", new MutableConfiguration<>());
    KeyedCache<Object> keyed = keyed(cache);
    for (int i = 0; i < 100; i++) {
      keyed.put(CacheKey.of("product", i), "p" + i);
      keyed.put(CacheKey.of("product", i, "price"), i);
      cache.put("plain" + i, i);
    }
    assertThat(mastersHolding("scanned:*:v:*").size()).as("masters that hold the cache").isGreaterThan(1);
    for (RedisServer node : cluster.nodes()) {
      if ("*3".equals(node.send("ROLE"))) {
        for (String pattern : List.of("scanned:*}:i", "scanned:*}:e", "scanned:*}:s")) {
          String names = node.bulk("EVAL \"return table.concat(redis.call('keys', ARGV[1]), ' ')\" 0 " + pattern);
          for (String name : names == null || names.isBlank() ? new String[0] : names.split(" ")) {
            node.send("DEL " + name);
          }
        }
      }
    }
    assertThat(keyed.deleteGroup(CacheKey.of("product", 7))).containsExactlyInAnyOrder(CacheKey.of("product", 7),
        CacheKey.of("product", 7, "price"));
    assertThat(keyed.deleteGroup(CacheKey.of("product"))).hasSize(198);
    assertThat(perMaster("scanned:*:v:kproduct*").values()).allMatch(count -> count == 0);
    Set<Object> iterated = new HashSet<>();
    cache.forEach(entry -> iterated.add(entry.getKey()));
    assertThat(iterated).hasSize(100);
    cache.clear();
    assertThat(perMaster("scanned:*:v:*").values()).allMatch(count -> count == 0);
  }

  @Test
  void aGroupIsSpreadOverSeveralMastersAndItsDeletionIsComplete() {
    Cache<Object, Object> a = manager("groups", "a").createCache("g", new MutableConfiguration<>());
    Cache<Object, Object> b = manager("groups", "b").createCache("g", new MutableConfiguration<>());
    KeyedCache<Object> keyedA = keyed(a);
    KeyedCache<Object> keyedB = keyed(b);
    List<CacheKey> products = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      keyedA.put(CacheKey.of("product", i), "p" + i);
      keyedA.put(CacheKey.of("product", i, "price"), i);
      products.add(CacheKey.of("product", i));
      products.add(CacheKey.of("product", i, "price"));
      keyedA.put(CacheKey.of("order", i), "o" + i);
    }
    assertThat(mastersHolding("groups:*:v:kproduct*").size()).as("masters that hold the group").isGreaterThan(1);

    assertThat(keyedB.deleteGroup(CacheKey.of("product", 7))).containsExactlyInAnyOrder(CacheKey.of("product", 7),
        CacheKey.of("product", 7, "price"));
    assertThat(keyedA.find(CacheKey.of("product", 7, "price"))).isEmpty();
    assertThat(keyedA.get(CacheKey.of("product", 8), null)).isEqualTo("p8");

    List<CacheKey> deleted = keyedB.deleteGroup(CacheKey.of("product"));
    products.remove(CacheKey.of("product", 7));
    products.remove(CacheKey.of("product", 7, "price"));
    assertThat(deleted).containsExactlyInAnyOrderElementsOf(products);
    assertThat(perMaster("groups:*:v:kproduct*").values()).allMatch(count -> count == 0);
    for (int i = 0; i < 200; i++) {
      assertThat(keyedA.get(CacheKey.of("order", i), null)).isEqualTo("o" + i);
    }
  }

  @Test
  void computationsThatAGroupDeletionOvertookOnEveryShardOfTheGroupAreNotStored() throws Exception {
    int arguments = 16;
    Names names = new Names("fenced", "f", true);
    Set<String> tags = new HashSet<>();
    for (int x = 0; x < arguments; x++) {
      String name = new String(names.value(CacheKey.of("func", "slow", x)), java.nio.charset.StandardCharsets.UTF_8);
      tags.add(name.substring(0, name.indexOf('}')));
    }
    assertThat(tags).as("the results' shards").hasSizeGreaterThan(4);
    Cache<Object, Object> cache = manager("fenced", "a").createCache("f", new MutableConfiguration<>());
    KeyedCache<Object> keyed = keyed(cache);
    java.util.concurrent.CountDownLatch computing = new java.util.concurrent.CountDownLatch(arguments);
    java.util.concurrent.CountDownLatch deleted = new java.util.concurrent.CountDownLatch(1);
    java.util.function.Function<Integer, String> slow = keyed.function("slow", java.time.Duration.ofMinutes(1), x -> {
      computing.countDown();
      try {
        deleted.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "computed " + x;
    });
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(arguments);
    try {
      List<java.util.concurrent.Future<String>> results = new ArrayList<>();
      for (int x = 0; x < arguments; x++) {
        int argument = x;
        results.add(threads.submit(() -> slow.apply(argument)));
      }
      assertThat(computing.await(10, TimeUnit.SECONDS)).isTrue();
      Cache<Object, Object> other = manager("fenced", "b").createCache("f", new MutableConfiguration<>());
      keyed(other).deleteFunction("slow");
      deleted.countDown();
      for (int x = 0; x < arguments; x++) {
        assertThat(results.get(x).get(10, TimeUnit.SECONDS)).isEqualTo("computed " + x);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(perMaster("fenced:*:v:*").values()).allMatch(count -> count == 0);
    assertThat(slow.apply(3)).as("computed again after the deletion, and stored").isEqualTo("computed 3");
    assertThat(perMaster("fenced:*:v:*").values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1);
  }

  @Test
  void aWriteOnAnyMasterEvictsTheValueFromAnotherManagersNearCache() throws Exception {
    Cache<String, String> writer = manager("near", "w", "near-cache-size", "0").createCache("c", strings());
    Cache<String, String> reader = manager("near", "r").createCache("c", strings());
    Tracking tracking = reader.unwrap(RedisStore.class).tracking();
    await("tracking to be armed on every master", tracking::armed);
    for (int i = 0; i < 60; i++) {
      writer.put("k" + i, "old");
    }
    assertThat(mastersHolding("near:*")).hasSize(3);
    for (int i = 0; i < 60; i++) {
      assertThat(reader.get("k" + i)).isEqualTo("old"); // kept near
    }
    long gets = cluster.calls("get");
    for (int i = 0; i < 60; i++) {
      assertThat(reader.get("k" + i)).isEqualTo("old");
    }
    assertThat(cluster.calls("get") - gets).as("GETs of near hits").isZero();
    for (int i = 0; i < 60; i++) {
      writer.put("k" + i, "new");
    }
    assertThat(tracking.barrier()).isTrue(); // a PING to every master: each one's pushes came before its PONG
    for (int i = 0; i < 60; i++) {
      assertThat(reader.get("k" + i)).as("k" + i).isEqualTo("new");
    }
  }

  /** How many WAIT commands the cluster's nodes ran during {@code writes}. */
  private static long waits(Runnable writes) {
    long before = cluster.calls("wait");
    writes.run();
    return cluster.calls("wait") - before;
  }

  @Test
  void withReplicaAcksEveryWriteWaitsForAReplicaOfItsMaster() {
    Cache<Object, Object> cache = manager("acks", "a", "replica-acks", "1").createCache("c",
        new MutableConfiguration<>());
    KeyedCache<Object> keyed = keyed(cache);
    assertThat(waits(() -> cache.put("k", "v"))).as("put").isPositive();
    assertThat(waits(() -> cache.putIfAbsent("absent", "v"))).as("putIfAbsent").isPositive();
    assertThat(waits(() -> cache.replace("k", "w"))).as("replace").isPositive();
    assertThat(waits(() -> cache.remove("k"))).as("remove").isPositive();
    assertThat(waits(() -> keyed.put(CacheKey.of("g", 1), "x"))).as("a put into a group").isPositive();
    assertThat(waits(() -> keyed.deleteGroup(CacheKey.of("g"))))
        .as("a group deletion: its fence in each shard of the group, and the removal")
        .isGreaterThan(Names.GROUP_SHARDS);
    assertThat(waits(cache::clear)).as("clear: on each of the three masters").isGreaterThanOrEqualTo(3);
    assertThat(cache.get("absent")).isNull();
  }

  @Test
  void moreReplicaAcksThanTheMasterHasReplicasIsAClearError() {
    Cache<Object, Object> cache = manager("acks", "b", "replica-acks", "2", "replica-ack-timeout", "100")
        .createCache("d", new MutableConfiguration<>());
    assertThatThrownBy(() -> cache.put("k", "v")).isInstanceOf(javax.cache.CacheException.class)
        .hasMessageContaining("1 of the 2 replicas asked for (replica-acks)")
        .hasMessageContaining("within 100 ms");
    assertThat(cache.get("k")).as("the write was made on the master, as the message says").isEqualTo("v");
  }
}
