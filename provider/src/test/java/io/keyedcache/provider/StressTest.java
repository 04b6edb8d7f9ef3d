package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.management.CacheStatisticsMXBean;
import org.junit.jupiter.api.Test;

/**
 * Several threads mix every kind of write, read and group deletion on a small bounded cache whose entries expire on
 * a fake clock that a further thread moves, so that eviction and expiry run all along. Afterwards: the prefix index
 * holds every key of the cache (and nothing once every entry has expired), hits and misses add up to the reads made, every listener saw each key's events
 * in an order that chains (each event's old value is the value the one before it left), the asynchronous listener
 * saw the same events per key as the synchronous one, and closing leaves no thread or task of the cache behind.
 * Size with {@code -Dstress.operations} (per thread; 20,000 by default).
 */
class StressTest {
  private static final int OPERATIONS = Integer.getInteger("stress.operations", 20_000);
  private static final int THREADS = 3;

  /** Every event a listener saw, per key, in the order it saw them. */
  static final class PerKey implements CacheEntryCreatedListener<Object, Object>,
      CacheEntryUpdatedListener<Object, Object>, CacheEntryRemovedListener<Object, Object>,
      CacheEntryExpiredListener<Object, Object>, Serializable {
    final Map<Object, List<String>> events = new ConcurrentHashMap<>();

    private void record(Iterable<CacheEntryEvent<?, ?>> batch) {
      for (CacheEntryEvent<?, ?> event : batch) {
        events.computeIfAbsent(event.getKey(), k -> new CopyOnWriteArrayList<>())
            .add(event.getEventType() + " " + event.getOldValue() + " -> " + event.getValue());
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

    @Override
    public void onExpired(Iterable<CacheEntryEvent<?, ?>> events) {
      record(events);
    }
  }

  @Test
  void mixedOperationsUnderEvictionAndExpiryKeepEveryInvariant() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    CacheManager manager = TestCaches.manager(StressTest.class);
    TestCaches.FakeTicker ticker = new TestCaches.FakeTicker();
    KeyedCacheConfiguration<Object, Object> configuration = new KeyedCacheConfiguration<>()
        .maximumSize(40).ticker(ticker).perEntryLifetimes(true);
    configuration.setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(
        new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, 500)));
    configuration.setStatisticsEnabled(true);
    PerKey sync = new PerKey();
    PerKey async = new PerKey();
    configuration.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(sync), null, true, true));
    configuration.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(async), null, true, false));
    Cache<Object, Object> cache = manager.createCache("stress", configuration);
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyed = cache.unwrap(KeyedCache.class);

    AtomicLong reads = new AtomicLong();
    AtomicLong values = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      long seed = 42 + t;
      workers.add(new Thread(() -> {
        SplittableRandom random = new SplittableRandom(seed);
        try {
          start.await();
          for (int i = 0; i < OPERATIONS; i++) {
            CacheKey key = random.nextInt(4) == 0 ? CacheKey.of("g", random.nextInt(4))
                : CacheKey.of("g", random.nextInt(4), random.nextInt(12));
            Object value = values.incrementAndGet();
            switch (random.nextInt(10)) {
              case 0, 1 -> cache.put(key, value);
              case 2 -> keyed.put(key, value, Duration.ofMillis(100 + random.nextInt(900)));
              case 3, 4 -> {
                cache.get(key);
                reads.incrementAndGet();
              }
              case 5 -> {
                keyed.find(key);
                reads.incrementAndGet();
              }
              case 6 -> cache.remove(key);
              case 7 -> {
                cache.putIfAbsent(key, value);
                reads.incrementAndGet();
              }
              case 8 -> {
                cache.replace(key, value);
                reads.incrementAndGet();
              }
              default -> {
                if (random.nextInt(20) == 0) {
                  keyed.deleteGroup(CacheKey.of("g", random.nextInt(4)));
                } else {
                  cache.invoke(key, (entry, args) -> {
                    entry.setValue(args[0]);
                    return null;
                  }, value);
                  reads.incrementAndGet();
                }
              }
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }, "stress-" + t));
    }
    Thread clock = new Thread(() -> {
      try {
        start.await();
        while (workers.stream().anyMatch(Thread::isAlive)) {
          ticker.advance(Duration.ofMillis(100));
          Thread.sleep(0, 200_000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "stress-clock");
    workers.forEach(Thread::start);
    clock.start();
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    clock.join();
    assertThat(failures).isEmpty();

    KeyedJCache<?, ?> ours = cache.unwrap(KeyedJCache.class);
    com.github.benmanes.caffeine.cache.Cache<?, ?> store = cache.unwrap(com.github.benmanes.caffeine.cache.Cache.class);
    store.cleanUp();
    // Caffeine's timer wheel evicts an expired entry when its bucket's time has passed, and its views hide the entry
    // meanwhile: the index may still hold such keys. Every key the cache shows must be indexed now, and once the
    // clock has passed every lifetime, both must be empty (a key left in the index would be one it lost track of).
    assertThat(new HashSet<Object>(TestCaches.indexedKeys(ours))).as("the prefix index holds every key of the cache")
        .containsAll(store.asMap().keySet());
    assertThat(store.estimatedSize()).isLessThanOrEqualTo(40);

    CacheStatisticsMXBean statistics = ours.statistics();
    // get, find, putIfAbsent, replace and invoke each count one hit or one miss
    assertThat(statistics.getCacheHits() + statistics.getCacheMisses()).as("hits + misses = reads made")
        .isEqualTo(reads.get());
    assertThat(statistics.getCacheEvictions()).as("the bound evicted").isPositive();

    assertThat(ForkJoinPool.commonPool().awaitQuiescence(30, TimeUnit.SECONDS)).isTrue();
    assertChained(sync.events);
    assertThat(async.events).as("the asynchronous listener saw what the synchronous one saw, key by key")
        .isEqualTo(sync.events);
    System.out.println("stress: events " + sync.events.values().stream().flatMap(List::stream).map(e -> e.split(" ")[0]).collect(java.util.stream.Collectors.groupingBy(e -> e, java.util.stream.Collectors.counting())) + ", evictions " + statistics.getCacheEvictions() + ", hits " + statistics.getCacheHits() + ", misses " + statistics.getCacheMisses());
    assertThat(sync.events.values().stream().flatMap(List::stream).anyMatch(e -> e.startsWith("EXPIRED")))
        .as("entries expired on the fake clock").isTrue();

    ticker.advance(Duration.ofSeconds(5));
    store.cleanUp();
    assertThat(store.asMap()).isEmpty();
    assertThat(TestCaches.indexedKeys(ours)).as("keys the index kept after their entries left").isEmpty();

    manager.close();
    assertThat(ForkJoinPool.commonPool().awaitQuiescence(30, TimeUnit.SECONDS))
        .as("no task of the cache is left running").isTrue();
    Set<Thread> left = new HashSet<>(Thread.getAllStackTraces().keySet());
    left.removeAll(before);
    left.removeIf(thread -> !thread.isAlive() || thread.getName().startsWith("ForkJoinPool.commonPool-worker"));
    assertThat(left).as("threads started since the cache was created").isEmpty();
  }

  /**
   * Each key's events chain: an update, removal or expiry names as old value the value the event before it left
   * (an eviction has no event, so a creation may follow a present value).
   */
  private static void assertChained(Map<Object, List<String>> events) {
    long checked = 0;
    for (Map.Entry<Object, List<String>> perKey : events.entrySet()) {
      String present = null;
      for (String event : perKey.getValue()) {
        String[] parts = event.split(" ");
        EventType type = EventType.valueOf(parts[0]);
        String oldValue = parts[1];
        String newValue = parts[3];
        if (type != EventType.CREATED) {
          assertThat(oldValue).as("%s of %s after %s", event, perKey.getKey(), present).isEqualTo(present);
        }
        present = (type == EventType.CREATED || type == EventType.UPDATED) ? newValue : null;
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(1_000);
  }
}
