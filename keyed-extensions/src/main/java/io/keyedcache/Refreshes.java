package io.keyedcache;

import io.keyedcache.CachedFunctionBuilder.Refresh;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The background recomputations of one keyed cache's refreshing functions ({@link CachedFunctionBuilder}): which
 * are due, one at a time per key in this JVM, their back-off after a failure, and the fence that keeps a deletion
 * made while one runs from being undone by its result.
 */
final class Refreshes<V> {
  private static final System.Logger LOG = System.getLogger(Refreshes.class.getName());
  private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final long LEAST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final AbstractKeyedCache<V> cache;
  final LongAdder refreshes = new LongAdder();
  final LongAdder staleHits = new LongAdder();
  final LongAdder failed = new LongAdder();
  private final Set<CacheKey> running = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<CacheKey, Long> retryAfter = new ConcurrentHashMap<>();
  /** Bumped by every deletion: a refresh that began before one does not keep its result. */
  private final AtomicLong deletions = new AtomicLong();
  private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

  Refreshes(AbstractKeyedCache<V> cache) {
    this.cache = cache;
  }

  /** A deletion begins. */
  void deleting() {
    deletions.incrementAndGet();
  }

  /** The deletions so far, for {@link #storeUnlessFenced}. */
  long fence() {
    return deletions.get();
  }

  /**
   * Stores a result computed since {@code fence} was taken unless a deletion overtook it (then the deletion stands);
   * returns whether it stored.
   */
  boolean storeUnlessFenced(CacheKey key, V value, Duration lifetime, long fence) {
    if (deletions.get() != fence) {
      return false;
    }
    cache.store(key, value, lifetime);
    if (deletions.get() != fence) {
      cache.remove(key); // one came between the check and the store: it must not be undone
      return false;
    }
    return true;
  }

  /**
   * After a hit of {@code key}: starts its refresh when it is due; returns whether the result is stale (past its
   * ttl, within its staleFor).
   */
  boolean hit(CacheKey key, Refresh refresh, Supplier<? extends V> compute) {
    long remaining = cache.remainingNanos(key);
    if (remaining < 0 || remaining == Long.MAX_VALUE) {
      return false; // gone meanwhile, or a lifetime this cache cannot tell
    }
    long age = nanos(refresh.lifetime()) - remaining;
    boolean stale = refresh.staleFor() != null && age >= nanos(refresh.ttl());
    if (stale || age >= refreshPoint(refresh)) {
      start(key, refresh, compute);
    }
    if (stale) {
      staleHits.increment();
    }
    return stale;
  }

  private static long refreshPoint(Refresh refresh) {
    return nanos(refresh.refreshAfter() != null ? refresh.refreshAfter() : refresh.ttl());
  }

  private void start(CacheKey key, Refresh refresh, Supplier<? extends V> compute) {
    Long retry = retryAfter.get(key);
    if (retry != null && System.nanoTime() - retry < 0) {
      return;
    }
    if (!running.add(key)) {
      return;
    }
    long fence = deletions.get();
    try {
      cache.refreshExecutor().execute(() -> run(key, refresh, compute, fence));
    } catch (RejectedExecutionException e) {
      running.remove(key);
    }
  }

  private void run(CacheKey key, Refresh refresh, Supplier<? extends V> compute, long fence) {
    long point = refreshPoint(refresh);
    long lifetime = nanos(refresh.lifetime());
    // due still when this JVM (or, on a shared store, the one that takes the key's lease) gets to it: not if another
    // refresh stored a new result meanwhile, nor if the entry went (the next call computes, as for any miss)
    BooleanSupplier due = () -> {
      long remaining = cache.remainingNanos(key);
      return remaining >= 0 && remaining != Long.MAX_VALUE && lifetime - remaining >= point;
    };
    boolean[] computed = {false};
    try {
      cache.refreshOnce(key, due, () -> {
        computed[0] = true;
        return cache.computation(compute);
      }, value -> {
        if (storeUnlessFenced(key, value, refresh.lifetime(), fence)) {
          refreshes.increment();
        }
      });
      if (computed[0]) {
        retryAfter.remove(key);
      } else {
        // another JVM holds the key's lease (its refresh, or a computation): calls here leave it alone for a while
        // rather than ask the server again on every hit until it lands
        retryLater(key, Math.max(LEAST_BACKOFF_NANOS, (nanos(refresh.ttl()) - point) / 8));
      }
    } catch (RuntimeException e) {
      failed.increment();
      long backoff = Math.max(LEAST_BACKOFF_NANOS, (nanos(refresh.ttl()) - point) / 4);
      retryLater(key, backoff);
      long last = lastLogged.get();
      long now = System.nanoTime();
      if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
        LOG.log(System.Logger.Level.WARNING, "keyedcache: the refresh of the cached function's result under " + key
            + " failed; the current result answers until its lifetime ends, and a call tries again after "
            + TimeUnit.NANOSECONDS.toMillis(backoff) + " ms (logged at most once a minute; "
            + failed.sum() + " refreshes failed so far)", e);
      }
    } finally {
      running.remove(key);
    }
  }

  /** No refresh of {@code key} starts for {@code nanos}; past 4,096 keys waiting, those whose wait is over go. */
  private void retryLater(CacheKey key, long nanos) {
    long now = System.nanoTime();
    retryAfter.put(key, now + nanos);
    if (retryAfter.size() > 4_096) {
      retryAfter.values().removeIf(until -> until - now <= 0);
    }
  }

  private static long nanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }
}
