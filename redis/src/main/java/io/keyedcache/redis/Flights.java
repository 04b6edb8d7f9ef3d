package io.keyedcache.redis;

import io.lettuce.core.SetArgs;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The cached functions' leases of one manager: a flight lease per key ({@code SET NX PX} with a token of this JVM,
 * renewed while the computation runs), and the wake-ups of the JVMs that wait for it: the JVM that held a lease
 * publishes the key's name on the manager's channel when it lets go, so waiters do not poll in the common case
 * (they still look every {@link #POLL_MILLIS}, in case a message was lost to a reconnect, and take over a lease that
 * lapsed because its JVM died). On a Redis Cluster a message published on any node reaches the subscribers of every
 * node, so one subscription serves, wherever the lease's key lives.
 */
final class Flights implements AutoCloseable {
  static final long POLL_MILLIS = 250;

  private final RedisStores connection;
  private final Supplier<StatefulRedisPubSubConnection<byte[], byte[]>> connect;
  private final long leaseMillis;
  private final byte[] channel;
  private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
  private volatile StatefulRedisPubSubConnection<byte[], byte[]> pubsub;
  private volatile ScheduledExecutorService renewals;

  Flights(RedisStores connection, Supplier<StatefulRedisPubSubConnection<byte[], byte[]>> connect, String namespace,
      long leaseMillis) {
    this.connection = connection;
    this.connect = connect;
    this.leaseMillis = leaseMillis;
    this.channel = (namespace + ":flights").getBytes(StandardCharsets.UTF_8);
  }

  long leaseMillis() {
    return leaseMillis;
  }

  /** The lease's token if this JVM now holds the flight of {@code lease}, else null. */
  byte[] tryLease(byte[] lease, byte[] token) {
    subscribed();
    String reply = connection.call(() -> connection.commands().set(lease, token,
        SetArgs.Builder.nx().px(leaseMillis)));
    return "OK".equals(reply) ? token : null;
  }

  /** Keeps the lease while the computation runs; cancel the result when it is done. */
  ScheduledFuture<?> renew(byte[] lease, byte[] token) {
    long every = Math.max(1, leaseMillis / 3);
    return renewals().scheduleAtFixedRate(() -> {
      try {
        connection.call(() -> Script.RENEW.run(connection.commands(), new byte[][] {lease}, token,
            Long.toString(leaseMillis).getBytes(StandardCharsets.US_ASCII)));
      } catch (RuntimeException e) {
        // the server is away: the lease lapses, and another JVM may take over; fencing keeps the value right
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }

  /** Lets go of a lease that is still ours and wakes the JVMs waiting for it. */
  void land(byte[] lease, byte[] token) {
    connection.leases().release(lease, token, System.nanoTime()
        + TimeUnit.MILLISECONDS.toNanos(leaseMillis));
    try {
      connection.call(() -> connection.commands().publish(channel, lease));
    } catch (RuntimeException e) {
      // the waiters look again within POLL_MILLIS
    }
  }

  /**
   * Waits until the flight of {@code lease} lands (a message) or POLL_MILLIS pass; returns whether it was woken by
   * the landing.
   */
  boolean await(byte[] lease) {
    String name = new String(lease, StandardCharsets.UTF_8);
    CompletableFuture<Void> landed = waiting.computeIfAbsent(name, n -> new CompletableFuture<>());
    try {
      landed.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false; // look again
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new javax.cache.CacheException("Interrupted while waiting for another JVM's computation", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    } finally {
      waiting.remove(name, landed);
    }
  }

  /**
   * Completes with true when the flight of {@code lease} lands (a message), or with false after POLL_MILLIS; no
   * thread waits for it meanwhile.
   */
  CompletableFuture<Boolean> landing(byte[] lease) {
    String name = new String(lease, StandardCharsets.UTF_8);
    CompletableFuture<Void> landed = waiting.computeIfAbsent(name, n -> new CompletableFuture<>());
    return landed.thenApply(v -> true).completeOnTimeout(false, POLL_MILLIS, TimeUnit.MILLISECONDS)
        .whenComplete((woken, e) -> waiting.remove(name, landed)); // one flight per key and JVM waits
  }

  private void subscribed() {
    if (pubsub != null) {
      return;
    }
    synchronized (this) {
      if (pubsub == null) {
        StatefulRedisPubSubConnection<byte[], byte[]> connected = connection.call(connect);
        connected.addListener(new RedisPubSubAdapter<>() {
          @Override
          public void message(byte[] from, byte[] message) {
            CompletableFuture<Void> landed = waiting.remove(new String(message, StandardCharsets.UTF_8));
            if (landed != null) {
              landed.complete(null);
            }
          }
        });
        connection.call(() -> {
          connected.sync().subscribe(channel);
          return null;
        });
        pubsub = connected;
      }
    }
  }

  private ScheduledExecutorService renewals() {
    ScheduledExecutorService executor = renewals;
    if (executor == null) {
      synchronized (this) {
        executor = renewals;
        if (executor == null) {
          executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "keyedcache-flight-leases");
            thread.setDaemon(true);
            return thread;
          });
          renewals = executor;
        }
      }
    }
    return executor;
  }

  @Override
  public void close() {
    if (pubsub != null) {
      pubsub.close();
    }
    if (renewals != null) {
      renewals.shutdownNow();
    }
  }
}
