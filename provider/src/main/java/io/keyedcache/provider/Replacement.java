package io.keyedcache.provider;

import io.keyedcache.provider.store.Plan;
import io.keyedcache.provider.store.Step;

/**
 * Replaces or removes a present value, if it equals the expected one: {@code replace} (both), {@code
 * getAndReplace} and {@code remove(key, value)}. A present value that differs counts as an access.
 */
final class Replacement<K, V> extends Change<K, V> {
  enum Outcome { ABSENT, DIFFERENT, DONE }

  private final V expected;
  private final V newValue;
  private final V storedValue;
  private Outcome outcome;

  /**
   * @param expected the value the entry must have, or {@code null} for any
   * @param newValue the new value, or {@code null} to remove the entry
   * @param storedValue {@code newValue} as it is stored
   */
  Replacement(KeyedJCache<K, V> cache, K key, V expected, V newValue, V storedValue) {
    super(cache, key);
    this.expected = expected;
    this.newValue = newValue;
    this.storedValue = storedValue;
  }

  /**
   * Replaces the value of {@code key} with {@code newValue}, or removes the entry when {@code newValue} is null, if
   * its present value equals {@code expected}, and counts it; a present value that differs counts as an access.
   */
  static <K, V> boolean replaceIfEquals(KeyedJCache<K, V> cache, K key, V expected, V newValue) {
    boolean stats = cache.statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    Outcome outcome = cache.apply(new Replacement<>(cache, key, expected, newValue, cache.copier.copy(newValue)))
        .outcome();
    if (stats) {
      cache.statistics.recordLookup(outcome != Outcome.ABSENT);
      if (outcome == Outcome.DONE && newValue == null) {
        cache.statistics.recordRemovalsSince(1, start);
      } else if (outcome == Outcome.DONE) {
        cache.statistics.recordPutsSince(1, start);
      }
    }
    return outcome == Outcome.DONE;
  }

  /** Replaces a present value, and counts it; the value it replaced, or {@code null} when the key was absent. */
  static <K, V> V replaceExisting(KeyedJCache<K, V> cache, K key, V value) {
    boolean stats = cache.statisticsEnabled;
    long start = stats ? System.nanoTime() : 0L;
    V old = cache.apply(new Replacement<>(cache, key, null, value, cache.copier.copy(value))).previous();
    if (stats) {
      cache.statistics.recordLookup(old != null);
      if (old != null) {
        cache.statistics.recordPutsSince(1, start);
      }
    }
    return old;
  }

  @Override
  public V decide(V present) {
    this.present = present;
    if (present == null) {
      outcome = Outcome.ABSENT;
      return null;
    }
    if (expected != null && !present.equals(expected)) {
      outcome = Outcome.DIFFERENT;
      lifetime = cache.expiry.forAccess();
      return present;
    }
    outcome = Outcome.DONE;
    if (newValue == null) {
      return null;
    }
    lifetime = cache.expiry.forUpdate();
    return storedValue;
  }

  @Override
  public void commit() {
    if (outcome != Outcome.DONE) {
      return;
    }
    if (newValue == null) {
      if (cache.writer != null) {
        cache.writer.delete(key);
      }
      if (batch != null) {
        batch.removed(key, present);
      }
    } else {
      if (cache.writer != null) {
        cache.writer.write(new CacheEntry<>(key, newValue));
      }
      if (batch != null) {
        batch.updated(key, newValue, present);
      }
    }
  }

  @Override
  public Plan<V> plan() {
    if (!plannable(cache.writer != null)) {
      return null;
    }
    return new Plan<>(newValue == null ? Plan.Kind.REMOVE : Plan.Kind.REPLACE, storedValue, expected,
        Step.ETERNAL, cache.expiry.forUpdate(), expected == null ? UNCHANGED : cache.expiry.forAccess());
  }

  Outcome outcome() {
    return outcome;
  }

  /** The value that was replaced or removed, or {@code null}. */
  V previous() {
    return outcome == Outcome.DONE ? present : null;
  }
}
