package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListenerFuture;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each fault leaves the cache consistent and tells the caller. */
class FaultsTest {
  private final CacheManager manager = TestCaches.manager(FaultsTest.class);

  @AfterEach
  void close() {
    manager.close();
  }

  // ------------------------------------------------------------------------------------------ loaders

  /** Loads "v-" + key, and fails for every key while {@code FAILING} is set. */
  public static final class FlakyLoader implements CacheLoader<String, String>, Serializable {
    static final AtomicBoolean FAILING = new AtomicBoolean();
    static final AtomicInteger LOAD_ALL_CALLS = new AtomicInteger();

    @Override
    public String load(String key) {
      if (FAILING.get()) {
        throw new IllegalStateException("database down");
      }
      return "v-" + key;
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      LOAD_ALL_CALLS.incrementAndGet();
      Map<String, String> loaded = new LinkedHashMap<>();
      for (String key : keys) {
        loaded.put(key, load(key));
      }
      return loaded;
    }
  }

  private Cache<String, String> readThrough(String name) {
    return manager.createCache(name, new KeyedCacheConfiguration<String, String>()
        .setTypes(String.class, String.class).setReadThrough(true).setStatisticsEnabled(true)
        .setCacheLoaderFactory(FactoryBuilder.factoryOf(FlakyLoader.class)));
  }

  @Test
  void aFailingLoaderGivesCacheLoaderExceptionStoresNothingAndTheNextReadLoadsAgain() throws Exception {
    Cache<String, String> cache = readThrough("flaky");
    FlakyLoader.FAILING.set(true);
    try {
      assertThatThrownBy(() -> cache.get("a")).isInstanceOf(CacheLoaderException.class)
          .hasMessageContaining("a").hasRootCauseMessage("database down");
      assertThatThrownBy(() -> cache.getAll(Set.of("b", "c"))).isInstanceOf(CacheLoaderException.class);
      CompletionListenerFuture loading = new CompletionListenerFuture();
      cache.loadAll(Set.of("d"), false, loading);
      assertThatThrownBy(() -> loading.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(CacheLoaderException.class);
      for (String key : List.of("a", "b", "c", "d")) {
        assertThat(cache.containsKey(key)).as(key).isFalse();
      }
    } finally {
      FlakyLoader.FAILING.set(false);
    }
    assertThat(cache.get("a")).isEqualTo("v-a");
    assertThat(cache.getAll(Set.of("b", "c"))).containsOnly(Map.entry("b", "v-b"), Map.entry("c", "v-c"));
    CompletionListenerFuture loading = new CompletionListenerFuture();
    cache.loadAll(Set.of("d"), false, loading);
    loading.get(10, TimeUnit.SECONDS);
    assertThat(cache.get("d")).isEqualTo("v-d");
  }

  @Test
  void getAllLoadsItsMissingKeysWithOneLoadAll() {
    Cache<String, String> cache = readThrough("batch");
    cache.put("a", "cached");
    int before = FlakyLoader.LOAD_ALL_CALLS.get();
    assertThat(cache.getAll(Set.of("a", "b", "c")))
        .containsOnly(Map.entry("a", "cached"), Map.entry("b", "v-b"), Map.entry("c", "v-c"));
    assertThat(FlakyLoader.LOAD_ALL_CALLS.get() - before).isEqualTo(1);
  }

  // ------------------------------------------------------------------------------------------ writers

  /** Writes and deletes every key but "bad", taking them out of the batch as the spec asks, then fails. */
  public static final class PartialWriter implements CacheWriter<String, String>, Serializable {
    static final Set<String> WRITTEN = Collections.synchronizedSet(new HashSet<>());

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      if (entry.getKey().equals("bad")) {
        throw new IllegalStateException("cannot write bad");
      }
      WRITTEN.add(entry.getKey());
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      for (var it = entries.iterator(); it.hasNext(); ) {
        write(it.next());
        it.remove();
      }
    }

    @Override
    public void delete(Object key) {
      if (key.equals("bad")) {
        throw new IllegalStateException("cannot delete bad");
      }
      WRITTEN.remove(key);
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      for (var it = keys.iterator(); it.hasNext(); ) {
        delete(it.next());
        it.remove();
      }
    }
  }

  @Test
  void aWriterFailingInPutAllAndRemoveAllLeavesExactlyWhatItWroteApplied() {
    Cache<String, String> cache = manager.createCache("writeThrough", new KeyedCacheConfiguration<String, String>()
        .setTypes(String.class, String.class).setWriteThrough(true)
        .setCacheWriterFactory(FactoryBuilder.factoryOf(PartialWriter.class)));
    Map<String, String> batch = new LinkedHashMap<>();
    batch.put("a", "1");
    batch.put("bad", "2");
    batch.put("c", "3");
    // the writer writes "a", fails on "bad" and never reaches "c": only "a" is applied
    assertThatThrownBy(() -> cache.putAll(batch)).isInstanceOf(CacheWriterException.class)
        .hasRootCauseMessage("cannot write bad");
    assertThat(cache.get("a")).isEqualTo("1");
    assertThat(cache.containsKey("bad")).isFalse();
    assertThat(cache.containsKey("c")).isFalse();

    // the same for removeAll: put "bad" and "c" into the store beneath, then remove a, bad, c in that order
    @SuppressWarnings("unchecked")
    com.github.benmanes.caffeine.cache.Cache<String, String> store =
        cache.unwrap(com.github.benmanes.caffeine.cache.Cache.class);
    store.put("bad", "2");
    store.put("c", "3");
    Set<String> keys = new java.util.LinkedHashSet<>(List.of("a", "bad", "c"));
    assertThatThrownBy(() -> cache.removeAll(keys)).isInstanceOf(CacheWriterException.class)
        .hasRootCauseMessage("cannot delete bad");
    assertThat(cache.containsKey("a")).isFalse();
    assertThat(cache.get("bad")).isEqualTo("2");
    assertThat(cache.get("c")).isEqualTo("3");
  }

  // ------------------------------------------------------------------------------------------ expiry

  /** Fails on every question. */
  public static final class ThrowingExpiry implements ExpiryPolicy, Serializable {
    @Override
    public javax.cache.expiry.Duration getExpiryForCreation() {
      throw new IllegalStateException("creation");
    }

    @Override
    public javax.cache.expiry.Duration getExpiryForAccess() {
      throw new IllegalStateException("access");
    }

    @Override
    public javax.cache.expiry.Duration getExpiryForUpdate() {
      throw new IllegalStateException("update");
    }
  }

  @Test
  void anExpiryPolicyThatThrowsIsSwallowedAndTheEntryKeepsTheDefaultLifetime() {
    Cache<String, String> cache = manager.createCache("badExpiry", new KeyedCacheConfiguration<String, String>()
        .setExpiryPolicyFactory(FactoryBuilder.factoryOf(ThrowingExpiry.class)));
    cache.put("k", "1");
    assertThat(cache.get("k")).isEqualTo("1");
    cache.put("k", "2");
    assertThat(cache.getAndPut("k", "3")).isEqualTo("2");
    EntryProcessor<String, String, String> read = (entry, args) -> entry.getValue();
    assertThat(cache.invoke("k", read)).isEqualTo("3");
    assertThat(cache.get("k")).isEqualTo("3");
  }

  // ------------------------------------------------------------------------------------------ listeners

  /** Records what it sees; throws for the value "boom". */
  public static final class Recording implements CacheEntryCreatedListener<String, String>, Serializable {
    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> event : events) {
        if (event.getValue().equals("boom")) {
          throw new IllegalStateException("listener failed on purpose");
        }
        SEEN.add(event.getKey());
      }
    }
  }

  @Test
  void aSynchronousListenerThatThrowsReachesTheCallerAndTheMutationIsApplied() {
    Cache<String, String> cache = manager.createCache("syncListener", new KeyedCacheConfiguration<String, String>());
    cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(Recording.class), null, false, true));
    assertThatThrownBy(() -> cache.put("k", "boom")).isInstanceOf(CacheEntryListenerException.class)
        .hasRootCauseMessage("listener failed on purpose");
    assertThat(cache.get("k")).isEqualTo("boom");
  }

  @Test
  void anAsynchronousListenerThatThrowsIsLoggedAndNeitherTheCacheNorTheOtherListenersNotice() throws Exception {
    Recording.SEEN.clear();
    try (RegistrationLog log = new RegistrationLog()) {
      Cache<String, String> cache = manager.createCache("asyncListener", new KeyedCacheConfiguration<String, String>()
          .executor(Runnable::run));
      cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
          FactoryBuilder.factoryOf(Recording.class), null, false, false));
      List<String> other = new CopyOnWriteArrayList<>();
      cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<String, String>(
          () -> (CacheEntryCreatedListener<String, String>) events -> events.forEach(e -> other.add(e.getKey())),
          null, false, false));
      cache.put("first", "boom");
      cache.put("second", "fine");
      assertThat(cache.get("first")).isEqualTo("boom");
      assertThat(other).containsExactly("first", "second");
      assertThat(Recording.SEEN).containsExactly("second");
      assertThat(log.records).anySatisfy(record -> assertThat(record.getThrown())
          .hasRootCauseMessage("listener failed on purpose"));
    }
  }

  @Test
  void anExecutorThatRejectsListenerDeliveryLosesNoEventAndLogsWhy() {
    Recording.SEEN.clear();
    try (RegistrationLog log = new RegistrationLog()) {
      Cache<String, String> cache = manager.createCache("rejecting", new KeyedCacheConfiguration<String, String>()
          .executor(new Rejecting()));
      cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
          FactoryBuilder.factoryOf(Recording.class), null, false, false));
      cache.put("a", "1");
      cache.put("b", "2");
      assertThat(cache.get("b")).isEqualTo("2");
      assertThat(Recording.SEEN).containsExactly("a", "b");
      assertThat(log.records).anySatisfy(record -> assertThat(record.getMessage()).contains("rejected")
          .contains(Rejecting.class.getName()));
    }
  }

  @Test
  void anExecutorThatRejectsLoadAllSaysSoAndLoadsNothing() {
    Cache<String, String> cache = manager.createCache("rejectingLoads", new KeyedCacheConfiguration<String, String>()
        .executor(new Rejecting()).setReadThrough(true)
        .setCacheLoaderFactory(FactoryBuilder.factoryOf(FlakyLoader.class)));
    CompletionListenerFuture future = new CompletionListenerFuture();
    cache.loadAll(Set.of("a"), false, future);
    assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(CacheException.class)
        .hasMessageContaining("rejected the loadAll task");
    assertThatThrownBy(() -> cache.loadAll(Set.of("a"), false, null)).isInstanceOf(CacheException.class)
        .hasMessageContaining("rejectingLoads").hasMessageContaining(Rejecting.class.getName());
    assertThat(cache.containsKey("a")).isFalse();
  }

  static final class Rejecting implements Executor {
    @Override
    public void execute(Runnable command) {
      throw new RejectedExecutionException("shut down");
    }
  }

  /** The records the listener registrations log while it is open. */
  private static final class RegistrationLog extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("io.keyedcache.provider.event.Registration");
    final List<LogRecord> records = new CopyOnWriteArrayList<>();

    RegistrationLog() {
      logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      logger.removeHandler(this);
    }
  }


  // ------------------------------------------------------------------------------------------ cached functions

  @SuppressWarnings("unchecked")
  private KeyedCache<Object> keyed(String name) {
    return manager.createCache(name, new KeyedCacheConfiguration<Object, Object>()).unwrap(KeyedCache.class);
  }

  @Test
  void aCachedFunctionThatTimesOutReachesEveryWaiterCachesNothingAndIsCalledAgainNextTime() throws Exception {
    KeyedCache<Object> keyed = keyed("timeouts");
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean timingOut = new AtomicBoolean(true);
    AtomicInteger calls = new AtomicInteger();
    Function<Integer, Object> price = keyed.function("price", null, (Integer id) -> {
      calls.incrementAndGet();
      await(release);
      if (timingOut.get()) {
        throw new UncheckedIOException(new SocketTimeoutException("price service timed out"));
      }
      return id * 10;
    });
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> callers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread caller = new Thread(() -> {
        try {
          price.apply(7);
        } catch (RuntimeException e) {
          failures.add(e);
        }
      });
      callers.add(caller);
      caller.start();
    }
    waitUntil(() -> calls.get() == 1 && callers.stream().filter(t -> t.getState() == Thread.State.WAITING).count() == 4);
    release.countDown();
    for (Thread caller : callers) {
      caller.join();
    }
    assertThat(failures).hasSize(4).allSatisfy(e -> assertThat(e).isInstanceOf(UncheckedIOException.class)
        .hasRootCauseMessage("price service timed out"));
    assertThat(calls).hasValue(1);
    assertThat(keyed.isCached(KeyedCache.functionKey("price").child(7))).isFalse();

    timingOut.set(false);
    assertThat(price.apply(7)).isEqualTo(70);
    assertThat(calls).hasValue(2);
    assertThat(keyed.isCached(KeyedCache.functionKey("price").child(7))).isTrue();
  }

  @Test
  void anInterruptedWaiterKeepsItsInterruptStatusAndTheComputationGoesOnForTheOthers() throws Exception {
    KeyedCache<Object> keyed = keyed("interrupts");
    CountDownLatch computing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    Function<Integer, Object> slow = keyed.function("slow", null, (Integer x) -> {
      calls.incrementAndGet();
      computing.countDown();
      await(release);
      return x + 1;
    });
    AtomicReference<Object> ownerResult = new AtomicReference<>();
    Thread owner = new Thread(() -> ownerResult.set(slow.apply(1)));
    owner.start();
    computing.await();
    AtomicReference<Object> waiterResult = new AtomicReference<>();
    AtomicBoolean interruptKept = new AtomicBoolean();
    Thread waiter = new Thread(() -> {
      waiterResult.set(slow.apply(1));
      interruptKept.set(Thread.currentThread().isInterrupted());
    });
    AtomicReference<Object> otherResult = new AtomicReference<>();
    Thread other = new Thread(() -> otherResult.set(slow.apply(1)));
    waiter.start();
    other.start();
    waitUntil(() -> waiter.getState() == Thread.State.WAITING && other.getState() == Thread.State.WAITING);
    waiter.interrupt();
    release.countDown();
    owner.join();
    waiter.join();
    other.join();
    assertThat(ownerResult.get()).isEqualTo(2);
    assertThat(waiterResult.get()).isEqualTo(2);
    assertThat(otherResult.get()).isEqualTo(2);
    assertThat(interruptKept).isTrue();
    assertThat(calls).hasValue(1);
    assertThat(keyed.get(KeyedCache.functionKey("slow").child(1))).isEqualTo(2);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached in 10 s");
      }
      Thread.sleep(1);
    }
  }
}
