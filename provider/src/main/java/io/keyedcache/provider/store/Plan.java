package io.keyedcache.provider.store;

import static java.util.Objects.requireNonNull;

/**
 * A {@link Step}'s decision written out as data, for a store that applies it in one command of its own (a script on
 * a server) instead of calling {@link Step#decide} inside its atomic step, which would cost it a lock and a round
 * trip more. The layer gives a plan only where the decision depends on nothing but the entry's present value and
 * figures known in advance: the expiry policy is one whose lifetimes are the same for every entry (or the step has a
 * lifetime of its own), and the step calls no writer.
 *
 * <p>What the store must do, from the entry's present value (none, or past its deadline, counts as absent):
 * <ul>
 *   <li>{@link Kind#PUT}: a present entry gets {@link #value()} for {@link #update()}; an absent one is created with
 *       it for {@link #creation()}, unless that is zero.
 *   <li>{@link Kind#PUT_IF_ABSENT}: as {@code PUT} for an absent entry; a present one stays as it is.
 *   <li>{@link Kind#REPLACE}: a present entry whose value equals {@link #expected()} (any, when that is {@code null})
 *       gets {@link #value()} for {@link #update()}; a present one that differs gets {@link #access()}; an absent one
 *       stays absent.
 *   <li>{@link Kind#REMOVE}: a present entry whose value equals {@link #expected()} (any, when {@code null}) is
 *       removed; a present one that differs gets {@link #access()}.
 * </ul>
 * A lifetime of zero removes the entry (and the store reports the value as expired, as after any step). Then,
 * still before any other change of the key is seen in this process, the store calls {@link Step#decide} with the
 * value the entry had (so that the step records what it decided, the same decision) and {@link Step#commit()}.
 * A store that cannot apply a plan exactly (say, it cannot compare the expected value) applies the step instead.
 *
 * @param kind what the step does
 * @param value the new value, as stored; {@code null} for {@link Kind#REMOVE}
 * @param expected the value a present entry must equal, or {@code null} for any
 * @param creation a new entry's lifetime, in nanoseconds or {@link Step#ETERNAL}
 * @param update an updated entry's lifetime, or {@link Step#UNCHANGED}
 * @param access the lifetime of an entry that a conditional step found different, or {@link Step#UNCHANGED}
 * @param <V> the value type, as stored
 */
public record Plan<V>(Kind kind, V value, V expected, long creation, long update, long access) {

  /** What a planned step does; see {@link Plan}. */
  public enum Kind { PUT, PUT_IF_ABSENT, REPLACE, REMOVE }

  public Plan {
    requireNonNull(kind, "kind");
    if ((value == null) != (kind == Kind.REMOVE)) {
      throw new IllegalArgumentException("A plan to " + kind + " takes " + (kind == Kind.REMOVE ? "no" : "a")
          + " value");
    }
  }
}
