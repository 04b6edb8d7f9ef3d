package io.keyedcache;

/**
 * A snapshot of a {@link KeyedCache}'s own counters (separate from the JCache statistics of the cache beneath).
 *
 * @param calls reads through the keyed API: {@code get}, {@code find} and cached-function calls
 * @param hits calls that found a value (stale hits included)
 * @param misses calls that found none
 * @param computations cached-function computations that ran in this JVM, refreshes included
 * @param refreshes background recomputations of a refreshing cached function that stored a new result
 * @param staleHits calls of a cached function that got a result past its lifetime, within its {@code staleFor}
 * @param failedRefreshes background recomputations that threw (the current result was kept)
 */
public record KeyedStatistics(long calls, long hits, long misses, long computations, long refreshes, long staleHits,
    long failedRefreshes) {

  /** Counters of a keyed cache without refreshing functions. */
  public KeyedStatistics(long calls, long hits, long misses, long computations) {
    this(calls, hits, misses, computations, 0, 0, 0);
  }

  /** Hits divided by calls; 0 when there were no calls. */
  public double hitRatio() {
    return calls == 0 ? 0.0 : (double) hits / calls;
  }
}
