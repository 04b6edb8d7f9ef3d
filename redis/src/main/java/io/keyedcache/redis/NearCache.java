package io.keyedcache.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.keyedcache.CacheKey;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The near cache of one cache on the shared tier: decoded values of this JVM's recent reads, in Caffeine, evicted
 * when the server says their key changed ({@link Tracking}). It serves only while tracking is armed.
 *
 * <p>The populate race (a read that fetched the old value while the invalidation of a newer one was already being
 * handled) is closed by counters: every invalidation bumps its key's stripe (or the epoch, for all keys) before it
 * evicts, and a read records both before its {@code GET} and stores what it fetched only if neither moved, checked
 * inside the entry's compute, so that an eviction comes either before the check (nothing stored) or after the store
 * (which it evicts).
 */
final class NearCache<K, V> {
  private static final int STRIPES = 64;

  /**
   * A value kept near with its deadline and its stored size; a small value without a deadline is kept as itself, so
   * that its hit reads one less.
   */
  record Timed(Object value, long deadline, int bytes) {}

  private final Tracking tracking;
  private final boolean strict;
  private final Envelope envelope;
  private final Cache<K, Object> entries;
  /** The largest stored size of a value kept near. */
  private final long largestValue;
  /** What every entry weighs at least: an even share of the weight, so that no more than the most entries fit. */
  private final long least;
  private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
  private final AtomicLong epoch = new AtomicLong();
  private final TierCounters counters;

  /**
   * @param maximumSize the most entries kept
   * @param maximumWeight the most bytes kept, each value counted by its stored size
   * @param largestValue the largest stored size of a value that is kept near at all
   */
  NearCache(Tracking tracking, Envelope envelope, long maximumSize, long maximumWeight, long largestValue,
      TierCounters counters) {
    this.tracking = tracking;
    this.counters = counters;
    this.strict = tracking.strict();
    this.envelope = envelope;
    this.largestValue = largestValue;
    this.least = Math.max(1, maximumWeight / Math.max(1, maximumSize));
    // One bound for both: an entry weighs its bytes but never less than an even share, so that at most maximumSize
    // entries and maximumWeight bytes fit. No expiry of Caffeine's: the last bound on a near entry's life is
    // Tracking's periodic clear, which costs a hit nothing (an expiring cache reads a clock on every hit).
    long share = least;
    this.entries = Caffeine.newBuilder().maximumWeight(maximumWeight)
        .<K, Object>weigher((key, near) -> (int) Math.min(Integer.MAX_VALUE,
            near instanceof Timed ? Math.max(share, ((Timed) near).bytes()) : share))
        .evictionListener((key, near, cause) -> {
          if (cause.wasEvicted()) {
            counters.nearEvictions.increment();
          }
        })
        .build();
  }

  /**
   * The near entry of {@code key} (its value, or a {@link Timed} for a value with a deadline), or null: none, or
   * tracking is not armed (then nothing near is trusted).
   */
  Object hit(K key) {
    Object near = look(key);
    (near != null ? counters.nearHits : counters.nearMisses).increment();
    return near;
  }

  /** As {@link #hit}, not counted: for a look at an entry's deadline that follows a read of its value. */
  Object look(K key) {
    Object near = entries.getIfPresent(key);
    return near != null && tracking.armed() && (!strict || (near = strictHit(key)) != null) ? near : null;
  }

  /** A hit whose deadline had passed: counted as the miss it turned out to be. */
  void lapsed() {
    counters.nearHits.decrement();
    counters.nearMisses.increment();
  }

  private Object strictHit(K key) {
    // every write acknowledged before this read began has had its invalidation handled once the barrier returns
    return tracking.barrier() ? entries.getIfPresent(key) : null;
  }

  /** What a read records before its GET, to hand to {@link #populate}. */
  long stamp(K key) {
    return stripes.get(stripe(key));
  }

  long epoch() {
    return epoch.get();
  }

  /**
   * Keeps what a read fetched ({@code bytes} stored), unless an invalidation of the key (or of all) was handled since
   * its stamp, or it is larger than a value kept near may be.
   */
  void populate(K key, V value, long deadline, int bytes, long epochBefore, long stampBefore) {
    if (bytes > largestValue) {
      return;
    }
    Object near = deadline == Envelope.NO_DEADLINE && bytes <= least ? value : new Timed(value, deadline, bytes);
    int stripe = stripe(key);
    entries.asMap().compute(key, (k, old) -> tracking.armed() && epoch.get() == epochBefore
        && stripes.get(stripe) == stampBefore ? near : old);
  }

  /** The value of a hit. */
  @SuppressWarnings("unchecked")
  static <V> V value(Object hit) {
    return (V) (hit instanceof Timed ? ((Timed) hit).value() : hit);
  }

  /** The server or this JVM changed {@code key}. */
  void invalidate(K key) {
    stripes.incrementAndGet(stripe(key));
    entries.invalidate(key);
  }

  /** Every near entry goes: tracking was lost or re-armed, the cache was cleared, or a key could not be read. */
  void clear() {
    epoch.incrementAndGet();
    entries.invalidateAll();
  }

  long size() {
    entries.cleanUp();
    return entries.estimatedSize();
  }

  /**
   * An invalidation of the entry named {@code name} from {@code from} (the part after {@code v:}), on the push
   * connection's thread. A name that does not read back as a key evicts all, which is always safe.
   */
  void invalidateNamed(byte[] name, int from) {
    K key = keyOf(name, from);
    if (key == null) {
      clear();
    } else {
      invalidate(key);
    }
  }

  @SuppressWarnings("unchecked")
  private K keyOf(byte[] name, int from) {
    if (from >= name.length) {
      return null;
    }
    String text = new String(name, from + 1, name.length - from - 1, StandardCharsets.UTF_8);
    try {
      switch (name[from]) {
        case 's':
          return (K) text;
        case 'i':
          return (K) Integer.valueOf(text);
        case 'l':
          return (K) Long.valueOf(text);
        case 'k':
          return (K) CacheKey.parse(text);
        case 'j':
          return (K) envelope.decodeKeyName(text);
        default:
          return null;
      }
    } catch (RuntimeException | Envelope.Undecodable e) {
      return null;
    }
  }

  /**
   * Whether an invalidation of {@code key}'s name would read back to {@code key}: only such keys are kept near, so
   * that every invalidation evicts exactly its entry. (A {@link CacheKey} with parts that have no readable form does
   * not; its reads go to the server.)
   */
  static boolean nameable(Object key) {
    if (key instanceof String || key instanceof Integer || key instanceof Long) {
      return true;
    }
    if (key instanceof CacheKey) {
      try {
        return CacheKey.parse(key.toString()).equals(key);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return true; // named by its serialization, which decodes back to an equal key
  }

  private static int stripe(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
