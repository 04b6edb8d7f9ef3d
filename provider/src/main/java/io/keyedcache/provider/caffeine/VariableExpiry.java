package io.keyedcache.provider.caffeine;

import com.github.benmanes.caffeine.cache.Expiry;
import io.keyedcache.provider.store.Step;
import io.keyedcache.provider.store.StoreOwner;

/**
 * The bridge between the lifetimes that steps decide and Caffeine's variable expiry.
 *
 * <p>Caffeine calls an {@link Expiry} from inside its own atomic operations, on the calling thread, without
 * knowing which operation is under way (a {@code putIfAbsent} on a present entry and an entry processor that only
 * reads both look like an update to it). So the store takes the lifetime from the step, inside its remapping
 * function, and leaves it here for the callback that follows on the same thread. A lifetime left for nobody is
 * cleared in a {@code finally} by the caller. No wrapper object per entry is needed: Caffeine keeps the
 * expiration time in its own node.
 *
 * <p>Reads are different: a plain read must ask for its access lifetime only when the entry is present, so the
 * reader leaves {@link #ACCESS} instead of a number, and the read callback asks the owner then.
 */
final class VariableExpiry implements Expiry<Object, Object> {
  private static final long NONE = Long.MIN_VALUE;
  private static final long ACCESS = Long.MIN_VALUE + 1;

  // One slot per thread; a long[] so that setting it allocates nothing.
  private static final ThreadLocal<long[]> PENDING = ThreadLocal.withInitial(() -> new long[] {NONE});

  private final StoreOwner<?, ?> owner;

  VariableExpiry(StoreOwner<?, ?> owner) {
    this.owner = owner;
  }

  /** Leaves the lifetime (nanoseconds, {@link Step#ETERNAL} or {@link Step#UNCHANGED}) for the next write. */
  static void next(long nanos) {
    PENDING.get()[0] = nanos;
  }

  /** Asks the next read callback on this thread to ask for the access lifetime. */
  static void nextIsAccess() {
    PENDING.get()[0] = ACCESS;
  }

  /** Forgets whatever was left and not taken. */
  static void clear() {
    PENDING.get()[0] = NONE;
  }

  private static long take() {
    long[] slot = PENDING.get();
    long value = slot[0];
    slot[0] = NONE;
    return value;
  }

  @Override
  public long expireAfterCreate(Object key, Object value, long currentTime) {
    long pending = take();
    if (pending == NONE || pending == ACCESS) {
      return owner.lifetimeAtCreation();
    }
    return pending == Step.UNCHANGED ? Step.ETERNAL : pending;
  }

  @Override
  public long expireAfterUpdate(Object key, Object value, long currentTime, long currentDuration) {
    long pending = take();
    return (pending < 0) ? currentDuration : pending;
  }

  @Override
  public long expireAfterRead(Object key, Object value, long currentTime, long currentDuration) {
    long pending = take();
    if (pending == ACCESS) {
      long access = owner.lifetimeAfterRead();
      return access == Step.UNCHANGED ? currentDuration : access;
    }
    return (pending < 0) ? currentDuration : pending;
  }
}
