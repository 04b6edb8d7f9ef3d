package io.keyedcache;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A cached function with options, from {@link KeyedCache#function(String)}:
 *
 * <pre>{@code
 * Function<Integer, Price> price = keyed.function("price")
 *     .ttl(Duration.ofMinutes(5))            // each result lives 5 minutes
 *     .refreshAfter(Duration.ofMinutes(4))   // the first call after 4 recomputes it in the background
 *     .staleFor(Duration.ofSeconds(30))      // past 5, the old result still answers for 30 s while one recomputes
 *     .of(this::slowPrice);
 * }</pre>
 *
 * <p><b>Refresh ahead.</b> The first call after a result's refresh point ({@code refreshAfter} after it was stored)
 * returns it at once and starts one recomputation in the background: one per key in this JVM, and on the shared tier
 * one across all JVMs (the flight lease of the key's computation; a JVM that finds it taken leaves the refresh to the
 * JVM that holds it). Every caller keeps getting the current result until the new one is stored. A recomputation that
 * throws keeps the current result (until its lifetime ends), is counted ({@link KeyedStatistics#failedRefreshes()})
 * and logged, and is tried again by a call after a back-off of a quarter of {@code ttl - refreshAfter}. A group
 * deletion or {@code deleteFunction} while it runs keeps its result from being stored.
 *
 * <p><b>A stale result while one recomputes.</b> With {@code staleFor}, a result past its lifetime still answers for
 * that long ({@link KeyedStatistics#staleHits()}) while the recomputation runs, instead of every caller waiting for
 * it; the entry is kept {@code ttl + staleFor} in the cache. Without it, a call after the lifetime computes and waits,
 * as a plain cached function does.
 *
 * <p><b>Asynchronous functions.</b> {@link #ofAsync(Function)} caches a function that returns a
 * {@link CompletionStage}, with the same options and single flight, and without a thread blocked per waiter:
 *
 * <pre>{@code
 * Function<Integer, CompletableFuture<Price>> price = keyed.function("price")
 *     .ttl(Duration.ofMinutes(5)).refreshAfter(Duration.ofMinutes(4))
 *     .ofAsync(id -> client.fetchPrice(id));  // a CompletionStage<Price>
 * }</pre>
 *
 * <p>The other rules of {@link KeyedCache#function(String, Duration, Function)} hold: one computation per key however
 * many callers, {@code null} results returned and not stored, a function that needs its own result fails fast. A
 * builder is not thread-safe; the functions it makes are.
 *
 * @param <V> the cache's value type
 */
public final class CachedFunctionBuilder<V> {
  private final AbstractKeyedCache<V> cache;
  private final String name;
  private Duration ttl;
  private Duration refreshAfter;
  private Duration staleFor;

  CachedFunctionBuilder(AbstractKeyedCache<V> cache, String name) {
    this.cache = cache;
    this.name = requireNonNull(name, "name must not be null");
  }

  /** How long each result lives; without it, the cache's own expiry (then refresh and stale options are refused). */
  public CachedFunctionBuilder<V> ttl(Duration ttl) {
    this.ttl = positive(ttl, "ttl");
    return this;
  }

  /** When, after a result was stored, the next call recomputes it in the background; less than {@link #ttl}. */
  public CachedFunctionBuilder<V> refreshAfter(Duration refreshAfter) {
    this.refreshAfter = positive(refreshAfter, "refreshAfter");
    return this;
  }

  /** How long past its lifetime a result still answers while one recomputation runs. */
  public CachedFunctionBuilder<V> staleFor(Duration staleFor) {
    this.staleFor = positive(staleFor, "staleFor");
    return this;
  }

  /** {@code fn} cached under {@code ("func", name, argument)}. */
  public <A, R extends V> Function<A, R> of(Function<? super A, ? extends R> fn) {
    requireNonNull(fn, "fn must not be null");
    CacheKey group = KeyedCache.functionKey(name);
    Refresh refresh = refresh();
    return argument -> cache.cached(group.child(argument), refresh, () -> fn.apply(argument));
  }

  /** {@code fn} cached under {@code ("func", name, a, b)}. */
  public <A, B, R extends V> BiFunction<A, B, R> of(BiFunction<? super A, ? super B, ? extends R> fn) {
    requireNonNull(fn, "fn must not be null");
    CacheKey group = KeyedCache.functionKey(name);
    Refresh refresh = refresh();
    return (a, b) -> cache.cached(group.child(a, b), refresh, () -> fn.apply(a, b));
  }

  /** {@code fn} cached under {@code ("func", name)}. */
  public <R extends V> Supplier<R> of(Supplier<? extends R> fn) {
    requireNonNull(fn, "fn must not be null");
    CacheKey key = KeyedCache.functionKey(name);
    Refresh refresh = refresh();
    return () -> cache.cached(key, refresh, fn);
  }

  /**
   * An asynchronous {@code fn} cached under {@code ("func", name, argument)}: the future a call returns completes with
   * the cached result at once on a hit, else when the one computation of the key (in this JVM and, on the shared tier,
   * across all JVMs) completes. No thread waits meanwhile: the waiters are futures, completed when the result lands
   * (in another JVM: on the lease holder's wake-up message, or when a look every 250 ms finds it). The calling thread
   * does at most one read of the cache (a near-cache hit, or one round trip bounded by the tier's {@code timeout}).
   * A stage that fails completes every waiter's future with its exception; nothing is stored. A {@code fn} that calls
   * itself with the same argument while it makes its stage gets a failed future; one whose stage waits for its own
   * result never completes, as a synchronous one would never return. A background refresh waits for the stage on a
   * thread of the cache's executor. On the shared tier a flight's reads and writes of the server run on the cache's
   * executor ({@code executor} setting, default the common pool), not on the thread that completes the stage or
   * delivers the server's messages; so give a cache whose functions are asynchronous an executor that runs tasks on
   * threads of its own, never a direct one ({@code Runnable::run}).
   */
  public <A, R extends V> Function<A, CompletableFuture<R>> ofAsync(
      Function<? super A, ? extends CompletionStage<? extends R>> fn) {
    requireNonNull(fn, "fn must not be null");
    CacheKey group = KeyedCache.functionKey(name);
    Refresh refresh = refresh();
    return argument -> cache.cachedAsync(group.child(argument), refresh, () -> fn.apply(argument));
  }

  /** An asynchronous {@code fn} cached under {@code ("func", name, a, b)}; see {@link #ofAsync(Function)}. */
  public <A, B, R extends V> BiFunction<A, B, CompletableFuture<R>> ofAsync(
      BiFunction<? super A, ? super B, ? extends CompletionStage<? extends R>> fn) {
    requireNonNull(fn, "fn must not be null");
    CacheKey group = KeyedCache.functionKey(name);
    Refresh refresh = refresh();
    return (a, b) -> cache.cachedAsync(group.child(a, b), refresh, () -> fn.apply(a, b));
  }

  /** An asynchronous {@code fn} cached under {@code ("func", name)}; see {@link #ofAsync(Function)}. */
  public <R extends V> Supplier<CompletableFuture<R>> ofAsync(Supplier<? extends CompletionStage<? extends R>> fn) {
    requireNonNull(fn, "fn must not be null");
    CacheKey key = KeyedCache.functionKey(name);
    Refresh refresh = refresh();
    return () -> cache.cachedAsync(key, refresh, fn);
  }

  private Refresh refresh() {
    if (ttl == null && (refreshAfter != null || staleFor != null)) {
      throw new IllegalStateException("The cached function '" + name + "' has refreshAfter or staleFor but no ttl:"
          + " give it a ttl, since a refresh point is measured against a result's own lifetime");
    }
    if (refreshAfter != null && refreshAfter.compareTo(ttl) >= 0) {
      throw new IllegalStateException("The cached function '" + name + "' has refreshAfter " + refreshAfter
          + ", not less than its ttl " + ttl + ": a result would expire before it is refreshed");
    }
    return new Refresh(ttl, refreshAfter, staleFor);
  }

  private static Duration positive(Duration duration, String what) {
    requireNonNull(duration, what + " must not be null");
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive, not " + duration);
    }
    return duration;
  }

  /** The options of one cached function; {@code ttl} null: the cache's own expiry and no refresh. */
  record Refresh(Duration ttl, Duration refreshAfter, Duration staleFor) {
    /** How long an entry is kept: its lifetime and the stale period. */
    Duration lifetime() {
      return ttl == null ? null : staleFor == null ? ttl : ttl.plus(staleFor);
    }

    boolean refreshes() {
      return refreshAfter != null || staleFor != null;
    }
  }
}
