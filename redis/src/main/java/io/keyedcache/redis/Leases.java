package io.keyedcache.redis;

import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.cache.CacheException;

/**
 * The step leases of one manager, and every wait for one. A step holds its key's lease ({@code SET NX PX} with a
 * token of this JVM) from before it reads the entry until its closing script; nothing here waits on a lease longer
 * than the {@code lease-timeout}:
 * <ul>
 *   <li>a lease lives two thirds of {@code lease-timeout} unless renewed, and is renewed every third of that while its
 *       step runs, so a JVM that dies, stops or is cut off while it holds one holds up the others for at most that
 *       long; the third left over is a waiter's margin, so that one that began to wait when the lease was last
 *       renewed still has the key, after the lease has lapsed, before its own bound;
 *   <li>a step or a scripted write that finds the key's lease held by another step waits for it at most
 *       {@code lease-timeout}, then throws a {@link CacheException} naming the cache and the key, and changes
 *       nothing;
 *   <li>a lease whose {@code SET} reply was lost may have been taken: it is this JVM's by its token, and released as
 *       any other; a release that fails (the connection is down) is tried again in the background until it is done
 *       or the lease has lapsed anyway.
 * </ul>
 */
final class Leases implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Leases.class.getName());
  private static final long RETRY_MILLIS = 100;

  private final RedisStores connection;
  private final long timeoutMillis;
  /** How long a lease lives unless renewed: two thirds of the timeout. */
  private final long leaseMillis;
  private final byte[] leaseDigits;
  private final ScheduledExecutorService scheduler;
  /** Where renewals and releases run, so that one that waits on a silent server holds up no other. */
  private final java.util.concurrent.ExecutorService calls;

  Leases(RedisStores connection, long timeoutMillis) {
    this.connection = connection;
    this.timeoutMillis = timeoutMillis;
    this.leaseMillis = Math.max(20, timeoutMillis * 2 / 3);
    this.leaseDigits = Long.toString(leaseMillis).getBytes(StandardCharsets.US_ASCII);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "keyedcache-leases");
      thread.setDaemon(true);
      return thread;
    });
    this.calls = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "keyedcache-lease-calls");
      thread.setDaemon(true);
      return thread;
    });
  }

  long timeoutMillis() {
    return timeoutMillis;
  }

  /** A lease this JVM holds (or may hold: its {@code SET}'s reply was lost), until {@link #release}. */
  static final class Held {
    final byte[] name;
    final byte[] token;
    private volatile ScheduledFuture<?> renewal;
    /** Whether a renewal is under way: the next is skipped rather than queued behind a silent server. */
    private final java.util.concurrent.atomic.AtomicBoolean renewing = new java.util.concurrent.atomic.AtomicBoolean();

    Held(byte[] name, byte[] token) {
      this.name = name;
      this.token = token;
    }
  }

  /**
   * Takes the lease {@code name} of {@code key} in cache {@code cacheName}, waiting while another step holds it, for
   * at most the lease timeout; renewed until {@link #release}.
   *
   * @throws CacheException when the lease is still held by another after the timeout, or the server fails (a lease
   *     that may have been taken is then released)
   */
  Held acquire(byte[] name, String cacheName, Object key) {
    Held held = new Held(name, connection.token());
    SetArgs args = SetArgs.Builder.nx().px(leaseMillis);
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (int attempt = 0; ; attempt++) {
      String reply;
      try {
        reply = connection.call(() -> connection.commands().set(name, held.token, args));
      } catch (CacheException e) {
        release(held); // the SET may have run on the server with its reply lost: then the lease is ours
        throw e;
      }
      if ("OK".equals(reply)) {
        held.renewal = scheduler.scheduleAtFixedRate(() -> renew(held), leaseMillis / 3, leaseMillis / 3,
            TimeUnit.MILLISECONDS);
        return held;
      }
      pauseUntil(until, attempt, cacheName, key);
    }
  }

  private void renew(Held held) {
    if (!held.renewing.compareAndSet(false, true)) {
      return;
    }
    try {
      calls.execute(() -> {
        try {
          connection.call(() -> Script.RENEW.run(connection.commands(), new byte[][] {held.name}, held.token,
              leaseDigits));
        } catch (RuntimeException e) {
          // the server is away: the lease lapses within the timeout, and the step's closing script finds it gone
        } finally {
          held.renewing.set(false);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      held.renewing.set(false);
    }
  }

  /** Stops renewing a lease that a closing script has let go of. */
  void stopRenewing(Held held) {
    ScheduledFuture<?> renewal = held.renewal;
    if (renewal != null) {
      renewal.cancel(false);
    }
  }

  /** Lets go of a lease if it is still ours; tried again in the background when the server does not answer. */
  void release(Held held) {
    stopRenewing(held);
    release(held.name, held.token, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(leaseMillis));
  }

  /** Lets go of the lease {@code name} if {@code token} still holds it, trying until {@code until} (nanoTime). */
  void release(byte[] name, byte[] token, long until) {
    try {
      connection.call(() -> Script.RELEASE.run(connection.commands(), new byte[][] {name}, token));
    } catch (RuntimeException e) {
      if (System.nanoTime() - until >= 0) {
        LOG.log(System.Logger.Level.DEBUG, "A lease on " + connection.server() + " was not released; it has lapsed");
        return;
      }
      try {
        scheduler.schedule(() -> calls.execute(() -> release(name, token, until)), RETRY_MILLIS,
            TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        // the manager is closing: the lease lapses by itself
      }
    }
  }

  /**
   * Runs a scripted write that answers {@code {-1, ...}} while a step of some JVM holds a lease it needs, again until
   * it does not, for at most the lease timeout.
   *
   * @throws CacheException after the timeout, naming the cache and the key; nothing was written
   */
  List<Object> waiting(Supplier<List<Object>> write, String cacheName, Object key) {
    long until = 0;
    for (int attempt = 0; ; attempt++) {
      List<Object> reply = connection.call(write);
      if (!CacheLink.held(reply)) {
        return reply;
      }
      if (until == 0) {
        until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      }
      pauseUntil(until, attempt, cacheName, key);
    }
  }

  private void pauseUntil(long until, int attempt, String cacheName, Object key) {
    if (attempt == 0) {
      connection.counters().leaseWaits.increment();
    }
    if (System.nanoTime() - until >= 0) {
      throw new CacheException("Cache '" + cacheName + "': the key " + key + " stayed held by a step of another"
          + " JVM or thread (a writer, an entry processor, a custom expiry policy) for the whole lease-timeout of "
          + timeoutMillis + " ms on " + connection.server() + "; nothing was changed. A JVM that stopped or lost the"
          + " server while holding the key lets go of it within lease-timeout");
    }
    RedisStore.pause(attempt);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    calls.shutdownNow();
  }
}
