package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import java.io.Serializable;
import java.net.URI;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared tier's near cache on a real redis-server, with two managers of their own connections as two JVMs. Whether
 * a read went to the server is read from the server's own count of GET commands.
 */
class NearCacheTest {
  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  final Managers managers = new Managers();

  private CacheManager manager(String namespace, String jvm, String... settings) {
    return managerAt(REDIS.server().uri(), namespace, jvm, settings);
  }

  private CacheManager managerAt(String server, String namespace, String jvm, String... settings) {
    Properties properties = new Properties();
    properties.setProperty("namespace", namespace);
    properties.setProperty("serialization-filter", "io.keyedcache.redis.*");
    for (int i = 0; i < settings.length; i += 2) {
      properties.setProperty(settings[i], settings[i + 1]);
    }
    return managers.open(URI.create(server + "#" + namespace + "-" + jvm), properties);
  }

  private static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  /** The GETs the server runs while {@code reads} runs (a script's GETs count too). */
  private static long gets(Runnable reads) {
    long before = REDIS.server().calls("get");
    reads.run();
    return REDIS.server().calls("get") - before;
  }

  /** Reads of entries on the server: GETs, and the MGETs of scripts (a read that gives a new deadline is one). */
  private static long serverReads(Runnable reads) {
    long before = REDIS.server().calls("get") + REDIS.server().calls("mget");
    reads.run();
    return REDIS.server().calls("get") + REDIS.server().calls("mget") - before;
  }

  private static Tracking tracking(Cache<?, ?> cache) {
    return cache.unwrap(RedisStore.class).tracking();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Waiting.until(what, condition, 10);
  }

  private static void armed(Cache<?, ?> cache) throws InterruptedException {
    await("tracking to be armed", () -> tracking(cache).armed());
  }

  /**
   * Waits until {@code cache} has handled the invalidations of every write acknowledged so far, its own included:
   * the server sends one for this JVM's writes too, which evicts what a read kept near before it came.
   */
  private static void settled(Cache<?, ?> cache) {
    assertThat(tracking(cache).barrier()).isTrue();
  }

  @Test
  void aSecondReadIsServedNearWithoutARoundTrip() throws Exception {
    Cache<String, String> cache = manager("hits", "a").createCache("c", strings());
    armed(cache);
    cache.put("k", "v");
    settled(cache);
    assertThat(gets(() -> assertThat(cache.get("k")).isEqualTo("v"))).isEqualTo(1);
    assertThat(gets(() -> {
      for (int i = 0; i < 100; i++) {
        assertThat(cache.get("k")).isEqualTo("v");
        assertThat(cache.containsKey("k")).isTrue();
      }
    })).isZero();
  }

  @Test
  void aWriteOfThisJvmIsReadAtOnceAndOneOfAnotherJvmEvictsTheNearEntry() throws Exception {
    Cache<String, String> a = manager("evict", "a").createCache("c", strings());
    Cache<String, String> b = manager("evict", "b").createCache("c", strings());
    armed(a);
    armed(b);
    a.put("k", "one");
    assertThat(b.get("k")).isEqualTo("one");
    assertThat(b.get("k")).isEqualTo("one");
    b.put("k", "two"); // its own write: never the old value afterwards
    assertThat(b.get("k")).isEqualTo("two");
    a.put("k", "three");
    await("the other JVM's write to reach the near cache", () -> "three".equals(b.get("k")));
    a.remove("k");
    await("the other JVM's removal to reach the near cache", () -> b.get("k") == null);
    a.put("k", "four");
    assertThat(b.get("k")).isEqualTo("four");
    a.clear();
    await("the other JVM's clear to reach the near cache", () -> !b.containsKey("k"));
  }

  /**
   * The populate race, forced: the reply to a GET waits at a proxy while another JVM's write and its invalidation
   * pass; the read then returns the old value (it began before the write) but must keep nothing near.
   */
  @Test
  void aReadWhoseInvalidationOvertookItsReplyKeepsNothingNear() throws Exception {
    try (Proxy proxy = new Proxy(REDIS.server().port())) {
      Cache<String, String> writer = manager("race", "w", "near-cache-size", "0").createCache("c", strings());
      Cache<String, String> reader = managerAt(proxy.uri(), "race", "r").createCache("c", strings());
      armed(reader);
      writer.put("k", "old");
      await("the first put's invalidation", () -> proxy.pushesNaming("v:sk") == 1);
      long before = proxy.pushesNaming("v:sk");
      proxy.hold();
      java.util.concurrent.CompletableFuture<String> read =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> reader.get("k"));
      await("the GET's reply to wait at the proxy", proxy::holdsAReply);
      writer.put("k", "new");
      await("the invalidation to pass the proxy", () -> proxy.pushesNaming("v:sk") > before);
      assertThat(tracking(reader).barrier()).as("and to be handled").isTrue();
      proxy.release();
      assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("old");
      assertThat(reader.get("k")).isEqualTo("new");
    }
  }

  /** This JVM reads its own write at once, without waiting for the server's invalidation (held here at a proxy). */
  @Test
  void aWriteOfThisJvmEvictsItsNearEntryBeforeItReturns() throws Exception {
    try (Proxy proxy = new Proxy(REDIS.server().port())) {
      Cache<String, String> cache = managerAt(proxy.uri(), "own", "a").createCache("c", strings());
      armed(cache);
      cache.put("k", "one");
      settled(cache);
      assertThat(cache.get("k")).isEqualTo("one");
      assertThat(gets(() -> cache.get("k"))).isZero();
      proxy.holdPushes();
      cache.put("k", "two");
      assertThat(cache.get("k")).isEqualTo("two");
      cache.remove("k");
      assertThat(cache.get("k")).isNull();
      cache.put("k", "three");
      assertThat(cache.get("k")).isEqualTo("three");
      assertThat(cache.getAndPut("k", "four")).isEqualTo("three"); // a step
      assertThat(cache.get("k")).isEqualTo("four");
      proxy.release();
    }
  }

  /**
   * An invalidation lost without the connection noticing (held at a proxy here, the heartbeat set too long to see
   * it): the near cache still lets go of the entry within its lifetime.
   */
  @Test
  void aLostInvalidationLastsNoLongerThanTheNearLifetime() throws Exception {
    try (Proxy proxy = new Proxy(REDIS.server().port())) {
      Cache<String, String> writer = manager("lifetime", "w", "near-cache-size", "0").createCache("c", strings());
      Cache<String, String> reader = managerAt(proxy.uri(), "lifetime", "r", "near-cache-heartbeat", "60000",
          "near-cache-lifetime", "300").createCache("c", strings());
      armed(reader);
      writer.put("k", "old");
      settled(reader);
      assertThat(reader.get("k")).isEqualTo("old");
      proxy.holdPushes();
      writer.put("k", "new");
      long put = System.nanoTime();
      await("the near entry to go by its lifetime", () -> "new".equals(reader.get("k")));
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - put)).as("ms, with room for a busy machine")
          .isLessThan(300 + 2_000);
      assertThat(tracking(reader).armed()).as("the loss was not noticed").isTrue();
      proxy.release();
    }
  }

  @Test
  void strictReadsSeeEveryWriteAcknowledgedBeforeThem() throws Exception {
    Cache<String, String> writer = manager("strict", "w").createCache("c", strings());
    Cache<String, String> reader = manager("strict", "r", "near-cache-strict", "true").createCache("c", strings());
    armed(reader);
    for (int i = 0; i < 200; i++) {
      writer.put("k", "v" + i);
      assertThat(reader.get("k")).isEqualTo("v" + i);
      assertThat(reader.get("k")).isEqualTo("v" + i); // the near hit, after its barrier
    }
  }

  @Test
  void groupDeletionInOneJvmEvictsTheGroupFromTheOthersNearCache() throws Exception {
    Cache<Object, Object> a = manager("groups", "a").createCache("g", new MutableConfiguration<>());
    Cache<Object, Object> b = manager("groups", "b").createCache("g", new MutableConfiguration<>());
    armed(b);
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyedA = a.unwrap(KeyedCache.class);
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyedB = b.unwrap(KeyedCache.class);
    keyedA.put(CacheKey.of("product", 1), "apple");
    keyedA.put(CacheKey.of("product", 1, "price"), 2.5);
    keyedA.put(CacheKey.of("product", 2), "pear");
    for (int round = 0; round < 2; round++) {
      assertThat(keyedB.get(CacheKey.of("product", 1), null)).isEqualTo("apple");
      assertThat(keyedB.get(CacheKey.of("product", 1, "price"), null)).isEqualTo(2.5);
      assertThat(keyedB.get(CacheKey.of("product", 2), null)).isEqualTo("pear");
    }
    assertThat(keyedA.deleteGroup("product", 1)).hasSize(2);
    await("the group deletion to reach the near cache", () -> keyedB.get(CacheKey.of("product", 1), null) == null
        && keyedB.get(CacheKey.of("product", 1, "price"), null) == null);
    assertThat(keyedB.get(CacheKey.of("product", 2), null)).isEqualTo("pear");
  }

  @Test
  void keysOfEveryKindAreEvictedByName() throws Exception {
    Cache<Object, Object> a = manager("kinds", "a").createCache("k", new MutableConfiguration<>());
    Cache<Object, Object> b = manager("kinds", "b").createCache("k", new MutableConfiguration<>());
    armed(b);
    List<Object> keys = List.of("text", 7, 7L, CacheKey.of("user", 3, "name"), new Point(1, 2));
    for (Object key : keys) {
      a.put(key, "old");
      assertThat(b.get(key)).isEqualTo("old");
      assertThat(b.get(key)).isEqualTo("old");
    }
    for (Object key : keys) {
      a.put(key, "new");
    }
    await("every kind of key to be evicted", () -> keys.stream().allMatch(key -> "new".equals(b.get(key))));
    settled(b);
    keys.forEach(b::get);
    assertThat(gets(() -> keys.forEach(b::get))).as("and kept near again").isZero();
  }

  public record Point(int x, int y) implements Serializable {}

  public static final class Box implements Serializable {
    private static final long serialVersionUID = 1L;
    int content;

    Box(int content) {
      this.content = content;
    }
  }

  @Test
  void aNearHitIsACopyOfTheValue() throws Exception {
    Cache<String, Box> cache = manager("copies", "a").createCache("c", new MutableConfiguration<String, Box>()
        .setTypes(String.class, Box.class));
    armed(cache);
    cache.put("k", new Box(1));
    cache.get("k").content = 2;
    Box near = cache.get("k");
    assertThat(near.content).isEqualTo(1);
    near.content = 3;
    assertThat(cache.get("k").content).isEqualTo(1);
    assertThat(cache.get("k")).isNotSameAs(cache.get("k"));
  }

  @Test
  void anAccessPolicyBypassesTheNearCacheAndAnExpiryIsStillReported() throws Exception {
    Cache<String, String> accessed = manager("policies", "a").createCache("accessed", strings()
        .setExpiryPolicyFactory(AccessedExpiryPolicy.factoryOf(Duration.ONE_MINUTE)));
    armed(accessed);
    accessed.put("k", "v");
    assertThat(serverReads(() -> {
      for (int i = 0; i < 5; i++) {
        assertThat(accessed.get("k")).isEqualTo("v");
      }
    })).as("each read on the server: one script that reads and gives the entry a new deadline")
        .isGreaterThanOrEqualTo(5);

    Cache<String, String> created = accessed.getCacheManager().createCache("created", strings()
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 300))));
    created.put("k", "v");
    settled(created);
    assertThat(created.get("k")).isEqualTo("v");
    assertThat(gets(() -> assertThat(created.get("k")).isEqualTo("v"))).as("kept near").isZero();
    Thread.sleep(400);
    assertThat(gets(() -> assertThat(created.get("k")).as("past its deadline").isNull())).isPositive();
  }

  @Test
  void aLostTrackingConnectionBypassesTheNearCacheUntilItIsArmedAgain() throws Exception {
    Cache<String, String> a = manager("lost", "a", "near-cache-size", "0").createCache("c", strings());
    Cache<String, String> b = manager("lost", "b", "near-cache-heartbeat", "100").createCache("c", strings());
    armed(b);
    a.put("k", "one");
    settled(b);
    assertThat(b.get("k")).isEqualTo("one");
    assertThat(gets(() -> b.get("k"))).isZero();
    // b's, and perhaps one of a manager an earlier test closed that the server has not dropped yet
    assertThat(killTrackingConnections(REDIS.server())).isPositive();
    await("the near cache to be bypassed", () -> !tracking(b).armed());
    a.put("k", "two"); // no connection to hear this on: the bypass is what keeps b right
    assertThat(b.get("k")).isEqualTo("two");
    armed(b);
    settled(b);
    assertThat(b.get("k")).isEqualTo("two");
    assertThat(gets(() -> b.get("k"))).as("near again").isZero();
    a.put("k", "three");
    await("invalidations after re-arming", () -> "three".equals(b.get("k")));
  }

  /** Kills every connection in tracking mode (flag t in CLIENT LIST) and says how many. */
  static int killTrackingConnections(RedisServer server) {
    int killed = 0;
    for (String line : server.bulk("CLIENT LIST").split("\n")) {
      java.util.regex.Matcher client = java.util.regex.Pattern.compile("^id=(\\d+) .* flags=(\\S*) ").matcher(line);
      if (client.find() && client.group(2).contains("t")) {
        assertThat(server.send("CLIENT KILL ID " + client.group(1))).isEqualTo(":1");
        killed++;
      }
    }
    return killed;
  }

  @Test
  void theNearCacheCanBeTurnedOffAndItsSettingsAreChecked() throws Exception {
    Cache<String, String> off = manager("off", "a", "near-cache-size", "0").createCache("c", strings());
    assertThat(tracking(off)).isNull();
    off.put("k", "v");
    assertThat(gets(() -> {
      off.get("k");
      off.get("k");
    })).isEqualTo(2);
    assertThatThrownBy(() -> manager("bad", "a", "near-cache-size", "many"))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("near-cache-size").hasMessageContaining("'many'");
    assertThatThrownBy(() -> manager("bad", "b", "near-cache-strict", "yes"))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("near-cache-strict").hasMessageContaining("must be true or false, not 'yes'");
  }

  /**
   * The near cache is bounded by bytes as well as by entries: 50 values of 100 KB under a weight of 1 MB keep at most
   * 10 near, and a value above the largest kept near is read from the server every time.
   */
  @Test
  void theNearCacheKeepsNoMoreBytesThanItsWeightAndNoValueAboveItsLargest() {
    Cache<String, String> writer = manager("weighed", "w", "near-cache-size", "0").createCache("c", strings());
    Cache<String, String> reader = manager("weighed", "r", "near-cache-weight", "1000000",
        "near-cache-max-value", "200000").createCache("c", strings());
    String hundredKb = "x".repeat(100_000);
    for (int i = 0; i < 50; i++) {
      writer.put("k" + i, hundredKb);
    }
    for (int i = 0; i < 50; i++) {
      assertThat(reader.get("k" + i)).hasSize(100_000);
    }
    RedisStore<?, ?> store = reader.unwrap(RedisStore.class);
    assertThat(store.nearSize()).as("100 KB values kept near under 1 MB").isBetween(1L, 10L);
    writer.put("large", "y".repeat(300_000));
    assertThat(reader.get("large")).hasSize(300_000);
    assertThat(gets(() -> assertThat(reader.get("large")).hasSize(300_000)))
        .as("a value above near-cache-max-value is read from the server again").isEqualTo(1);
  }

  /**
   * 60 values of 5 MB read once each by a JVM with a 256 MB heap and the near cache's default bounds (a thirty-second
   * of the heap, and a sixteenth of that for one value): none is kept near, and the JVM does not run out of memory.
   */
  @Test
  void largeValuesDoNotRunASmallHeapOutOfMemory() throws Exception {
    Cache<String, String> writer = manager("large", "w", "near-cache-size", "0").createCache("big", strings());
    String fiveMb = "z".repeat(5 * 1024 * 1024);
    for (int i = 0; i < 60; i++) {
      writer.put("big" + i, fiveMb);
    }
    WorkerProcess worker = WorkerProcess.start(BigValueWorker.class, REDIS.server().uri(), "large", "60");
    try {
      assertThat(worker.process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as("the worker ended").isTrue();
      assertThat(worker.lines).as("the worker's output").contains("READ 60", "NEAR 0", "DONE")
          .noneMatch(line -> line.contains("OutOfMemoryError"));
    } finally {
      worker.process.destroyForcibly();
    }
  }
}
