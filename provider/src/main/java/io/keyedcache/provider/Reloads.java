package io.keyedcache.provider;

import io.keyedcache.provider.store.Store;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;

/**
 * Refresh ahead of expiry for a read-through cache ({@code refresh-after}): a get that finds an entry older than
 * the refresh point returns it at once and reloads it in the background, once per key in this JVM and, on the shared
 * tier, once across all JVMs (the key's flight lease: a JVM that finds it taken leaves the reload to its holder). The
 * reloaded value replaces the entry with a full lifetime ({@link Reload}); a failed reload keeps the entry until it
 * expires, is counted and logged at most once a minute, and is tried again by a get after a back-off.
 *
 * <p>An entry's age is its creation lifetime less what it has left, so the expiry policy must set the whole lifetime
 * at a write and leave it alone at a read: {@code created} or {@code modified}.
 */
final class Reloads<K, V> {
  private static final System.Logger LOG = System.getLogger(Reloads.class.getName());
  private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final long LEAST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final KeyedJCache<K, V> cache;
  private final Store<K, V> store;
  private final long refreshAfter;
  private final long lifetime;
  private final Set<K> running = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<K, Long> retryAfter = new ConcurrentHashMap<>();
  private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
  final LongAdder reloads = new LongAdder();
  final LongAdder failed = new LongAdder();

  private Reloads(KeyedJCache<K, V> cache, Store<K, V> store, long refreshAfter, long lifetime) {
    this.cache = cache;
    this.store = store;
    this.refreshAfter = refreshAfter;
    this.lifetime = lifetime;
  }

  /**
   * The reloads of a cache configured with a refresh point, or {@code null} without one.
   *
   * @throws IllegalArgumentException the configuration cannot refresh: no read-through loader, an expiry policy other
   *     than created or modified, or a refresh point not before the lifetime ends
   */
  static <K, V> Reloads<K, V> of(KeyedJCache<K, V> cache, Store<K, V> store, java.time.Duration refreshAfter,
      ExpiryPolicy policy) {
    if (refreshAfter == null) {
      return null;
    }
    String name = "Cache '" + cache.getName() + "' has refreshAfter (refresh-after) " + refreshAfter;
    if (!cache.readThrough) {
      throw new IllegalArgumentException(name + " but is not read-through: set read-through with a loader, or leave"
          + " refresh-after out (cached functions take refreshAfter of their own)");
    }
    if (policy.getClass() != CreatedExpiryPolicy.class && policy.getClass() != ModifiedExpiryPolicy.class) {
      throw new IllegalArgumentException(name + " with the expiry policy " + policy.getClass().getName()
          + ": refresh ahead needs an expiry of created or modified (with expiry-duration), whose lifetime starts at"
          + " a write and is not extended by reads");
    }
    long life = cache.expiry.forCreation();
    long point = refreshAfter.toNanos();
    if (point <= 0 || point >= life) {
      throw new IllegalArgumentException(name + ", not between zero and the expiry duration "
          + java.time.Duration.ofNanos(life) + ": set refresh-after below expiry-duration");
    }
    return new Reloads<>(cache, store, point, life);
  }

  /** After a read-through get found {@code key}: starts its reload when it is due. */
  void hit(K key) {
    if (!due(key)) {
      return;
    }
    Long retry = retryAfter.get(key);
    if (retry != null && System.nanoTime() - retry < 0 || !running.add(key)) {
      return;
    }
    try {
      cache.executor.execute(() -> run(key));
    } catch (RejectedExecutionException e) {
      running.remove(key);
    }
  }

  private boolean due(K key) {
    long remaining = store.remainingNanos(key);
    return remaining >= 0 && remaining != Long.MAX_VALUE && lifetime - remaining >= refreshAfter;
  }

  private void run(K key) {
    BooleanSupplier due = () -> due(key); // still, under the lease: not if another JVM reloaded it meanwhile
    boolean[] loaded = {false};
    try {
      store.refreshOnce(key, due, () -> {
        loaded[0] = true;
        return cache.loader.load(key);
      }, value -> {
        cache.checkTypes(key, value);
        if (cache.apply(new Reload<>(cache, key, value, lifetime)).stored()) {
          reloads.increment();
        }
      });
      if (loaded[0]) {
        retryAfter.remove(key);
      } else {
        // another JVM holds the key's lease: gets here leave the reload to it for a while
        retryLater(key, Math.max(LEAST_BACKOFF_NANOS, (lifetime - refreshAfter) / 8));
      }
    } catch (RuntimeException e) {
      failed.increment();
      long backoff = Math.max(LEAST_BACKOFF_NANOS, (lifetime - refreshAfter) / 4);
      retryLater(key, backoff);
      long last = lastLogged.get();
      long now = System.nanoTime();
      if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
        LOG.log(System.Logger.Level.WARNING, "keyedcache: cache '" + cache.getName() + "' could not reload " + key
            + " ahead of its expiry; the present value answers until it expires, and a get tries again after "
            + TimeUnit.NANOSECONDS.toMillis(backoff) + " ms (logged at most once a minute; " + failed.sum()
            + " reloads failed so far)", e);
      }
    } finally {
      running.remove(key);
    }
  }

  /** No reload of {@code key} starts for {@code nanos}; past 4,096 keys waiting, those whose wait is over go. */
  private void retryLater(K key, long nanos) {
    long now = System.nanoTime();
    retryAfter.put(key, now + nanos);
    if (retryAfter.size() > 4_096) {
      retryAfter.values().removeIf(until -> until - now <= 0);
    }
  }
}
