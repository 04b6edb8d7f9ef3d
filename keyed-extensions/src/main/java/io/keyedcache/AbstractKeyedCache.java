package io.keyedcache;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The part of a {@link KeyedCache} that does not depend on the store: statistics, the switch and cached functions
 * with single flight. A store supplies six primitives; {@code deleteGroup} removes the members of
 * {@link #group} one by one, so that each removal is a JCache removal with its event. Public so that a provider can give a native keyed cache;
 * applications use {@link KeyedCache}.
 *
 * @param <V> the value type
 */
public abstract class AbstractKeyedCache<V> implements KeyedCache<V> {
  private final LongAdder calls = new LongAdder();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder computations = new LongAdder();
  private final SingleFlight<CacheKey, V> flights = new SingleFlight<>();
  /** The asynchronous functions' computations under way in this JVM, one per key. */
  private final ConcurrentHashMap<CacheKey, CompletableFuture<V>> asyncFlights = new ConcurrentHashMap<>();
  /** The keys whose asynchronous function this thread is calling (to return its stage): a call for one fails fast. */
  private static final ThreadLocal<Set<CacheKey>> STARTING = ThreadLocal.withInitial(HashSet::new);
  private final Refreshes<V> refreshes = new Refreshes<>(this);
  private volatile boolean enabled = true;

  protected AbstractKeyedCache() {}

  /** The value of {@code key}, or {@code null}; a read of the cache beneath. */
  protected abstract V lookup(CacheKey key);

  /** Stores a value; {@code timeToLive} is {@code null} for the cache's own expiry, positive otherwise. */
  protected abstract void store(CacheKey key, V value, Duration timeToLive);

  /** Removes one key; returns whether it had a value. */
  protected abstract boolean remove(CacheKey key);

  /** The keys of {@code key}'s group (the key and its children) present now. */
  protected abstract List<CacheKey> group(CacheKey key);

  /** Removes everything. */
  protected abstract void removeAll();

  /** Whether the key has a value, without counting as a read where the store allows. */
  protected abstract boolean contains(CacheKey key);

  /**
   * Called first by {@link #deleteGroup}: a store shared by several processes fences the group off here, so that a
   * computation that began before the deletion cannot store into it afterwards. Nothing by default.
   */
  protected void fenceGroup(CacheKey key) {}

  /**
   * How long {@code key}'s entry has left to live, in nanoseconds; {@code Long.MAX_VALUE} when it has no lifetime of its
   * own or the store cannot tell (then refreshing functions do not refresh), negative when it has no entry. Not a
   * read. The default cannot tell.
   */
  protected long remainingNanos(CacheKey key) {
    return Long.MAX_VALUE;
  }

  /** Where refreshing functions recompute in the background. */
  protected java.util.concurrent.Executor refreshExecutor() {
    return java.util.concurrent.ForkJoinPool.commonPool();
  }

  /**
   * A refreshing function's background recomputation of {@code key}: if {@code due} still holds, {@code compute}, and
   * a result that is not {@code null} to {@code put}. A store shared by several processes does it in one of them at
   * most (the one that takes the key's computation lease without waiting; the others return at once), checks
   * {@code due} under that lease, and keeps a group deletion that overtakes it from being undone by its put.
   *
   * @throws RuntimeException what {@code compute} threw
   */
  protected void refreshOnce(CacheKey key, java.util.function.BooleanSupplier due, Supplier<? extends V> compute,
      java.util.function.Consumer<? super V> put) {
    if (due.getAsBoolean()) {
      V value = compute.get();
      if (value != null) {
        put.accept(value);
      }
    }
  }

  /** Whether {@link #computeAndStore} elects one process of several to compute; false: this process computes. */
  protected boolean sharesComputations() {
    return false;
  }

  /**
   * Computes a cached function's value for {@code key} and stores it, once across every process that shares the
   * store; called only when {@link #sharesComputations()}, by one thread per key and process at a time (the single
   * flight of this process). The default computes here and stores a value that is not {@code null}; a store shared
   * by several processes elects one of them, and the others return the value it stored.
   *
   * @return the value for the caller, {@code null} if the computation gave none
   */
  protected V computeAndStore(CacheKey key, Duration timeToLive, Supplier<? extends V> compute) {
    V value = compute.get();
    if (value != null) {
      store(key, value, timeToLive);
    }
    return value;
  }

  /**
   * An asynchronous cached function's value for {@code key}, computed and stored once across every process that
   * shares the store, without blocking a thread while it waits; called only when {@link #sharesComputations()}, by
   * one flight per key and process at a time. The default starts {@code compute} here and stores a result that is not
   * {@code null} when it completes.
   *
   * @return completes with the value for the caller, {@code null} if the computation gave none
   */
  protected CompletableFuture<V> computeAndStoreAsync(CacheKey key, Duration timeToLive,
      Supplier<? extends CompletionStage<? extends V>> compute) {
    return compute.get().toCompletableFuture().thenApply(value -> {
      if (value != null) {
        store(key, value, timeToLive);
      }
      return (V) value;
    });
  }

  // ------------------------------------------------------------------------------------------ reading

  @Override
  public final V get(CacheKey key) throws NotCachedException {
    V value = read(key);
    if (value == null) {
      throw new NotCachedException(key);
    }
    return value;
  }

  @Override
  public final V get(CacheKey key, V defaultValue) {
    V value = read(key);
    return value == null ? defaultValue : value;
  }

  @Override
  public final Optional<V> find(CacheKey key) {
    return Optional.ofNullable(read(key));
  }

  private V read(CacheKey key) {
    requireNonNull(key, "key must not be null");
    calls.increment();
    V value = enabled ? lookup(key) : null;
    (value == null ? misses : hits).increment();
    return value;
  }

  @Override
  public final boolean isCached(CacheKey key) {
    requireNonNull(key, "key must not be null");
    return enabled && contains(key);
  }

  // ------------------------------------------------------------------------------------------ writing

  @Override
  public final void put(CacheKey key, V value) {
    requireNonNull(key, "key must not be null");
    requireNonNull(value, "value must not be null");
    if (enabled) {
      store(key, value, null);
    }
  }

  @Override
  public final void put(CacheKey key, V value, Duration timeToLive) {
    requireNonNull(key, "key must not be null");
    requireNonNull(value, "value must not be null");
    requirePositive(timeToLive);
    if (enabled) {
      store(key, value, timeToLive);
    }
  }

  private static void requirePositive(Duration timeToLive) {
    requireNonNull(timeToLive, "timeToLive must not be null");
    if (timeToLive.isZero() || timeToLive.isNegative()) {
      throw new IllegalArgumentException("timeToLive must be positive: " + timeToLive);
    }
  }

  @Override
  public final boolean delete(CacheKey key) {
    requireNonNull(key, "key must not be null");
    refreshes.deleting();
    return remove(key);
  }

  @Override
  public final List<CacheKey> deleteGroup(CacheKey key) {
    fenceGroup(requireNonNull(key, "key must not be null"));
    refreshes.deleting();
    return removeEach(group(key));
  }

  /**
   * Removes each of {@code keys} as {@link #remove} does (each removal with its event and writer call); returns those
   * that had a value, in order. The default removes them one by one; a store may send them in batches.
   */
  protected List<CacheKey> removeEach(List<CacheKey> keys) {
    List<CacheKey> removed = new ArrayList<>(keys.size());
    for (CacheKey member : keys) {
      if (remove(member)) {
        removed.add(member);
      }
    }
    return removed;
  }

  @Override
  public final void clear() {
    refreshes.deleting();
    removeAll();
  }

  // ------------------------------------------------------------------------------------------ cached functions

  @Override
  public final <A, R extends V> Function<A, R> function(String name, Duration timeToLive,
      Function<? super A, ? extends R> fn) {
    CacheKey group = functionGroup(name, timeToLive, fn);
    return argument -> computeIfAbsent(group.child(argument), timeToLive, () -> fn.apply(argument));
  }

  @Override
  public final <A, B, R extends V> BiFunction<A, B, R> function(String name, Duration timeToLive,
      BiFunction<? super A, ? super B, ? extends R> fn) {
    CacheKey group = functionGroup(name, timeToLive, fn);
    return (a, b) -> computeIfAbsent(group.child(a, b), timeToLive, () -> fn.apply(a, b));
  }

  @Override
  public final <R extends V> Supplier<R> function(String name, Duration timeToLive, Supplier<? extends R> fn) {
    CacheKey group = functionGroup(name, timeToLive, fn);
    return () -> computeIfAbsent(group, timeToLive, fn);
  }

  @Override
  public final <R extends V> VarargsFunction<R> varargsFunction(String name, Duration timeToLive,
      VarargsFunction<? extends R> fn) {
    CacheKey group = functionGroup(name, timeToLive, fn);
    return args -> {
      Object[] copy = args.clone();
      CacheKey key = copy.length == 0 ? group : group.child(copy);
      return computeIfAbsent(key, timeToLive, () -> fn.apply(copy));
    };
  }

  @Override
  public final CachedFunctionBuilder<V> function(String name) {
    return new CachedFunctionBuilder<>(this, name);
  }

  /**
   * A call of a cached function with options: a plain one without refresh options; with them, a hit that is due
   * starts a background refresh, and a stale one answers within its staleFor.
   */
  final <R extends V> R cached(CacheKey key, CachedFunctionBuilder.Refresh refresh, Supplier<? extends R> compute) {
    return computeIfAbsent(key, refresh.lifetime(), compute, refresh.refreshes() ? refresh : null);
  }

  /**
   * A call of an asynchronous cached function ({@link CachedFunctionBuilder#ofAsync}): a hit completes at once (and may
   * start a refresh); a miss joins the key's flight in this JVM, or starts it.
   */
  @SuppressWarnings("unchecked")
  final <R extends V> CompletableFuture<R> cachedAsync(CacheKey key, CachedFunctionBuilder.Refresh refresh,
      Supplier<? extends CompletionStage<? extends R>> compute) {
    calls.increment();
    if (!enabled) {
      misses.increment();
      computations.increment();
      return (CompletableFuture<R>) started(key, compute).toCompletableFuture().thenApply(value -> value);
    }
    V cached = lookup(key);
    if (cached != null) {
      hits.increment();
      if (refresh.refreshes()) {
        refreshes.hit(key, refresh, () -> joined(compute));
      }
      return CompletableFuture.completedFuture((R) cached);
    }
    misses.increment();
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> running = asyncFlights.putIfAbsent(key, mine);
    if (running != null) {
      // a copy, so that a caller that cancels or completes its future leaves the others' alone
      return STARTING.get().contains(key) ? CompletableFuture.failedFuture(recursion(key))
          : (CompletableFuture<R>) running.copy();
    }
    fly(key, refresh.lifetime(), compute, mine);
    return (CompletableFuture<R>) mine.copy();
  }

  private void fly(CacheKey key, Duration timeToLive, Supplier<? extends CompletionStage<? extends V>> compute,
      CompletableFuture<V> mine) {
    CompletableFuture<V> flight;
    try {
      // stored between the caller's miss and its flight? (a shared store's flight looks first itself, off this thread)
      V stored = sharesComputations() ? null : lookup(key);
      if (stored != null) {
        flight = CompletableFuture.completedFuture(stored);
      } else if (sharesComputations()) {
        flight = computeAndStoreAsync(key, timeToLive, () -> {
          computations.increment();
          return started(key, compute);
        });
      } else {
        computations.increment();
        long fence = refreshes.fence();
        flight = started(key, compute).toCompletableFuture().thenApply(value -> {
          if (value != null) {
            refreshes.storeUnlessFenced(key, value, timeToLive, fence); // a deletion meanwhile stands
          }
          return (V) value;
        });
      }
    } catch (RuntimeException | Error e) {
      flight = CompletableFuture.failedFuture(e);
    }
    flight.whenComplete((value, error) -> {
      asyncFlights.remove(key, mine);
      if (error == null) {
        mine.complete(value);
      } else {
        mine.completeExceptionally(error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error);
      }
    });
  }

  /** The stage {@code compute} returns, with this thread marked as starting {@code key}'s computation meanwhile. */
  private static <T> CompletionStage<? extends T> started(CacheKey key,
      Supplier<? extends CompletionStage<? extends T>> compute) {
    Set<CacheKey> starting = STARTING.get();
    boolean added = starting.add(key);
    try {
      return requireNonNull(compute.get(), () -> "The asynchronous cached function under " + key
          + " returned null instead of a CompletionStage");
    } finally {
      if (added) {
        starting.remove(key);
      }
    }
  }

  /** For a background refresh of an asynchronous function: its result, waited for on the refreshing thread. */
  private static <T> T joined(Supplier<? extends CompletionStage<? extends T>> compute) {
    return SingleFlight.joined(compute.get().toCompletableFuture());
  }

  /** {@code compute}'s value, counted as a computation. */
  final V computation(Supplier<? extends V> compute) {
    computations.increment();
    return compute.get();
  }

  private static CacheKey functionGroup(String name, Duration timeToLive, Object fn) {
    requireNonNull(fn, "fn must not be null");
    if (timeToLive != null) {
      requirePositive(timeToLive);
    }
    return KeyedCache.functionKey(name);
  }

  /**
   * The cached value of {@code key}, or the value {@code compute} gives, computed once however many threads ask.
   * Computations run outside the in-flight map's locks: the map only holds a future per key. The value found is
   * taken to be of the function's result type (see {@link KeyedCache#function(String, Duration, Function)}).
   */
  private <R extends V> R computeIfAbsent(CacheKey key, Duration timeToLive, Supplier<? extends R> compute) {
    return computeIfAbsent(key, timeToLive, compute, null);
  }

  /** As above; with {@code refresh}, a hit may start a background refresh ({@link Refreshes}). */
  @SuppressWarnings("unchecked")
  private <R extends V> R computeIfAbsent(CacheKey key, Duration timeToLive, Supplier<? extends R> compute,
      CachedFunctionBuilder.Refresh refresh) {
    calls.increment();
    if (!enabled) {
      misses.increment();
      computations.increment();
      return compute.get();
    }
    V cached = lookup(key);
    if (cached != null) {
      hits.increment();
      if (refresh != null) {
        refreshes.hit(key, refresh, compute);
      }
      return (R) cached;
    }
    misses.increment();
    Supplier<R> counted = () -> {
      computations.increment();
      return compute.get();
    };
    if (sharesComputations()) {
      // the elected process stores; here the single flight only keeps this process's threads to one call
      return (R) flights.computeAndStore(key, () -> lookup(key), () -> computeAndStore(key, timeToLive, counted),
          value -> { }, this::recursion);
    }
    return (R) flights.computeAndStore(key, () -> lookup(key), counted, value -> store(key, value, timeToLive),
        this::recursion);
  }

  private RuntimeException recursion(CacheKey k) {
    return new IllegalStateException("The cached function under " + k
        + " needs its own result while computing it: it calls itself with the same arguments, directly or through "
        + "other cached functions that other threads are computing");
  }

  // ------------------------------------------------------------------------------------------ statistics, switch

  @Override
  public final KeyedStatistics statistics() {
    return new KeyedStatistics(calls.sum(), hits.sum(), misses.sum(), computations.sum(), refreshes.refreshes.sum(),
        refreshes.staleHits.sum(), refreshes.failed.sum());
  }

  @Override
  public final void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  @Override
  public final boolean isEnabled() {
    return enabled;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + statistics() + (enabled ? "" : " (off)");
  }
}
