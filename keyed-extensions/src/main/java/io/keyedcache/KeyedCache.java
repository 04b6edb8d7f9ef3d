package io.keyedcache;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.Cache;

/**
 * The keyed-cache idioms of django-keyedcache over a JCache {@link Cache}: composite {@link CacheKey}s, a checked
 * {@link NotCachedException} on a miss, per-entry lifetimes, group deletion and cached functions.
 *
 * <pre>{@code
 * KeyedCache<Object> keyed = cache.unwrap(KeyedCache.class);     // keyedcache's provider: native
 * KeyedCache<Object> keyed = KeyedCache.of(anyJCache);             // any provider
 *
 * keyed.put(CacheKey.of("product", 123), product);
 * try {
 *   Product p = (Product) keyed.get("product", 123);
 * } catch (NotCachedException e) {
 *   // e.key() is product::123
 * }
 * Function<Integer, Price> price = keyed.function("price", Duration.ofMinutes(5), this::slowPrice);
 * keyed.deleteGroup("product", 123);                                // product::123 and product::123::...
 * }</pre>
 *
 * <p>Every operation goes through the cache beneath, so its listeners, statistics, loader and writer see the
 * equivalent JCache operations. All methods are thread-safe; keys and values must not be {@code null}
 * ({@link NullPointerException}); a closed cache beneath gives {@link IllegalStateException}.
 *
 * @param <V> the value type
 */
public interface KeyedCache<V> {

  /**
   * A keyed view of {@code cache}: the provider's native one when it has one ({@code cache.unwrap(KeyedCache.class)}),
   * otherwise the portable one ({@link #portable}).
   */
  @SuppressWarnings("unchecked")
  static <V> KeyedCache<V> of(Cache<? super CacheKey, V> cache) {
    try {
      return cache.unwrap(KeyedCache.class);
    } catch (IllegalArgumentException e) {
      return portable(cache);
    }
  }

  /**
   * A keyed view of a cache of any JCache provider, using only the JCache API. Two operations take the slow way
   * JCache leaves: {@link #deleteGroup} iterates over the whole cache to find the children, and a per-entry
   * lifetime is kept in an envelope around the value (so the cache's value type must be {@code Object}, and plain
   * JCache readers see the envelope). The view's statistics and switch belong to this view object.
   */
  static <V> KeyedCache<V> portable(Cache<? super CacheKey, V> cache) {
    return portable(cache, java.time.Clock.systemUTC());
  }

  /** As {@link #portable(Cache)}, with the clock that decides when a per-entry lifetime has passed. */
  static <V> KeyedCache<V> portable(Cache<? super CacheKey, V> cache, java.time.Clock clock) {
    return new PortableKeyedCache<>(cache, clock);
  }

  // ------------------------------------------------------------------------------------------ reading

  /**
   * The value of {@code key}.
   *
   * @throws NotCachedException if the key has no value, or this keyed cache is switched off
   */
  V get(CacheKey key) throws NotCachedException;

  /** {@link #get(CacheKey)} of {@code CacheKey.of(parts)}. */
  default V get(Object... parts) throws NotCachedException {
    return get(CacheKey.of(parts));
  }

  /** The value of {@code key}, or {@code defaultValue} (which may be null) when it has none. */
  V get(CacheKey key, V defaultValue);

  /** The value of {@code key}, if it has one. */
  Optional<V> find(CacheKey key);

  /** {@link #find(CacheKey)} of {@code CacheKey.of(parts)}. */
  default Optional<V> find(Object... parts) {
    return find(CacheKey.of(parts));
  }

  /** Whether {@code key} has a value now. Not counted as a call in {@link #statistics()}. */
  boolean isCached(CacheKey key);

  /** {@link #isCached(CacheKey)} of {@code CacheKey.of(parts)}. */
  default boolean isCached(Object... parts) {
    return isCached(CacheKey.of(parts));
  }

  // ------------------------------------------------------------------------------------------ writing

  /** Stores {@code value} under {@code key} with the cache's own expiry. Does nothing while switched off. */
  void put(CacheKey key, V value);

  /**
   * Stores {@code value} under {@code key} for {@code timeToLive}, whatever the cache's expiry policy says.
   *
   * @throws IllegalArgumentException if {@code timeToLive} is zero or negative
   * @throws IllegalStateException if the cache beneath cannot give single entries their own lifetime: only a
   *     portable view over a cache whose value type is not {@code Object} (every keyed cache of keyedcache's own
   *     provider can)
   */
  void put(CacheKey key, V value, Duration timeToLive);

  /** Removes {@code key} only; returns whether it had a value. */
  boolean delete(CacheKey key);

  /** {@link #delete(CacheKey)} of {@code CacheKey.of(parts)}. */
  default boolean delete(Object... parts) {
    return delete(CacheKey.of(parts));
  }

  /**
   * Removes {@code key} and every child of it ({@link CacheKey#isParentOf}); every such entry present when the
   * call starts is gone when it returns. Listeners of the cache see a REMOVED event for each.
   *
   * @return the keys that were removed
   */
  List<CacheKey> deleteGroup(CacheKey key);

  /** {@link #deleteGroup(CacheKey)} of {@code CacheKey.of(parts)}. */
  default List<CacheKey> deleteGroup(Object... parts) {
    return deleteGroup(CacheKey.of(parts));
  }

  /** Removes every entry of the cache beneath, as {@link Cache#clear()}. */
  void clear();

  // ------------------------------------------------------------------------------------------ cached functions

  /**
   * {@code fn} with its results cached under {@code CacheKey.of("func", name, argument)} for {@code timeToLive}
   * ({@code null}: the cache's own expiry).
   *
   * <p>One computation per key however many threads ask at once: the others wait for its result. A computation
   * that throws stores nothing, every waiter gets its exception, and the next call computes again. A function
   * that needs its own result (it calls itself for the same key, directly or through other cached functions on
   * other threads) gets an {@link IllegalStateException} instead of a deadlock. A
   * {@code null} result is returned and not cached. Computations run outside every lock of the cache.
   *
   * <p>The returned function has {@code fn}'s result type, so that on a {@code KeyedCache<Object>}
   * {@code Function<Integer, String> f = keyed.function("f", ttl, (Integer x) -> "r" + x)} needs no cast. The
   * results found in the cache are taken to be of that type: a value of another type that something else stored
   * under the function's keys reaches the caller as a {@link ClassCastException}.
   *
   * @param <A> the argument type
   * @param <R> the result type
   */
  <A, R extends V> Function<A, R> function(String name, Duration timeToLive, Function<? super A, ? extends R> fn);

  /** As {@link #function(String, Duration, Function)}, keyed {@code ("func", name, a, b)}. */
  <A, B, R extends V> BiFunction<A, B, R> function(String name, Duration timeToLive,
      BiFunction<? super A, ? super B, ? extends R> fn);

  /** As {@link #function(String, Duration, Function)}, keyed {@code ("func", name)}. */
  <R extends V> Supplier<R> function(String name, Duration timeToLive, Supplier<? extends R> fn);

  /** As {@link #function(String, Duration, Function)}, keyed {@code ("func", name, args...)}. */
  <R extends V> VarargsFunction<R> varargsFunction(String name, Duration timeToLive, VarargsFunction<? extends R> fn);

  /**
   * A cached function with options (its results' lifetime, refresh ahead of it, a stale result while one
   * recomputes), synchronous or asynchronous: {@code keyed.function("price").ttl(Duration.ofMinutes(5))
   * .refreshAfter(Duration.ofMinutes(4)).of(this::slowPrice)}, or {@code .ofAsync(client::fetchPrice)} for a function
   * that returns a {@code CompletionStage}. See {@link CachedFunctionBuilder}.
   */
  CachedFunctionBuilder<V> function(String name);

  /** Removes every cached result of the function {@code name}; returns their keys. */
  default List<CacheKey> deleteFunction(String name) {
    return deleteGroup(functionKey(name));
  }

  /** The key under which the results of function {@code name} are grouped: {@code func::name}. */
  static CacheKey functionKey(String name) {
    return CacheKey.of("func", java.util.Objects.requireNonNull(name, "name"));
  }

  // ------------------------------------------------------------------------------------------ statistics, switch

  /** A snapshot of this keyed cache's counters. */
  KeyedStatistics statistics();

  /**
   * Switches the keyed cache on or off. Off, nothing is stored, every {@code get} throws
   * {@link NotCachedException} and cached functions compute on every call, as django-keyedcache's
   * {@code cache_enable(False)}. Deletions still work.
   */
  void setEnabled(boolean enabled);

  /** Whether the keyed cache is on (the default). */
  boolean isEnabled();
}
