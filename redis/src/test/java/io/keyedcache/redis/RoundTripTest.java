package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.TouchedExpiryPolicy;
import javax.cache.management.CacheStatisticsMXBean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every single-key operation of a cache configured as users configure them (a built-in expiry policy, statistics, a
 * synchronous listener) is one command on the server, counted by MONITOR, and still answers, counts and notifies as
 * the JCache layer says.
 */
class RoundTripTest {
  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  final Managers managers = new Managers();
  private static Monitor monitor;

  @BeforeAll
  static void monitor() throws Exception {
    monitor = new Monitor(REDIS.server());
  }

  @AfterAll
  static void stop() throws Exception {
    monitor.close();
  }

  /** Every event a listener of this JVM heard, as "TYPE key old->new". */
  static final List<String> EVENTS = new CopyOnWriteArrayList<>();

  public static final class Recorder implements CacheEntryCreatedListener<Object, Object>,
      CacheEntryUpdatedListener<Object, Object>, CacheEntryRemovedListener<Object, Object>, Serializable {
    private static final long serialVersionUID = 1L;

    private static void record(Iterable<CacheEntryEvent<?, ?>> events) {
      for (CacheEntryEvent<?, ?> event : events) {
        EVENTS.add(event.getEventType() + " " + event.getKey() + " " + event.getOldValue() + "->" + event.getValue());
      }
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void onCreated(Iterable<CacheEntryEvent<?, ?>> events) {
      record(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<?, ?>> events) {
      record(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<?, ?>> events) {
      record(events);
    }
  }

  private CacheManager manager(String namespace) {
    Properties properties = new Properties();
    properties.setProperty("near-cache-size", "0"); // every read goes to the server: its round trips are counted
    return managers.open(URI.create(REDIS.server().uri() + "#" + namespace), properties);
  }

  private static MutableConfiguration<String, String> createdWithStatistics() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(java.util.concurrent.TimeUnit.MINUTES, 10)))
        .setStatisticsEnabled(true);
  }

  private static <T> T once(Supplier<T> operation) {
    Object[] result = new Object[1];
    // every cache of these tests is named by a letter, in a namespace of its own: its tag is "{<namespace>:<letter>}"
    List<String> commands = monitor.during("}:", () -> result[0] = operation.get());
    assertThat(commands).as("the commands of one operation").hasSize(1);
    @SuppressWarnings("unchecked")
    T value = (T) result[0];
    return value;
  }

  private static void once(Runnable operation) {
    once(() -> {
      operation.run();
      return null;
    });
  }

  /** The operations of {@code cache}, each once, with their results. */
  private static void everyOperationOnce(Cache<String, String> cache) {
    once(() -> cache.put("a", "1"));
    once(() -> cache.put("a", "2"));
    assertThat(once(() -> cache.get("a"))).isEqualTo("2");
    assertThat(once(() -> cache.getAndPut("a", "3"))).isEqualTo("2");
    assertThat(once(() -> cache.putIfAbsent("a", "x"))).isFalse();
    assertThat(once(() -> cache.putIfAbsent("b", "1"))).isTrue();
    assertThat(once(() -> cache.replace("b", "2"))).isTrue();
    assertThat(once(() -> cache.replace("c", "2"))).isFalse();
    assertThat(once(() -> cache.getAndReplace("b", "3"))).isEqualTo("2");
    assertThat(once(() -> cache.replace("b", "9", "4"))).isFalse();
    assertThat(once(() -> cache.replace("b", "3", "4"))).isTrue();
    assertThat(once(() -> cache.remove("b", "9"))).isFalse();
    assertThat(once(() -> cache.remove("b", "4"))).isTrue();
    assertThat(once(() -> cache.containsKey("b"))).isFalse();
    assertThat(once(() -> cache.getAndRemove("a"))).isEqualTo("3");
    assertThat(once(() -> cache.remove("a"))).isFalse();
    assertThat(once(() -> cache.get("a"))).isNull();
  }

  /** Loads the scripts on this test's server (the first call of a script there is two, EVALSHA and EVAL). */
  @BeforeAll
  static void warm() {
    Properties properties = new Properties();
    try (CacheManager manager = javax.cache.Caching.getCachingProvider(
        io.keyedcache.provider.KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(REDIS.server().uri() + "#warm"), RoundTripTest.class.getClassLoader(), properties)) {
      Cache<String, String> cache = manager.createCache("w", createdWithStatistics());
      cache.put("k", "v");
      cache.remove("k");
    }
  }

  @Test
  void aCacheWithCreatedExpiryAndStatisticsTakesOneRoundTripPerOperation() {
    Cache<String, String> cache = manager("created").createCache("c", createdWithStatistics());
    everyOperationOnce(cache);
    CacheStatisticsMXBean statistics = cache.unwrap(io.keyedcache.provider.KeyedJCache.class).statistics();
    // hits: get, getAndPut, putIfAbsent(a), replace(b), getAndReplace, replace(b,9,4), replace(b,3,4), remove(b,9),
    // remove(b,4), getAndRemove; misses: putIfAbsent(b), replace(c), get(a) at the end
    assertThat(statistics.getCacheHits()).isEqualTo(10);
    assertThat(statistics.getCacheMisses()).isEqualTo(3);
    assertThat(statistics.getCachePuts()).isEqualTo(7);
    assertThat(statistics.getCacheRemovals()).isEqualTo(2);
  }

  @Test
  void aListenedCacheTakesOneRoundTripPerOperationAndHearsEveryChange() {
    EVENTS.clear();
    MutableConfiguration<String, String> config = createdWithStatistics();
    config.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<String, String>(
        FactoryBuilder.factoryOf(new Recorder()), null, true, true));
    Cache<String, String> cache = manager("listened").createCache("l", config);
    everyOperationOnce(cache);
    assertThat(EVENTS).containsExactly("CREATED a null->1", "UPDATED a 1->2", "UPDATED a 2->3", "CREATED b null->1",
        "UPDATED b 1->2", "UPDATED b 2->3", "UPDATED b 3->4", "REMOVED b 4->4", "REMOVED a 3->3");
  }

  @Test
  void aTouchedEntryIsReadAndRetimedInOneRoundTrip() {
    MutableConfiguration<String, String> config = new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .setExpiryPolicyFactory(TouchedExpiryPolicy.factoryOf(Duration.ONE_HOUR)).setStatisticsEnabled(true);
    Cache<String, String> cache = manager("touched").createCache("t", config);
    everyOperationOnce(cache);
    once(() -> cache.put("k", "v"));
    String name = "touched:{touched:t}:v:sk";
    String deadline = "EVAL \"return tonumber(string.sub(redis.call('GET', KEYS[1]), 4, 22))\" 1 " + name;
    long before = Long.parseLong(REDIS.server().send(deadline).substring(1));
    sleep(5);
    assertThat(once(() -> cache.get("k"))).isEqualTo("v");
    assertThat(Long.parseLong(REDIS.server().send(deadline).substring(1))).as("the read's new deadline")
        .isGreaterThan(before);
  }

  @Test
  void aPerEntryLifetimeIsOneRoundTrip() {
    Cache<Object, Object> cache = managers.open(URI.create(REDIS.server().uri() + "#lifetimes"), new Properties())
        .createCache("f", new MutableConfiguration<>().setStatisticsEnabled(true));
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyed = cache.unwrap(KeyedCache.class);
    CacheKey key = CacheKey.of("product", 7);
    once(() -> keyed.put(key, "seven", java.time.Duration.ofMinutes(5)));
    once(() -> keyed.put(key, "SEVEN", java.time.Duration.ofMinutes(5)));
    assertThat(REDIS.server().send("PTTL lifetimes:{lifetimes:f}:v:k" + key).substring(1))
        .as("a TTL of five minutes and the grace minute").satisfies(ttl -> assertThat(Long.parseLong(ttl))
            .isBetween(300_000L, 360_000L));
    assertThat(keyed.find(key)).contains("SEVEN");
  }

  @Test
  void anUpdateUnderCreatedExpiryKeepsTheEntrysDeadline() {
    Cache<String, String> cache = manager("kept").createCache("k", createdWithStatistics());
    once(() -> cache.put("k", "1"));
    String name = "kept:{kept:k}:v:sk";
    String deadline = "EVAL \"return tonumber(string.sub(redis.call('GET', KEYS[1]), 4, 22))\" 1 " + name;
    long created = Long.parseLong(REDIS.server().send(deadline).substring(1));
    long ttl = Long.parseLong(REDIS.server().send("PTTL " + name).substring(1));
    sleep(20);
    once(() -> cache.put("k", "2"));
    assertThat(Long.parseLong(REDIS.server().send(deadline).substring(1))).isEqualTo(created);
    assertThat(Long.parseLong(REDIS.server().send("PTTL " + name).substring(1))).isLessThan(ttl);
    assertThat(cache.get("k")).isEqualTo("2");
  }

  private static java.util.Map<String, String> numbered(int count, String prefix) {
    java.util.Map<String, String> entries = new java.util.LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      entries.put("k" + i, prefix + i);
    }
    return entries;
  }

  @Test
  void bulkOperationsOfAListenedCacheAreOneRoundTripEach() {
    EVENTS.clear();
    MutableConfiguration<String, String> config = createdWithStatistics();
    config.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<String, String>(
        FactoryBuilder.factoryOf(new Recorder()), null, true, true));
    Cache<String, String> cache = manager("bulk").createCache("b", config);
    cache.put("k0", "old");
    once(() -> cache.putAll(numbered(64, "v")));
    java.util.Map<String, String> read = once(() -> cache.getAll(new java.util.LinkedHashSet<>(
        numbered(70, "").keySet())));
    assertThat(read).isEqualTo(numbered(64, "v"));
    once(() -> cache.removeAll(java.util.Set.of("k1", "k2", "k3", "absent")));
    assertThat(EVENTS).hasSize(1 + 64 + 3).contains("CREATED k0 null->old", "UPDATED k0 old->v0", "CREATED k63 null->v63",
        "REMOVED k2 v2->v2");
    CacheStatisticsMXBean statistics = cache.unwrap(io.keyedcache.provider.KeyedJCache.class).statistics();
    assertThat(statistics.getCachePuts()).isEqualTo(65);
    assertThat(statistics.getCacheHits()).isEqualTo(64);
    assertThat(statistics.getCacheMisses()).isEqualTo(6);
    assertThat(statistics.getCacheRemovals()).isEqualTo(3);
    assertThat(cache.containsKey("k2")).isFalse();
    assertThat(cache.get("k4")).isEqualTo("v4");
  }

  @Test
  void bulkOperationsOfAPlainCacheAreOneRoundTripEach() {
    Cache<String, String> cache = manager("plain").createCache("p", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class));
    once(() -> cache.putAll(numbered(64, "v")));
    assertThat(once(() -> cache.getAll(numbered(64, "").keySet()))).isEqualTo(numbered(64, "v"));
    once(() -> cache.removeAll(numbered(64, "").keySet()));
    assertThat(cache.getAll(numbered(64, "").keySet())).isEmpty();
  }

  @Test
  void aTouchedGetAllIsOneRoundTrip() {
    Cache<String, String> cache = manager("touchedall").createCache("t", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .setExpiryPolicyFactory(TouchedExpiryPolicy.factoryOf(Duration.ONE_HOUR)).setStatisticsEnabled(true));
    cache.putAll(numbered(10, "v"));
    assertThat(once(() -> cache.getAll(new java.util.HashSet<>(numbered(12, "").keySet()))))
        .isEqualTo(numbered(10, "v"));
  }

  /** A group of 100 keys is deleted in a few round trips, whatever its size: reads and removals go in batches. */
  @Test
  void aGroupDeletionIsAFewRoundTrips() {
    Cache<Object, Object> cache = managers.open(URI.create(REDIS.server().uri() + "#grouped"), new Properties())
        .createCache("g", new MutableConfiguration<>().setStatisticsEnabled(true));
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyed = cache.unwrap(KeyedCache.class);
    for (int i = 0; i < 100; i++) {
      keyed.put(CacheKey.of("product", i), "p" + i);
    }
    keyed.put(CacheKey.of("other", 1), "stays");
    List<CacheKey> removed = new ArrayList<>();
    List<String> commands = monitor.during("}:", () -> removed.addAll(keyed.deleteGroup(CacheKey.of("product"))));
    assertThat(removed).hasSize(100);
    // the generation's INCR, the index's two ranges, one MGET of the members, one script of their removals
    assertThat(commands).as("commands of deleteGroup").hasSizeLessThanOrEqualTo(5);
    assertThat(keyed.find(CacheKey.of("product", 7))).isEmpty();
    assertThat(keyed.find(CacheKey.of("other", 1))).contains("stays");
  }

  @Test
  void aValueOfAnApplicationClassIsComparedInJava() {
    Properties properties = new Properties();
    properties.setProperty("near-cache-size", "0");
    properties.setProperty("serialization-filter", "io.keyedcache.redis.*");
    CacheManager manager = managers.open(URI.create(REDIS.server().uri() + "#compared"), properties);
    Cache<String, Bag> cache = manager.createCache("b", new MutableConfiguration<String, Bag>()
        .setTypes(String.class, Bag.class).setStatisticsEnabled(true));
    cache.put("k", new Bag(List.of("x", "y")));
    // equal, though not the same bytes: the order of a bag does not count
    assertThat(cache.replace("k", new Bag(List.of("y", "x")), new Bag(List.of("z")))).isTrue();
    assertThat(cache.get("k")).isEqualTo(new Bag(List.of("z")));
    assertThat(cache.remove("k", new Bag(List.of("q")))).isFalse();
    assertThat(cache.remove("k", new Bag(List.of("z")))).isTrue();
  }

  /** Equal whatever the order of its items: equal values whose serialized bytes differ. */
  public static final class Bag implements Serializable {
    private static final long serialVersionUID = 1L;
    private final ArrayList<String> items;

    Bag(List<String> items) {
      this.items = new ArrayList<>(items);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Bag && new java.util.HashSet<>(items).equals(new java.util.HashSet<>(((Bag) other)
          .items));
    }

    @Override
    public int hashCode() {
      return new java.util.HashSet<>(items).hashCode();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
