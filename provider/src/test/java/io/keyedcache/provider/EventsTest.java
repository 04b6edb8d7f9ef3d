package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventsTest {
  private final CacheManager manager = TestCaches.manager(EventsTest.class);

  @AfterEach
  void close() {
    manager.close();
  }

  /** Records "TYPE key=value(old)" per key. */
  static final class Recorder implements CacheEntryCreatedListener<Integer, Integer>,
      CacheEntryUpdatedListener<Integer, Integer>, CacheEntryRemovedListener<Integer, Integer>,
      java.io.Serializable {
    final ConcurrentMap<Integer, List<String>> byKey = new ConcurrentHashMap<>();
    final List<String> all = new CopyOnWriteArrayList<>();

    private void record(Iterable<CacheEntryEvent<? extends Integer, ? extends Integer>> events) {
      for (CacheEntryEvent<? extends Integer, ? extends Integer> e : events) {
        String text = e.getEventType() + " " + e.getKey() + "=" + e.getValue()
            + (e.isOldValueAvailable() ? "(" + e.getOldValue() + ")" : "");
        byKey.computeIfAbsent(e.getKey(), k -> new CopyOnWriteArrayList<>()).add(text);
        all.add(text);
      }
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends Integer, ? extends Integer>> events) {
      record(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends Integer, ? extends Integer>> events) {
      record(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends Integer, ? extends Integer>> events) {
      record(events);
    }
  }

  private static MutableCacheEntryListenerConfiguration<Integer, Integer> listener(Recorder recorder,
      boolean synchronous) {
    return new MutableCacheEntryListenerConfiguration<>(FactoryBuilder.factoryOf(recorder), null, true, synchronous);
  }

  @Test
  void synchronousListenerSeesEachChangeWithOldValuesBeforeTheCallReturns() {
    Recorder recorder = new Recorder();
    Cache<Integer, Integer> cache = manager.createCache("sync", new MutableConfiguration<Integer, Integer>()
        .addCacheEntryListenerConfiguration(listener(recorder, true)));

    cache.put(1, 10);
    assertThat(recorder.all).containsExactly("CREATED 1=10");
    cache.put(1, 11);
    cache.replace(1, 11, 12);
    cache.invoke(1, (entry, args) -> {
      entry.setValue(entry.getValue() + 1);
      return null;
    });
    cache.remove(1);
    cache.remove(1);

    assertThat(recorder.all).containsExactly(
        "CREATED 1=10", "UPDATED 1=11(10)", "UPDATED 1=12(11)", "UPDATED 1=13(12)", "REMOVED 1=13(13)");
  }

  @Test
  void asynchronousListenerSeesOneKeysEventsInOrder() throws Exception {
    Recorder recorder = new Recorder();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    io.keyedcache.provider.configuration.KeyedCacheConfiguration<Integer, Integer> config =
        new io.keyedcache.provider.configuration.KeyedCacheConfiguration<Integer, Integer>().executor(pool);
    config.addCacheEntryListenerConfiguration(listener(recorder, false));
    Cache<Integer, Integer> cache = manager.createCache("async", config);

    int keys = 4;
    int updates = 500;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> writers = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      int key = k;
      Thread writer = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = 0; i < updates; i++) {
          cache.put(key, i);
        }
      });
      writer.start();
      writers.add(writer);
    }
    start.countDown();
    for (Thread writer : writers) {
      writer.join();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (recorder.all.size() < keys * updates && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    pool.shutdown();

    for (int k = 0; k < keys; k++) {
      List<String> events = recorder.byKey.get(k);
      assertThat(events).hasSize(updates);
      assertThat(events.get(0)).isEqualTo("CREATED " + k + "=0");
      for (int i = 1; i < updates; i++) {
        assertThat(events.get(i)).isEqualTo("UPDATED " + k + "=" + i + "(" + (i - 1) + ")");
      }
    }
  }

  @Test
  void aFailingSynchronousListenerReachesTheCallerAfterTheChange() {
    Cache<Integer, Integer> cache = manager.createCache("failing", new MutableConfiguration<Integer, Integer>());
    cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<Integer, Integer>(
        FactoryBuilder.factoryOf(new FailingListener()), null, false, true));

    assertThatThrownBy(() -> cache.put(1, 1)).isInstanceOf(CacheEntryListenerException.class)
        .hasRootCauseMessage("listener says no");
    assertThat(cache.get(1)).isEqualTo(1);
  }

  static final class FailingListener implements CacheEntryCreatedListener<Integer, Integer>, java.io.Serializable {
    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends Integer, ? extends Integer>> events) {
      throw new IllegalStateException("listener says no");
    }
  }

  @Test
  void deregisteredListenerHearsNothingMore() {
    Recorder recorder = new Recorder();
    MutableCacheEntryListenerConfiguration<Integer, Integer> registration = listener(recorder, true);
    Cache<Integer, Integer> cache = manager.createCache("dereg", new MutableConfiguration<Integer, Integer>());
    cache.registerCacheEntryListener(registration);
    cache.put(1, 1);
    cache.deregisterCacheEntryListener(registration);
    cache.put(2, 2);
    assertThat(recorder.all).containsExactly("CREATED 1=1");
    assertThat(cache.getConfiguration(javax.cache.configuration.CompleteConfiguration.class)
        .getCacheEntryListenerConfigurations()).isEmpty();
  }
}
