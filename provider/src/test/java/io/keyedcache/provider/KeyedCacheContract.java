package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.keyedcache.CacheKey;
import io.keyedcache.CachedObject;
import io.keyedcache.KeyedCache;
import io.keyedcache.KeyedStatistics;
import io.keyedcache.NotCachedException;
import io.keyedcache.VarargsFunction;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link KeyedCache} shares, run over the native view of our provider and the portable view
 * over our provider and over the JSR-107 reference implementation.
 */
abstract class KeyedCacheContract {
  static final CacheKey PRODUCT = CacheKey.of("product", 123);

  protected Cache<Object, Object> cache;
  protected KeyedCache<Object> keyed;

  /** Creates {@link #cache} and {@link #keyed}. */
  abstract void create();

  /** Closes what {@link #create()} opened. */
  abstract void destroy();

  /** Moves the time that decides per-entry lifetimes. */
  abstract void advance(Duration duration);

  @BeforeEach
  void setUp() {
    create();
  }

  @AfterEach
  void tearDown() {
    destroy();
  }

  /** A clock the test moves by hand, for the portable view's per-entry lifetimes. */
  static final class FakeClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }
  }

  // ------------------------------------------------------------------------------------------ reading, writing

  @Test
  void putThenGetInEveryForm() throws Exception {
    keyed.put(PRODUCT, "apple");
    assertThat(keyed.get(PRODUCT)).isEqualTo("apple");
    assertThat(keyed.get("product", 123)).isEqualTo("apple");
    assertThat(keyed.get(PRODUCT, "default")).isEqualTo("apple");
    assertThat(keyed.find(PRODUCT)).contains("apple");
    assertThat(keyed.find("product", 123)).contains("apple");
    assertThat(keyed.isCached(PRODUCT)).isTrue();
    assertThat(keyed.isCached("product", 123)).isTrue();
    assertThat(cache.get(PRODUCT)).as("the JCache beneath sees the entry").isEqualTo("apple");
  }

  @Test
  void aMissThrowsNotCachedExceptionCarryingTheKey() {
    NotCachedException e = (NotCachedException) catchThrowable(() -> keyed.get("product", 999));
    assertThat(e).isNotNull();
    assertThat(e.key()).isEqualTo(CacheKey.of("product", 999));
    assertThat(e).hasMessageContaining("product::999");
    assertThat(keyed.get(CacheKey.of("product", 999), "default")).isEqualTo("default");
    assertThat(keyed.find(CacheKey.of("product", 999))).isEmpty();
    assertThat(keyed.isCached(CacheKey.of("product", 999))).isFalse();
  }

  @Test
  void nullsAreRefused() {
    assertThatThrownBy(() -> keyed.put(PRODUCT, null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("value");
    assertThatThrownBy(() -> keyed.get((CacheKey) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> keyed.put(PRODUCT, "v", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeToLive");
    assertThat(keyed.isCached(PRODUCT)).isFalse();
  }

  @Test
  void anEntryWithItsOwnLifetimeExpiresAloneAfterIt() throws Exception {
    keyed.put(PRODUCT, "short", Duration.ofSeconds(10));
    keyed.put(CacheKey.of("product", 456), "long");
    advance(Duration.ofSeconds(9));
    assertThat(keyed.get(PRODUCT)).isEqualTo("short");
    advance(Duration.ofSeconds(2));
    assertThat(keyed.find(PRODUCT)).isEmpty();
    assertThat(keyed.isCached(PRODUCT)).isFalse();
    assertThat(keyed.get("product", 456)).isEqualTo("long");
  }

  @Test
  void deleteRemovesOneKeyOnly() {
    keyed.put(PRODUCT, "p");
    keyed.put(PRODUCT.child("reviews"), "r");
    assertThat(keyed.delete(PRODUCT)).isTrue();
    assertThat(keyed.delete(PRODUCT)).isFalse();
    assertThat(keyed.isCached(PRODUCT.child("reviews"))).isTrue();
  }

  @Test
  void deleteGroupRemovesTheKeyAndItsChildrenOnly() {
    keyed.put(PRODUCT, "p");
    keyed.put(PRODUCT.child("reviews"), "r");
    keyed.put(PRODUCT.child("reviews", 1), "r1");
    keyed.put(PRODUCT.child("price"), "9.99");
    keyed.put(CacheKey.of("product", 1234), "other product");
    keyed.put(CacheKey.of("product", "123"), "string id");
    keyed.put(CacheKey.of("product"), "the parent");
    cache.put("plain string key", "untouched");

    List<CacheKey> removed = keyed.deleteGroup("product", 123);

    assertThat(removed).containsExactlyInAnyOrder(PRODUCT, PRODUCT.child("reviews"),
        PRODUCT.child("reviews", 1), PRODUCT.child("price"));
    assertThat(keyed.isCached(PRODUCT.child("reviews", 1))).isFalse();
    assertThat(keyed.isCached(CacheKey.of("product", 1234))).isTrue();
    assertThat(keyed.isCached(CacheKey.of("product", "123"))).isTrue();
    assertThat(keyed.isCached(CacheKey.of("product"))).isTrue();
    assertThat(cache.get("plain string key")).isEqualTo("untouched");
    assertThat(keyed.deleteGroup(PRODUCT)).isEmpty();
  }

  /** Records the keys of REMOVED events. */
  static final class RemovedKeys implements CacheEntryRemovedListener<Object, Object>, Serializable {
    final List<Object> keys = new CopyOnWriteArrayList<>();

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<?, ?>> events) {
      for (CacheEntryEvent<?, ?> event : events) {
        keys.add(event.getKey());
      }
    }
  }

  @Test
  void listenersOfTheCacheSeeARemovedEventPerDeletedChild() {
    RemovedKeys listener = new RemovedKeys();
    cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<Object, Object>(
        FactoryBuilder.factoryOf(listener), null, true, true));
    keyed.put(PRODUCT, "p");
    keyed.put(PRODUCT.child("a"), "a");
    keyed.put(PRODUCT.child("b"), "b");

    keyed.deleteGroup(PRODUCT);

    assertThat(listener.keys).containsExactlyInAnyOrder(PRODUCT, PRODUCT.child("a"), PRODUCT.child("b"));
  }

  @Test
  void groupDeletionUnderConcurrentPutsOfOtherKeysLosesNone() throws Exception {
    int others = 2_000;
    CountDownLatch started = new CountDownLatch(1);
    Thread writer = new Thread(() -> {
      started.countDown();
      for (int i = 0; i < others; i++) {
        keyed.put(CacheKey.of("other", i), i);
      }
    });
    writer.start();
    started.await();
    int rounds = 0;
    while (writer.isAlive() || rounds < 3) {
      for (int i = 0; i < 20; i++) {
        keyed.put(CacheKey.of("target", rounds, i), i);
      }
      List<CacheKey> removed = keyed.deleteGroup("target", rounds);
      assertThat(removed).hasSize(20);
      rounds++;
    }
    writer.join();
    for (int i = 0; i < others; i++) {
      assertThat(keyed.find(CacheKey.of("other", i))).as("other::%d", i).contains(i);
    }
    assertThat(keyed.deleteGroup("target")).isEmpty();
  }

  @Test
  void clearRemovesEverything() {
    keyed.put(PRODUCT, "p");
    keyed.put(PRODUCT.child("x"), "x");
    keyed.clear();
    assertThat(keyed.isCached(PRODUCT)).isFalse();
    assertThat(keyed.deleteGroup(PRODUCT)).isEmpty();
  }

  // ------------------------------------------------------------------------------------------ cached functions

  @Test
  void everyShapeOfFunctionIsCachedByItsArguments() {
    AtomicInteger runs = new AtomicInteger();
    Function<Integer, Object> square = keyed.function("square", null, x -> {
      runs.incrementAndGet();
      return x * x;
    });
    BiFunction<Integer, Integer, Object> add = keyed.function("add", null, (a, b) -> {
      runs.incrementAndGet();
      return a + b;
    });
    Supplier<Object> answer = keyed.function("answer", null, () -> {
      runs.incrementAndGet();
      return 42;
    });
    VarargsFunction<Object> join = keyed.varargsFunction("join", null, args -> {
      runs.incrementAndGet();
      return String.valueOf(args.length) + List.of(args);
    });

    for (int i = 0; i < 3; i++) {
      assertThat(square.apply(7)).isEqualTo(49);
      assertThat(add.apply(2, 3)).isEqualTo(5);
      assertThat(answer.get()).isEqualTo(42);
      assertThat(join.apply("a", 1, true)).isEqualTo("3[a, 1, true]");
    }
    assertThat(runs).hasValue(4);
    assertThat(square.apply(8)).isEqualTo(64);
    assertThat(runs).hasValue(5);
    assertThat(keyed.isCached("func", "square", 7)).isTrue();
    assertThat(keyed.isCached("func", "add", 2, 3)).isTrue();
    assertThat(keyed.isCached("func", "answer")).isTrue();
    assertThat(keyed.isCached("func", "join", "a", 1, true)).isTrue();
  }

  @Test
  void cachedFunctionsKeepTheirCallersTypesWithoutACast() {
    Function<Integer, String> name = keyed.function("name", Duration.ofMinutes(1), (Integer x) -> "r" + x);
    BiFunction<Integer, Integer, Integer> sum = keyed.function("sum", Duration.ofMinutes(1), (Integer a, Integer b) -> a + b);
    Supplier<Long> big = keyed.function("big", Duration.ofMinutes(1), () -> 1L << 40);
    VarargsFunction<String> count = keyed.varargsFunction("count", Duration.ofMinutes(1), args -> "n" + args.length);
    for (int i = 0; i < 2; i++) {
      String r = name.apply(3);
      Integer s = sum.apply(2, 3);
      Long b = big.get();
      String c = count.apply("a", "b");
      assertThat(r).isEqualTo("r3");
      assertThat(s).isEqualTo(5);
      assertThat(b).isEqualTo(1L << 40);
      assertThat(c).isEqualTo("n2");
    }
    assertThat(keyed.find("func", "name", 3)).contains("r3");
    assertThat(keyed.statistics().computations()).isEqualTo(4);
  }

  @Test
  void deleteFunctionRemovesAllItsResultsAndNothingElse() {
    AtomicInteger runs = new AtomicInteger();
    Function<Integer, Object> slow = keyed.function("slow", Duration.ofMinutes(5), x -> {
      runs.incrementAndGet();
      return x + 1;
    });
    Function<Integer, Object> other = keyed.function("slower", null, x -> x + 2);
    slow.apply(1);
    slow.apply(2);
    other.apply(1);

    assertThat(keyed.deleteFunction("slow")).containsExactlyInAnyOrder(
        CacheKey.of("func", "slow", 1), CacheKey.of("func", "slow", 2));
    assertThat(keyed.isCached("func", "slower", 1)).isTrue();
    slow.apply(1);
    assertThat(runs).hasValue(3);
  }

  @Test
  void aFunctionResultCanHaveItsOwnLifetime() {
    AtomicInteger runs = new AtomicInteger();
    Function<String, Object> f = keyed.function("ttl", Duration.ofSeconds(30), x -> runs.incrementAndGet());
    f.apply("x");
    advance(Duration.ofSeconds(29));
    f.apply("x");
    assertThat(runs).hasValue(1);
    advance(Duration.ofSeconds(2));
    f.apply("x");
    assertThat(runs).hasValue(2);
  }

  @Test
  void manyThreadsOnOneKeyShareOneComputation() throws Exception {
    int threads = 64;
    AtomicInteger runs = new AtomicInteger();
    Function<String, Object> slow = keyed.function("single-flight", null, x -> {
      runs.incrementAndGet();
      sleep(300); // long enough for all callers to arrive while it runs
      return "result of " + x;
    });
    List<Object> results = runConcurrently(threads, () -> slow.apply("k"));

    assertThat(runs).hasValue(1);
    assertThat(results).hasSize(threads).containsOnly("result of k");
    assertThat(keyed.statistics().computations()).isEqualTo(1);
  }

  @Test
  void aFailingComputationReachesEveryWaiterAndStoresNothing() throws Exception {
    int threads = 64;
    AtomicInteger runs = new AtomicInteger();
    Function<String, Object> failing = keyed.function("failing", null, x -> {
      runs.incrementAndGet();
      sleep(300);
      throw new IllegalStateException("backend down");
    });
    List<Object> outcomes = runConcurrently(threads, () -> {
      try {
        return failing.apply("k");
      } catch (IllegalStateException e) {
        return e.getMessage();
      }
    });

    assertThat(outcomes).hasSize(threads).containsOnly("backend down");
    assertThat(keyed.isCached("func", "failing", "k")).isFalse();
    int before = runs.get();
    assertThatThrownBy(() -> failing.apply("k")).hasMessage("backend down");
    assertThat(runs).as("the next call computes again").hasValue(before + 1);
  }

  @Test
  void aFunctionCallingItselfForTheSameKeyFailsFast() {
    AtomicReference<Function<Integer, Object>> self = new AtomicReference<>();
    self.set(keyed.function("recursive", null, x -> self.get().apply(x)));
    assertThatThrownBy(() -> self.get().apply(1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("func::recursive::1");
    assertThat(keyed.isCached("func", "recursive", 1)).isFalse();
  }

  @Test
  void functionsWaitingForEachOtherOnTwoThreadsFailInsteadOfDeadlocking() throws Exception {
    CountDownLatch bothComputing = new CountDownLatch(2);
    AtomicReference<Function<Integer, Object>> price = new AtomicReference<>();
    AtomicReference<Function<Integer, Object>> stock = new AtomicReference<>();
    price.set(keyed.function("price", null, (Integer x) -> {
      bothComputing.countDown();
      awaitQuietly(bothComputing);
      return "price needs " + stock.get().apply(x);
    }));
    stock.set(keyed.function("stock", null, (Integer x) -> {
      bothComputing.countDown();
      awaitQuietly(bothComputing);
      return "stock needs " + price.get().apply(x);
    }));
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Thread first = daemon(() -> price.get().apply(1), failures);
    Thread second = daemon(() -> stock.get().apply(1), failures);
    first.join(10_000);
    second.join(10_000);
    assertThat(first.isAlive() || second.isAlive()).as("deadlocked").isFalse();
    assertThat(failures).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs its own result"));
    assertThat(keyed.isCached("func", "price", 1)).isFalse();
    assertThat(keyed.isCached("func", "stock", 1)).isFalse();
  }

  private static Thread daemon(Runnable call, List<Throwable> failures) {
    Thread thread = new Thread(() -> {
      try {
        call.run();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    });
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aFunctionMayCallItselfForOtherKeys() {
    AtomicReference<Function<Integer, Object>> fib = new AtomicReference<>();
    fib.set(keyed.function("fib", null, n -> n < 2 ? (long) n
        : (Long) fib.get().apply(n - 1) + (Long) fib.get().apply(n - 2)));
    assertThat(fib.get().apply(50)).isEqualTo(12_586_269_025L);
  }

  // ------------------------------------------------------------------------------------------ statistics, switch

  @Test
  void statisticsCountCallsHitsMissesAndComputations() {
    keyed.put(PRODUCT, "p");
    keyed.find(PRODUCT);
    keyed.find(CacheKey.of("nope"));
    keyed.get(CacheKey.of("nope"), null);
    Function<Integer, Object> f = keyed.function("stats", null, x -> x);
    f.apply(1);
    f.apply(1);

    KeyedStatistics stats = keyed.statistics();
    assertThat(stats.calls()).isEqualTo(5);
    assertThat(stats.hits()).isEqualTo(2);
    assertThat(stats.misses()).isEqualTo(3);
    assertThat(stats.computations()).isEqualTo(1);
    assertThat(stats.hitRatio()).isEqualTo(0.4);
  }

  @Test
  void switchedOffNothingIsStoredAndEveryGetMisses() {
    keyed.put(PRODUCT, "before");
    keyed.setEnabled(false);
    assertThat(keyed.isEnabled()).isFalse();
    assertThatThrownBy(() -> keyed.get(PRODUCT)).isInstanceOf(NotCachedException.class);
    keyed.put(CacheKey.of("new"), "v");
    assertThat(cache.containsKey(CacheKey.of("new"))).isFalse();
    AtomicInteger runs = new AtomicInteger();
    Supplier<Object> f = keyed.function("off", null, runs::incrementAndGet);
    f.get();
    f.get();
    assertThat(runs).hasValue(2);

    keyed.setEnabled(true);
    assertThat(keyed.find(PRODUCT)).contains("before");
  }

  // ------------------------------------------------------------------------------------------ cached objects

  /** A domain object that caches itself. */
  static final class Product implements CachedObject<Product>, Serializable {
    static final ThreadLocal<KeyedCache<Object>> CACHE = new ThreadLocal<>();
    final long id;
    final String name;

    Product(long id, String name) {
      this.id = id;
      this.name = name;
    }

    @Override
    public Object cacheIdentity() {
      return id;
    }

    @Override
    public KeyedCache<? super Product> keyedCache() {
      return CACHE.get();
    }
  }

  @Test
  void cachedObjectsKeepThemselves() throws Exception {
    Product.CACHE.set(keyed);
    try {
      Product apple = new Product(7, "apple");
      assertThat(apple.cacheKey()).isEqualTo(CacheKey.of(Product.class.getName(), 7L));
      assertThat(apple.isCached()).isFalse();
      assertThatThrownBy(apple::cacheGet).isInstanceOf(NotCachedException.class);

      apple.cacheSet();
      apple.cacheSet("detail");
      assertThat(apple.isCached()).isTrue();
      assertThat(new Product(7, "another instance").cacheGet().name).isEqualTo("apple");
      assertThat(apple.cacheGet("detail").name).isEqualTo("apple");

      assertThat(apple.cacheDelete()).containsExactlyInAnyOrder(apple.cacheKey(), apple.cacheKey("detail"));
      assertThat(apple.isCached("detail")).isFalse();

      apple.cacheSet("detail");
      apple.cacheReset();
      assertThat(apple.isCached()).isTrue();
      assertThat(apple.isCached("detail")).isFalse();
    } finally {
      Product.CACHE.remove();
    }
  }

  // ------------------------------------------------------------------------------------------ helpers

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static List<Object> runConcurrently(int threads, Supplier<Object> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Object>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          return task.get();
        }));
      }
      ready.await();
      go.countDown();
      List<Object> results = new ArrayList<>();
      for (Future<Object> future : futures) {
        results.add(future.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  static Set<Object> keysOf(Cache<Object, Object> cache) {
    Set<Object> keys = new java.util.HashSet<>();
    for (Cache.Entry<Object, Object> entry : cache) {
      keys.add(entry.getKey());
    }
    return keys;
  }
}
