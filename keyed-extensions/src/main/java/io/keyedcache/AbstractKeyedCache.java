package io.keyedcache;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    return remove(requireNonNull(key, "key must not be null"));
  }

  @Override
  public final List<CacheKey> deleteGroup(CacheKey key) {
    fenceGroup(requireNonNull(key, "key must not be null"));
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
  @SuppressWarnings("unchecked")
  private <R extends V> R computeIfAbsent(CacheKey key, Duration timeToLive, Supplier<? extends R> compute) {
    calls.increment();
    if (!enabled) {
      misses.increment();
      computations.increment();
      return compute.get();
    }
    V cached = lookup(key);
    if (cached != null) {
      hits.increment();
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
    return new KeyedStatistics(calls.sum(), hits.sum(), misses.sum(), computations.sum());
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
