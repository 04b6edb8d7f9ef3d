package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import java.io.Serializable;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.EventType;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JCache API on a real redis-server, through two managers with connections of their own, as two JVMs. */
class RedisTierTest {
  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  final Managers managers = new Managers();

  /** A manager of its own: a URI of its own (the fragment), so a connection of its own. */
  private CacheManager manager(String fragment) {
    return manager(URI.create(REDIS.server().uri() + "?serialization-filter=io.keyedcache.redis.*#" + fragment),
        new Properties());
  }

  private CacheManager manager(URI uri, Properties properties) {
    return managers.open(uri, properties);
  }

  /** Two managers on one namespace: what two JVMs of one application see. */
  private CacheManager[] twoJvms(String namespace) {
    Properties properties = new Properties();
    properties.setProperty("namespace", namespace);
    properties.setProperty("serialization-filter", "io.keyedcache.redis.*");
    return new CacheManager[] {
        manager(URI.create(REDIS.server().uri() + "#" + namespace + "-a"), properties),
        manager(URI.create(REDIS.server().uri() + "#" + namespace + "-b"), properties)};
  }

  public record Product(String name, int stock) implements Serializable {}

  /** Knows when it is decoded: deserialization calls its readObject, never its constructor. */
  public static final class Unlisted implements Serializable {
    private static final long serialVersionUID = 1L;
    static volatile boolean made;

    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
      made = true;
      in.defaultReadObject();
    }
  }

  @Test
  void writesInOneJvmAreReadInTheOther() {
    CacheManager[] jvms = twoJvms("shop");
    Cache<String, Product> a = jvms[0].createCache("products", new MutableConfiguration<String, Product>()
        .setTypes(String.class, Product.class));
    Cache<String, Product> b = jvms[1].createCache("products", new MutableConfiguration<String, Product>()
        .setTypes(String.class, Product.class));
    a.put("apple", new Product("apple", 3));
    assertThat(b.get("apple")).isEqualTo(new Product("apple", 3));
    assertThat(b.putIfAbsent("apple", new Product("apple", 9))).isFalse();
    assertThat(b.replace("apple", new Product("apple", 4))).isTrue();
    assertThat(a.get("apple").stock()).isEqualTo(4);
    Integer left = a.invoke("apple", (entry, args) -> {
      entry.setValue(new Product("apple", entry.getValue().stock() - 1));
      return entry.getValue().stock();
    });
    assertThat(left).isEqualTo(3);
    assertThat(b.get("apple").stock()).isEqualTo(3);
    b.put("pear", new Product("pear", 1));
    Map<String, Product> seen = new HashMap<>();
    a.forEach(entry -> seen.put(entry.getKey(), entry.getValue()));
    assertThat(seen).containsOnlyKeys("apple", "pear");
    assertThat(a.getAndRemove("pear")).isEqualTo(new Product("pear", 1));
    assertThat(b.containsKey("pear")).isFalse();
    b.clear();
    assertThat(a.get("apple")).isNull();
  }

  @Test
  void namespacesKeepApplicationsApart() {
    Cache<Object, Object> one = manager("app-one").createCache("c", new MutableConfiguration<>());
    Cache<Object, Object> two = manager("app-two").createCache("c", new MutableConfiguration<>());
    one.put("k", "one");
    two.put("k", "two");
    assertThat(one.get("k")).isEqualTo("one");
    assertThat(two.get("k")).isEqualTo("two");
    one.clear();
    assertThat(two.get("k")).isEqualTo("two");
  }

  public static final class ExpiredEvents implements CacheEntryExpiredListener<Object, Object>, Serializable {
    static final List<Object> KEYS = new CopyOnWriteArrayList<>();

    @Override
    public void onExpired(Iterable<CacheEntryEvent<?, ?>> events) {
      for (CacheEntryEvent<?, ?> event : events) {
        assertThat(event.getEventType()).isEqualTo(EventType.EXPIRED);
        KEYS.add(event.getKey());
      }
    }
  }

  @Test
  void anEntryPastItsLifetimeIsGoneAndReportedExpired() throws Exception {
    Cache<Object, Object> cache = manager("expiry").createCache("short", new MutableConfiguration<>()
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 150)))
        .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
            FactoryBuilder.factoryOf(ExpiredEvents.class), null, true, true)));
    ExpiredEvents.KEYS.clear();
    cache.put("soon", "gone");
    assertThat(cache.get("soon")).isEqualTo("gone");
    Thread.sleep(300);
    assertThat(cache.get("soon")).isNull();
    assertThat(ExpiredEvents.KEYS).containsExactly("soon");
    // the server still holds it for the grace period only: its TTL is set
    String name = "expiry:{expiry:short}:v:ssoon";
    assertThat(REDIS.server().send("EXISTS " + name)).isEqualTo(":0");
  }

  @Test
  void aReadUnderAnAccessPolicyGivesTheEntryANewLifetime() {
    FakeTicker ticker = new FakeTicker();
    Cache<Object, Object> cache = manager("access").createCache("a", ticked(ticker,
        javax.cache.expiry.AccessedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 100))));
    cache.put("text", "a string");
    cache.put("number", 42L);
    for (int i = 0; i < 5; i++) {
      ticker.nanos += TimeUnit.MILLISECONDS.toNanos(80);
      assertThat(cache.get("text")).as("read %d", i).isEqualTo("a string");
      assertThat(cache.get("number")).as("read %d", i).isEqualTo(42L);
    }
    ticker.nanos += TimeUnit.MILLISECONDS.toNanos(120);
    assertThat(cache.get("text")).isNull();
    assertThat(cache.get("number")).isNull();
  }

  /**
   * The size estimate counts an entry until Redis drops it, a grace minute after its deadline (its registry score is
   * the deadline), and not after.
   */
  @Test
  void theSizeEstimateCountsAnEntryUntilRedisDropsIt() {
    FakeTicker ticker = new FakeTicker();
    Cache<Object, Object> cache = manager("sized").createCache("s", ticked(ticker,
        javax.cache.expiry.CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 100))));
    cache.putAll(java.util.Map.of("a", 1, "b", 2)); // write.lua
    cache.put("c", 3); // set.lua
    RedisStore<?, ?> store = cache.unwrap(RedisStore.class);
    assertThat(store.estimatedSize()).isEqualTo(3);
    ticker.nanos += TimeUnit.MILLISECONDS.toNanos(100 + CacheLink.GRACE_MILLIS - 20);
    assertThat(store.estimatedSize()).as("past the deadline, within the grace").isEqualTo(3);
    ticker.nanos += TimeUnit.MILLISECONDS.toNanos(40);
    assertThat(store.estimatedSize()).as("past the grace").isZero();
  }

  /** A configuration whose clock is {@code ticker}, under the expiry policy {@code expiry}. */
  private static io.keyedcache.provider.configuration.KeyedCacheConfiguration<Object, Object> ticked(FakeTicker ticker,
      javax.cache.configuration.Factory<? extends javax.cache.expiry.ExpiryPolicy> expiry) {
    io.keyedcache.provider.configuration.KeyedCacheConfiguration<Object, Object> config =
        new io.keyedcache.provider.configuration.KeyedCacheConfiguration<>();
    config.ticker(ticker);
    config.setExpiryPolicyFactory(expiry);
    return config;
  }

  static final class FakeTicker implements com.github.benmanes.caffeine.cache.Ticker {
    volatile long nanos;

    @Override
    public long read() {
      return nanos;
    }
  }

  /**
   * A plain put of another JVM does not wait for a step that holds the key: it lands at once, and the step, taken to
   * have happened just before it, leaves the put's value in place (whether the step found an entry or none).
   */
  @Test
  void aPutDuringAStepOfAnotherJvmLandsAtOnceAndStays() throws Exception {
    CacheManager[] jvms = twoJvms("steps");
    Cache<String, String> a = jvms[0].createCache("s", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class));
    Cache<String, String> b = jvms[1].createCache("s", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class));
    a.put("present", "old");
    for (String key : List.of("present", "absent")) {
      java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CompletableFuture<String> step = java.util.concurrent.CompletableFuture.supplyAsync(
          () -> a.invoke(key, (entry, args) -> {
            inside.countDown();
            awaitQuietly(release);
            entry.setValue("from the step");
            return "done";
          }));
      assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
      java.util.concurrent.CompletableFuture.runAsync(() -> b.put(key, "from the put")).get(10, TimeUnit.SECONDS);
      release.countDown();
      assertThat(step.get(10, TimeUnit.SECONDS)).isEqualTo("done");
      assertThat(a.get(key)).as(key).isEqualTo("from the put");
      assertThat(b.get(key)).as(key).isEqualTo("from the put");
    }
  }

  /** A read that gives an entry a new lifetime changes no value: a step that holds the key still writes. */
  @Test
  void aReadThatRetimesAnEntryDuringAStepDoesNotCancelTheStep() throws Exception {
    CacheManager[] jvms = twoJvms("retimed");
    MutableConfiguration<String, String> config = new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .setExpiryPolicyFactory(javax.cache.expiry.AccessedExpiryPolicy.factoryOf(Duration.ONE_MINUTE));
    Cache<String, String> a = jvms[0].createCache("r", config);
    Cache<String, String> b = jvms[1].createCache("r", config);
    a.put("k", "old");
    String name = "retimed:{retimed:r}:v:sk";
    String deadline = "EVAL \"return tonumber(string.sub(redis.call('GET', KEYS[1]), 4, 22))\" 1 " + name;
    long before = Long.parseLong(REDIS.server().send(deadline).substring(1));
    java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CompletableFuture<Object> step = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> a.invoke("k", (entry, args) -> {
          inside.countDown();
          awaitQuietly(release);
          entry.setValue("from the step");
          return null;
        }));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(20); // so that the new deadline differs from the old by some milliseconds
    assertThat(b.get("k")).isEqualTo("old");
    assertThat(Long.parseLong(REDIS.server().send(deadline).substring(1))).as("the read wrote a later deadline")
        .isGreaterThan(before);
    release.countDown();
    step.get(10, TimeUnit.SECONDS);
    assertThat(b.unwrap(RedisStore.class).tracking().barrier()).as("b read k: its near entry goes on invalidation")
        .isTrue();
    assertThat(b.get("k")).isEqualTo("from the step");
  }

  private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void groupDeletionInOneJvmIsCompleteForTheOther() {
    CacheManager[] jvms = twoJvms("groups");
    Cache<Object, Object> a = jvms[0].createCache("g", new MutableConfiguration<>());
    Cache<Object, Object> b = jvms[1].createCache("g", new MutableConfiguration<>());
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyedA = a.unwrap(KeyedCache.class);
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyedB = b.unwrap(KeyedCache.class);
    keyedA.put(CacheKey.of("product", 1), "apple");
    keyedB.put(CacheKey.of("product", 1, "reviews"), "good");
    keyedB.put(CacheKey.of("product", 11), "not in the group");
    keyedA.put(CacheKey.of("product", 1, "price"), 2.5, java.time.Duration.ofMinutes(5));
    assertThat(keyedB.deleteGroup("product", 1)).containsExactlyInAnyOrder(CacheKey.of("product", 1),
        CacheKey.of("product", 1, "reviews"), CacheKey.of("product", 1, "price"));
    assertThat(a.containsKey(CacheKey.of("product", 1, "reviews"))).isFalse();
    assertThat(a.containsKey(CacheKey.of("product", 1, "price"))).isFalse();
    assertThat(a.get(CacheKey.of("product", 11))).isEqualTo("not in the group");
  }

  @Test
  void aStoreByReferenceCacheLivesInItsJvm() {
    CacheManager[] jvms = twoJvms("references");
    Cache<Object, Object> a = jvms[0].createCache("r", new MutableConfiguration<>().setStoreByValue(false));
    Cache<Object, Object> b = jvms[1].createCache("r", new MutableConfiguration<>().setStoreByValue(false));
    Object value = new Object(); // not even serializable
    a.put("k", value);
    assertThat(a.get("k")).isSameAs(value);
    assertThat(b.get("k")).as("references do not cross JVMs").isNull();
    assertThat(REDIS.server().send("EXISTS references:{references:r}:v:sk")).isEqualTo(":0");
  }

  @Test
  void aFileOnTheSharedTierKeepsValuesByValue() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("shared", ".properties");
    java.nio.file.Files.write(file, List.of("tier = " + REDIS.server().uri(), "namespace = filed",
        "serialization-filter = io.keyedcache.redis.*", "caches.orders.statistics = true", "default.statistics = true"));
    CacheManager manager = manager(file.toUri(), new Properties());
    Cache<Object, Object> orders = manager.getCache("orders");
    assertThat(orders.getConfiguration(javax.cache.configuration.CompleteConfiguration.class).isStoreByValue())
        .isTrue();
    orders.put("o1", new Product("pen", 2));
    assertThat(REDIS.server().send("EXISTS filed:{filed:orders}:v:so1")).isEqualTo(":1");
    assertThatThrownBy(() -> orders.put("o2", new Object())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("set caches.orders.store-by-value = false in " + file.toUri())
        .hasMessageContaining("serialization-filter").hasMessageContaining("in this JVM only");
    Cache<Object, Object> coded = manager("coded").createCache("coded", new MutableConfiguration<>());
    assertThatThrownBy(() -> coded.put("o2", new Object())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("make it Serializable and list it in the manager's serialization-filter")
        .hasMessageContaining("or configure the cache with setStoreByValue(false), and the cache lives in this JVM");
    Cache<Object, Object> made = manager.getCache("made-on-demand");
    made.put("k", "v");
    assertThat(REDIS.server().send("EXISTS filed:{filed:made-on-demand}:v:sk")).isEqualTo(":1");
  }

  /**
   * Bytes of another format are a miss and stay for whoever wrote them; corrupt bytes of this format, which nobody can
   * read, are removed. Each is logged once however often it is read.
   */
  @Test
  void anEntryOfAnotherFormatIsAMissLeftInPlaceAndCorruptBytesAreRemoved() {
    Cache<Object, Object> cache = manager("decode").createCache("d", new MutableConfiguration<>());
    try (LogLines lines = LogLines.of(RedisStores.class)) {
      List<String> logged = lines.messages();
      cache.put("k", "v");
      String name = "decode:{decode:d}:v:sk";
      assertThat(REDIS.server().send("SET " + name + " another-format")).isEqualTo("+OK");
      for (int i = 0; i < 3; i++) {
        assertThat(cache.get("k")).isNull();
      }
      assertThat(REDIS.server().send("EXISTS " + name)).as("left in place").isEqualTo(":1");
      assertThat(logged).as("logged once, with its name").hasSize(1);
      assertThat(logged.get(0)).contains(name, "not a keyedcache entry of format 1", "left in place");
      // the format's magic, a codec, and a deadline that is not 19 digits: this format, corrupt
      assertThat(REDIS.server().send("SET " + name + " K1Snot-a-deadline-at-all-0000")).isEqualTo("+OK");
      assertThat(cache.get("k")).isNull();
      assertThat(REDIS.server().send("EXISTS " + name)).as("removed").isEqualTo(":0");
      assertThat(logged).hasSize(2);
      assertThat(logged.get(1)).contains("removed the entry " + name, "no JVM can read it");
    }
  }

  /** A write replaces an entry this JVM cannot read as it would a missing one: a read leaves it, a write does not. */
  @Test
  void aWriteReplacesAnEntryThisJvmCannotRead() {
    Cache<Object, Object> cache = manager("unread").createCache("u", new MutableConfiguration<>());
    Names names = new Names("unread", "u");
    String plain = new String(names.value("k"), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(REDIS.server().send("SET " + plain + " another-format")).isEqualTo("+OK");
    assertThat(cache.get("k")).isNull();
    assertThat(cache.putIfAbsent("k", "mine")).as("taken as absent").isTrue();
    assertThat(cache.get("k")).isEqualTo("mine");

    io.keyedcache.CacheKey grouped = io.keyedcache.CacheKey.of("group", 1);
    String member = new String(names.value(grouped), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(REDIS.server().send("SET " + member + " another-format")).isEqualTo("+OK");
    cache.put(grouped, "written");
    assertThat(cache.get(grouped)).isEqualTo("written");
    assertThat(REDIS.server().send("EXISTS " + member)).isEqualTo(":1");
  }

  @Test
  void aClassOutsideTheFilterIsNeverMade() {
    Properties open = new Properties();
    open.setProperty("namespace", "filter");
    open.setProperty("serialization-filter", "io.keyedcache.redis.RedisTierTest$Unlisted");
    Cache<Object, Object> writer = manager(URI.create(REDIS.server().uri() + "#writer"), open)
        .createCache("f", new MutableConfiguration<>());
    Properties strict = new Properties();
    strict.setProperty("namespace", "filter");
    Cache<Object, Object> reader = manager(URI.create(REDIS.server().uri() + "#reader"), strict)
        .createCache("f", new MutableConfiguration<>());
    writer.put("k", new Unlisted());
    assertThat(writer.get("k")).isInstanceOf(Unlisted.class);
    assertThat(Unlisted.made).as("decoded where the filter lists it").isTrue();
    Unlisted.made = false;
    assertThat(reader.get("k")).isNull();
    assertThat(Unlisted.made).isFalse();
    assertThat(REDIS.server().send("EXISTS filter:{filter:f}:v:sk")).as("left in place by the reader").isEqualTo(":1");
    assertThat(writer.get("k")).isInstanceOf(Unlisted.class);
  }

  @Test
  void noServerIsAClearErrorAtGetCacheManager() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    assertThatThrownBy(() -> manager(URI.create("redis://app:s3cret@127.0.0.1:" + port), new Properties()))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("redis://127.0.0.1:" + port)
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void aPasswordWorksAndAWrongOneIsAClearErrorWithoutIt() throws Exception {
    try (RedisServer locked = RedisServer.start("--requirepass", "right-one")) {
      URI right = URI.create("redis://right-one@127.0.0.1:" + locked.port());
      Cache<Object, Object> cache = manager(right, new Properties()).createCache("p", new MutableConfiguration<>());
      cache.put("k", "v");
      assertThat(cache.get("k")).isEqualTo("v");
      assertThat(cache.getCacheManager().toString()).doesNotContain("right-one");
      assertThatThrownBy(() -> manager(URI.create("redis://wrong-one@127.0.0.1:" + locked.port()),
          new Properties()))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("127.0.0.1:" + locked.port())
          .hasMessageNotContaining("wrong-one");
    }
  }

  @Test
  void aServerThatDiesFailsOperationsAndComesBackWithoutANewManager() throws Exception {
    try (RedisServer fragile = RedisServer.start()) {
      Cache<Object, Object> cache = manager(URI.create(fragile.uri() + "#fragile"), new Properties())
          .createCache("c", new MutableConfiguration<>());
      cache.put("k", "v");
      fragile.kill();
      assertThatThrownBy(() -> cache.get("k")).isInstanceOf(CacheException.class)
          .hasMessageContaining("127.0.0.1:" + fragile.port());
      fragile.restart();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      Object value = "not yet";
      while (System.nanoTime() < until) {
        try {
          value = cache.get("k");
          break;
        } catch (CacheException reconnecting) {
          Thread.sleep(100);
        }
      }
      assertThat(value).as("the restarted server is empty, and answers").isNull();
      cache.put("k", "again");
      assertThat(cache.get("k")).isEqualTo("again");
    }
  }

  @Test
  void replicaAcksOnAServerWithoutReplicasFailWritesClearlyAndBadValuesAreRefused() {
    Cache<Object, Object> cache = manager(URI.create(REDIS.server().uri()
        + "?replica-acks=1&replica-ack-timeout=50#acks"), new Properties()).createCache("c",
        new MutableConfiguration<>());
    assertThatThrownBy(() -> cache.put("k", "v")).isInstanceOf(CacheException.class)
        .hasMessageContaining("0 of the 1 replicas asked for (replica-acks)")
        .hasMessageContaining("127.0.0.1:" + REDIS.server().port());
    assertThatThrownBy(() -> manager(URI.create(REDIS.server().uri() + "?replica-acks=-1#acks-bad"),
        new Properties())).isInstanceOf(CacheException.class).hasMessageContaining("replica-acks")
        .hasMessageContaining("'-1'");
    assertThatThrownBy(() -> manager(URI.create(REDIS.server().uri() + "?replica-ack-timeout=0#acks-bad"),
        new Properties())).isInstanceOf(CacheException.class).hasMessageContaining("replica-ack-timeout");
  }
}
