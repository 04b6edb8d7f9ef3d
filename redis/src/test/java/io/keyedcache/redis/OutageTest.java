package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code on-outage=degrade}: while the server cannot be reached (stopped, paused, or cut off by a partition) no call
 * fails, and what was removed meanwhile is removed from the server once it is back, so that another JVM does not
 * read it afterwards; a manager starts without its server and connects when it comes up. Each test has a server of
 * its own, since it breaks it.
 */
class OutageTest {
  /** A degrading manager's settings: a short timeout and reconnect delay, so that the tests move quickly. */
  private static final String DEGRADE = "?on-outage=degrade&timeout=300&reconnect-delay=100";

  @RegisterExtension
  final Managers managers = new Managers();

  private CacheManager manager(String uri) {
    return managers.open(URI.create(uri), new Properties());
  }

  @SuppressWarnings("unchecked")
  private static KeyedCache<Object> keyed(Cache<Object, Object> cache) {
    return cache.unwrap(KeyedCache.class);
  }

  private static SharedTierMXBean state(CacheManager manager) {
    return manager.unwrap(SharedTierMXBean.class);
  }

  /**
   * One JVM cut off from the server by a partition (its sockets open, nothing crossing) while another still reaches
   * it: the first keeps answering, and its removals, writes and group deletion of the outage reach the server once
   * the partition heals.
   */
  @Test
  void aPartitionedJvmKeepsAnsweringAndItsRemovalsReachTheServerAfterwards() throws Exception {
    try (RedisServer server = RedisServer.start(); Proxy proxy = new Proxy(server.port())) {
      CacheManager cut = manager(proxy.uri() + DEGRADE + "#outage");
      CacheManager other = manager(server.uri() + "#outage");
      Cache<Object, Object> a = cut.createCache("c", new MutableConfiguration<>());
      Cache<Object, Object> b = other.createCache("c", new MutableConfiguration<>());
      b.put("removed", "old");
      b.put("written", "old");
      b.put("kept", "old");
      keyed(b).put(CacheKey.of("product", 1), "apple");
      keyed(b).put(CacheKey.of("product", 1, "price"), 2.5);
      keyed(b).put(CacheKey.of("product", 2), "pear");
      assertThat(a.get("kept")).isEqualTo("old");
      assertThat(state(cut).isConnected()).isTrue();

      proxy.partition();
      a.remove("removed");
      a.put("written", "mine");
      assertThat(keyed(a).deleteGroup("product", 1)).as("nothing listed while cut off").isEmpty();
      assertThat(a.get("written")).as("not stored during the outage").isNull();
      AtomicLong computed = new AtomicLong();
      Function<Integer, Integer> square = keyed(a).function("square", Duration.ofMinutes(1), x -> {
        computed.incrementAndGet();
        return x * x;
      });
      assertThat(square.apply(7)).isEqualTo(49);
      assertThat(square.apply(7)).isEqualTo(49);
      assertThat(computed.get()).as("computed, not stored").isEqualTo(2);
      assertThat(b.get("removed")).as("the other JVM, until the partition heals").isEqualTo("old");

      SharedTierMXBean cutState = state(cut);
      assertThat(cutState.isConnected()).isFalse();
      assertThat(cutState.getDegradedSince()).isPositive();
      assertThat(cutState.getOutages()).isEqualTo(1);
      assertThat(cutState.getPendingRemovals()).as("removed, written, the group").isEqualTo(3);
      assertThat(jmxPending(proxy.uri())).isEqualTo(3);

      proxy.heal();
      Waiting.until("the cut-off manager to reconnect", () -> state(cut).isConnected(), 20);
      assertThat(state(cut).getPendingRemovals()).isZero();
      assertThat(state(cut).getDegradedSince()).isZero();
      assertThat(b.get("removed")).isNull();
      assertThat(b.get("written")).as("written during the outage: the older value is not read").isNull();
      assertThat(keyed(b).find(CacheKey.of("product", 1))).isEmpty();
      assertThat(keyed(b).find(CacheKey.of("product", 1, "price"))).isEmpty();
      assertThat(keyed(b).find(CacheKey.of("product", 2))).contains("pear");
      assertThat(b.get("kept")).isEqualTo("old");
      a.put("after", "stored");
      assertThat(b.get("after")).isEqualTo("stored");
    }
  }

  /** The pending count that JMX shows for the manager connected through {@code uri}. */
  private static long jmxPending(String uri) throws Exception {
    Set<ObjectName> names = ManagementFactory.getPlatformMBeanServer()
        .queryNames(new ObjectName("io.keyedcache:type=SharedTier,Namespace=outage,*"), null);
    String server = uri.replace("redis://", "");
    for (ObjectName name : names) {
      if (name.getKeyProperty("Server").contains(server)) {
        return (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(name, "PendingRemovals");
      }
    }
    throw new AssertionError("no SharedTier MXBean for " + uri + " among " + names);
  }

  /** More removals during one outage than the backlog holds: the cache is cleared once the server is back. */
  @Test
  void pastTheBacklogTheCacheIsClearedWhenTheServerIsBack() throws Exception {
    try (RedisServer server = RedisServer.start(); Proxy proxy = new Proxy(server.port())) {
      CacheManager cut = manager(proxy.uri() + DEGRADE + "&outage-backlog=3#backlog");
      CacheManager other = manager(server.uri() + "#backlog");
      Cache<Object, Object> a = cut.createCache("c", new MutableConfiguration<>());
      Cache<Object, Object> b = other.createCache("c", new MutableConfiguration<>());
      for (int i = 0; i < 10; i++) {
        b.put("k" + i, "v" + i);
      }
      assertThat(a.get("k0")).isEqualTo("v0");
      proxy.partition();
      for (int i = 0; i < 5; i++) {
        a.remove("k" + i);
      }
      assertThat(state(cut).getPendingRemovals()).as("3 keys and a clear").isEqualTo(4);
      proxy.heal();
      Waiting.until("the cut-off manager to reconnect", () -> state(cut).isConnected(), 20);
      for (int i = 0; i < 10; i++) {
        assertThat(b.get("k" + i)).as("k" + i).isNull();
      }
    }
  }

  /** Calls of every kind from 4 threads while the server is killed and started again, then paused and resumed. */
  @Test
  void aStoppedOrPausedServerFailsNoCallUnderLoad() throws Exception {
    try (RedisServer server = RedisServer.start()) {
      CacheManager manager = manager(server.uri() + DEGRADE + "#load");
      // as a Spring Boot user configures it: statistics, an expiry policy and a listener (steps, not plain puts)
      AtomicLong created = new AtomicLong();
      CacheEntryCreatedListener<Object, Object> listener = events -> events.forEach(event -> created.incrementAndGet());
      Cache<Object, Object> cache = manager.createCache("c", new MutableConfiguration<>().setStatisticsEnabled(true)
          .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(javax.cache.expiry.Duration.ONE_MINUTE))
          .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
              (Factory<CacheEntryCreatedListener<Object, Object>>) () -> listener, null, false, true)));
      Function<Integer, Integer> square = keyed(cache).function("square", Duration.ofMinutes(1), x -> x * x);
      Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong calls = new AtomicLong();
      AtomicLong slowest = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int id = t;
        Thread thread = new Thread(() -> {
          for (int i = 0; i < 10_000_000 && !stop.get(); i++) {
            long start = System.nanoTime();
            try {
              call(cache, square, id, i);
            } catch (Throwable e) {
              failures.add(e);
            }
            slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
            calls.incrementAndGet();
          }
        });
        threads.add(thread);
        thread.start();
      }
      try {
        Thread.sleep(500);
        server.kill();
        Thread.sleep(1_500);
        server.restart();
        Waiting.until("the manager to reconnect after the restart", () -> state(manager).isConnected(), 20);
        Thread.sleep(500);
        server.suspend();
        Thread.sleep(1_500);
        server.resume();
        Waiting.until("the manager to reconnect after the pause", () -> state(manager).isConnected(), 20);
        Thread.sleep(500);
      } finally {
        stop.set(true);
        for (Thread thread : threads) {
          thread.join(TimeUnit.SECONDS.toMillis(20));
        }
      }
      System.out.printf("outage under load: %d calls, %d failed, slowest %d ms, %d outages, %d created events%n",
          calls.get(), failures.size(), TimeUnit.NANOSECONDS.toMillis(slowest.get()), state(manager).getOutages(),
          created.get());
      assertThat(failures).as("calls that threw").isEmpty();
      assertThat(state(manager).getOutages()).as("the kill and the pause").isGreaterThanOrEqualTo(2);
      assertThat(TimeUnit.NANOSECONDS.toSeconds(slowest.get())).as("the slowest call, in s").isLessThan(10);
      cache.put("after", "stored");
      assertThat(cache.get("after")).isEqualTo("stored");
    }
  }

  private static void call(Cache<Object, Object> cache, Function<Integer, Integer> square, int thread, int i) {
    String key = "k" + thread + "-" + i % 50;
    switch (i % 7) {
      case 0 -> cache.get(key);
      case 1 -> cache.put(key, "v" + i);
      case 2 -> cache.remove(key);
      case 3 -> assertThat(square.apply(i % 20)).isEqualTo((i % 20) * (i % 20));
      case 4 -> cache.getAll(Set.of(key, "k" + thread + "-x"));
      case 5 -> cache.putAll(Map.of(key, "w", "k" + thread + "-x", "x"));
      default -> keyed(cache).deleteGroup("group", thread);
    }
  }

  /** A manager made while its server is down starts at once, and uses the server once it is up. */
  @Test
  void aServiceStartsWhileRedisIsDownAndConnectsWhenItComesUp() throws Exception {
    try (RedisServer server = RedisServer.start()) {
      server.kill();
      CacheManager manager = manager(server.uri() + DEGRADE + "#late");
      Cache<Object, Object> cache = manager.createCache("c", new MutableConfiguration<>());
      assertThat(state(manager).isConnected()).isFalse();
      assertThat(cache.get("k")).isNull();
      cache.put("k", "not stored");
      assertThat(cache.get("k")).isNull();
      server.restart();
      Waiting.until("the manager to connect", () -> state(manager).isConnected(), 20);
      cache.put("k", "v");
      assertThat(manager(server.uri() + "#late").createCache("c", new MutableConfiguration<>()).get("k"))
          .isEqualTo("v");
    }
  }

  /** What the manager removed before it first reached its server is removed there once it does. */
  @Test
  void removalsMadeBeforeTheFirstConnectionAreReplayed() throws Exception {
    try (RedisServer server = RedisServer.start(); Proxy proxy = new Proxy(server.port())) {
      Cache<Object, Object> direct = manager(server.uri() + "#first").createCache("c", new MutableConfiguration<>());
      direct.put("k", "old");
      proxy.partition();
      CacheManager late = manager(proxy.uri() + DEGRADE + "#first");
      Cache<Object, Object> cache = late.createCache("c", new MutableConfiguration<>());
      cache.remove("k");
      assertThat(state(late).getPendingRemovals()).isEqualTo(1);
      proxy.heal();
      Waiting.until("the manager to connect", () -> state(late).isConnected(), 20);
      assertThat(direct.get("k")).isNull();
    }
  }

  @Test
  void failIsTheDefaultAndAnUnknownModeIsRefused() throws Exception {
    try (RedisServer server = RedisServer.start()) {
      CacheManager manager = manager(server.uri() + "#failing");
      assertThat(state(manager).getOnOutage()).isEqualTo("fail");
      assertThat(state(manager).isConnected()).isTrue();
      Cache<Object, Object> cache = manager.createCache("c", new MutableConfiguration<>());
      server.kill();
      assertThatThrownBy(() -> cache.get("k")).isInstanceOf(CacheException.class);
      assertThatThrownBy(() -> manager(server.uri() + "?on-outage=ignore#other"))
          .isInstanceOf(CacheException.class).hasMessageContaining("on-outage").hasMessageContaining("degrade")
          .hasMessageContaining("'ignore'");
    }
  }
}
