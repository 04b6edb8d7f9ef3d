package io.keyedcache.provider.store;

/**
 * One atomic change to one entry, as the JCache layer decides it from the entry's present value. A {@link Store}
 * applies it in three calls:
 * <ol>
 *   <li>{@link #decide}: what becomes of the entry. A store that locks the entry calls it once; a store that
 *       retries a compare-and-set calls it again with the newer value when another writer came first. So it has
 *       no effect outside the step: it only remembers what it decided (the last call counts).
 *   <li>{@link #lifetime()}: how long the value {@code decide} returned lives.
 *   <li>{@link #commit()}: once, for the decision that is applied, before any other step on the same key can see
 *       it. This is where the layer calls the cache writer and records its events, so they happen once per
 *       operation and in the order of the entry's changes. If it throws, nothing is applied. A store whose atomic
 *       step is not a lock must still run no other step of the key between this call and the apply (a lease on
 *       the key, for example) when the step has something to commit.
 * </ol>
 * Nothing here may depend on holding a lock of the JVM across the store's call.
 *
 * @param <V> the value type, as stored
 */
public interface Step<V> {
  /** A lifetime: the entry never expires. */
  long ETERNAL = Long.MAX_VALUE;
  /** A lifetime: the entry keeps the one it has (a present entry), or never expires (a new one). */
  long UNCHANGED = -1L;

  /**
   * Decides the entry's next value.
   *
   * @param present the present value, or {@code null} if the key has none (or its value has expired)
   * @return {@code present} itself to keep the entry as it is (its lifetime may still change), another value to
   *     store, or {@code null} for no entry
   */
  V decide(V present);

  /**
   * The lifetime of what {@link #decide} returned last: nanoseconds (zero: expired at once), {@link #ETERNAL} or
   * {@link #UNCHANGED}. Not asked when {@code decide} returned {@code null}.
   */
  long lifetime();

  /** Called once, for the decision the store applies, before it is visible; a throw cancels the step. */
  default void commit() {}

  /**
   * This step's decision as data, for a store that applies it in one command of its own, or {@code null} when the
   * decision needs {@link #decide} inside the atomic step (see {@link Plan}). Asked once, before the step is applied;
   * {@code null} by default.
   */
  default Plan<V> plan() {
    return null;
  }
}
