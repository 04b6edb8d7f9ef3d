package io.keyedcache;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
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
