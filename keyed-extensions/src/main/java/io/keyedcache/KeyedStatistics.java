package io.keyedcache;

/**
 * A snapshot of a {@link KeyedCache}'s own counters (separate from the JCache statistics of the cache beneath).
 *
 * @param calls reads through the keyed API: {@code get}, {@code find} and cached-function calls
 * @param hits calls that found a value
 * @param misses calls that found none
 * @param computations cached-function computations that ran
 */
public record KeyedStatistics(long calls, long hits, long misses, long computations) {

  /** Hits divided by calls; 0 when there were no calls. */
  public double hitRatio() {
    return calls == 0 ? 0.0 : (double) hits / calls;
  }
}
