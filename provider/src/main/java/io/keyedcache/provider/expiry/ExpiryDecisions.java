package io.keyedcache.provider.expiry;

import static java.util.Objects.requireNonNull;

import io.keyedcache.provider.store.Step;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;

/**
 * Asks a JCache {@link ExpiryPolicy} for an entry's lifetime the way the specification wants it asked: once per
 * operation, with the answer in nanoseconds and with any exception from the policy swallowed.
 *
 * <p>The three answers use two sentinels: {@link #ETERNAL} (never expires) and {@link #UNCHANGED} (keep the
 * entry's current lifetime, the meaning of a {@code null} duration). Zero means "expired now".
 */
public final class ExpiryDecisions {
  /** The entry never expires. */
  public static final long ETERNAL = Step.ETERNAL;
  /** The entry keeps the lifetime it has. */
  public static final long UNCHANGED = Step.UNCHANGED;

  private final ExpiryPolicy policy;
  private final boolean eternal;
  private final boolean fixed;

  public ExpiryDecisions(ExpiryPolicy policy) {
    this.policy = requireNonNull(policy, "expiry policy");
    // Only the spec's own class is known to answer ETERNAL every time; a custom policy is asked each time.
    this.eternal = policy.getClass() == EternalExpiryPolicy.class;
    Class<?> type = policy.getClass();
    this.fixed = eternal || type == CreatedExpiryPolicy.class || type == AccessedExpiryPolicy.class
        || type == ModifiedExpiryPolicy.class || type == TouchedExpiryPolicy.class;
  }

  /**
   * Whether the policy is one of the five of {@code javax.cache.expiry}, whose answers are the same for every entry
   * and whose calls nobody counts: its lifetimes may be asked in advance, whether or not an operation needs them.
   * A subclass, or any other policy, is asked only when the specification says.
   */
  public boolean isFixed() {
    return fixed;
  }

  /** Whether entries never expire, so that no lifetime needs to be asked for or tracked. */
  public boolean isEternal() {
    return eternal;
  }

  public ExpiryPolicy policy() {
    return policy;
  }

  /** The lifetime of a new entry; {@link #ETERNAL} when the policy fails, as the reference implementation does. */
  public long forCreation() {
    if (eternal) {
      return ETERNAL;
    }
    try {
      Duration duration = policy.getExpiryForCreation();
      return duration == null ? ETERNAL : toNanos(duration);
    } catch (RuntimeException e) {
      return ETERNAL;
    }
  }

  /** The lifetime after an update, or {@link #UNCHANGED}. */
  public long forUpdate() {
    if (eternal) {
      return UNCHANGED;
    }
    try {
      Duration duration = policy.getExpiryForUpdate();
      return duration == null ? UNCHANGED : toNanos(duration);
    } catch (RuntimeException e) {
      return UNCHANGED;
    }
  }

  /** The lifetime after a read, or {@link #UNCHANGED}. */
  public long forAccess() {
    if (eternal) {
      return UNCHANGED;
    }
    try {
      Duration duration = policy.getExpiryForAccess();
      return duration == null ? UNCHANGED : toNanos(duration);
    } catch (RuntimeException e) {
      return UNCHANGED;
    }
  }

  /** Converts a JCache duration, saturating at {@link #ETERNAL}. */
  public static long toNanos(Duration duration) {
    if (duration.isEternal()) {
      return ETERNAL;
    }
    long nanos = duration.getTimeUnit().toNanos(duration.getDurationAmount());
    return nanos == Long.MAX_VALUE ? ETERNAL : nanos;
  }
}
