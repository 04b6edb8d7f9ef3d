package io.keyedcache.redis;

import io.keyedcache.CacheKey;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Groups of one cache's {@link CacheKey} keys on the server: the sorted indexes that list them (one per shard of a
 * group), the generations that a group deletion increments to fence off computations begun before it, and the cached
 * functions' computations, once across every JVM under a flight lease ({@link Flights}).
 */
final class Groups<K, V> {
  /**
   * How long a generation lives from when a computation makes it: a computation that outlasts it is fenced off (its
   * value is returned, not stored), never stored stale.
   */
  static final long GENERATION_MILLIS = java.util.concurrent.TimeUnit.HOURS.toMillis(1);

  private final CacheLink<K, V> link;

  Groups(CacheLink<K, V> link) {
    this.link = link;
  }

  /**
   * The keys of {@code key}'s group listed now whose entries {@code live} finds (it answers for a batch of members at
   * once); a member whose entry is gone (it expired on the server) leaves the index.
   */
  List<CacheKey> group(CacheKey key, Function<List<CacheKey>, boolean[]> live) {
    String text = key.toString();
    byte[][] indexes = link.names.indexes(key);
    // the key itself, and its children: every child's text is the parent's followed by "::", so they are the range
    // [text:: , text:;); on a cluster the reads of the group's shards are all sent before the first reply is awaited
    Range<byte[]> itself = Range.create(Names.bytes(text), Names.bytes(text));
    Range<byte[]> below = Range.from(Range.Boundary.including(Names.bytes(text + "::")),
        Range.Boundary.excluding(Names.bytes(text + ":;")));
    List<RedisFuture<List<byte[]>>> sent = new ArrayList<>(indexes.length * 2);
    if (indexes.length == 1) {
      sent = null;
    } else {
      for (byte[] index : indexes) {
        sent.add(link.connection.call(() -> link.connection.async().zrangebylex(index, itself)));
        sent.add(link.connection.call(() -> link.connection.async().zrangebylex(index, below)));
      }
    }
    List<byte[]> found = new ArrayList<>();
    List<byte[]> foundIn = new ArrayList<>();
    for (int i = 0; i < indexes.length; i++) {
      byte[] index = indexes[i];
      List<byte[]> members = new ArrayList<>();
      if (sent == null) {
        members.addAll(link.connection.call(() -> link.commands.zrangebylex(index, itself)));
        members.addAll(link.connection.call(() -> link.commands.zrangebylex(index, below)));
      } else {
        members.addAll(link.connection.await(sent.get(2 * i), () -> link.commands.zrangebylex(index, itself)));
        members.addAll(link.connection.await(sent.get(2 * i + 1), () -> link.commands.zrangebylex(index, below)));
      }
      for (byte[] member : members) {
        found.add(member);
        foundIn.add(index);
      }
    }
    List<CacheKey> members = new ArrayList<>(found.size());
    for (byte[] member : found) {
      members.add(CacheKey.parse(new String(member, StandardCharsets.UTF_8)));
    }
    if (link.connection.scansKeyspace()) {
      unlisted(text, members, found, foundIn);
    }
    // every member's entry read in one batch (on a cluster, Lettuce's MGET sends one per slot at once)
    boolean[] alive = members.isEmpty() ? new boolean[0] : live.apply(members);
    List<CacheKey> group = new ArrayList<>();
    for (int j = 0; j < members.size(); j++) {
      if (alive[j]) {
        group.add(members.get(j));
      } else {
        byte[] index = foundIn.get(j);
        byte[] member = found.get(j);
        link.connection.call(() -> link.commands.zrem(index, member));
      }
    }
    return group;
  }

  /**
   * Adds to {@code members} those of the group {@code text} that a scan of the keyspace finds and no index listed
   * (Redis evicted it): the value names that start with the group's key name, the key itself or a child.
   */
  private void unlisted(String text, List<CacheKey> members, List<byte[]> found, List<byte[]> foundIn) {
    java.util.Set<String> listed = new java.util.HashSet<>();
    for (CacheKey member : members) {
      listed.add(member.toString());
    }
    io.lettuce.core.ScanArgs pattern = io.lettuce.core.ScanArgs.Builder
        .matches(link.names.valuePattern(Names.name(CacheKey.parse(text)))).limit(1000);
    io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
    do {
      io.lettuce.core.ScanCursor from = cursor;
      io.lettuce.core.KeyScanCursor<byte[]> scanned = link.connection.call(() -> link.commands.scan(from, pattern));
      cursor = scanned;
      for (byte[] name : scanned.getKeys()) {
        String member = link.names.keyNameOf(name).substring(1); // after the 'k' of a CacheKey's name
        if ((member.equals(text) || member.startsWith(text + "::")) && listed.add(member)) {
          members.add(CacheKey.parse(member));
          found.add(Names.bytes(member));
          foundIn.add(link.names.index(members.get(members.size() - 1)));
        }
      }
    } while (!cursor.isFinished());
  }

  /**
   * Deletes the generations of {@code key}'s group in each of its shards, fencing off computations under it (a DEL,
   * which a full server takes too, and which leaves no key behind).
   */
  void fence(CacheKey key) {
    for (byte[] generation : link.names.fences(key)) {
      link.connection.call(() -> link.commands.del(generation));
      link.connection.replicated(generation);
    }
  }

  /**
   * The value of {@code key}, computed by one JVM of all those that ask: the one that takes the flight lease computes
   * and stores through {@code put} (fenced by the generations it began under), the others wait for it and read what
   * it stored.
   */
  V computeOnce(K key, Supplier<? extends V> compute, Consumer<? super V> put, Function<K, Envelope.Entry> fetch) {
    Flights flights = link.connection.flights();
    byte[] lease = link.names.flight(key);
    TierCounters counters = link.connection.counters();
    boolean waited = false;
    boolean woken = true;
    while (true) {
      Envelope.Entry present = fetch.apply(key);
      if (present != null) {
        return link.value(present);
      }
      byte[] token = flights.tryLease(lease, link.connection.token());
      if (token == null) {
        if (!waited) {
          counters.leaseWaits.increment();
          waited = true;
        }
        woken = flights.await(lease); // another JVM computes: woken when it lands, or in a moment to look again
        continue;
      }
      if (!woken) {
        counters.leaseTakeovers.increment(); // the lease lapsed under a JVM that never landed
      }
      Object[] result = {null};
      underLease(key, lease, token, () -> {
        Envelope.Entry stored = fetch.apply(key); // stored by another JVM between our look and our lease
        if (stored != null) {
          result[0] = link.value(stored);
          return null;
        }
        return compute.get();
      }, value -> {
        result[0] = value;
        put.accept(value);
      });
      @SuppressWarnings("unchecked")
      V value = (V) result[0];
      return value;
    }
  }

  /**
   * A refreshing function's recomputation of {@code key} in this JVM if it takes the key's flight lease at once; if
   * another JVM holds it (a refresh or a computation of the key), that one's result is the refresh, and this returns.
   * {@code due} is checked under the lease, so that a refresh another JVM has just landed is not done again.
   */
  void refreshOnce(K key, java.util.function.BooleanSupplier due, Supplier<? extends V> compute,
      Consumer<? super V> put) {
    Flights flights = link.connection.flights();
    byte[] lease = link.names.flight(key);
    byte[] token = flights.tryLease(lease, link.connection.token());
    if (token == null) {
      return;
    }
    underLease(key, lease, token, () -> due.getAsBoolean() ? compute.get() : null, put);
  }

  /**
   * Runs {@code compute} under the flight lease {@code token} holds (renewed meanwhile, released and announced at the
   * end) and hands a value that is not {@code null} to {@code put}, fenced by the generations of the key's groups as
   * they were before it began: a group deletion that overtakes it leaves the group deleted (its value is not stored).
   */
  private void underLease(K key, byte[] lease, byte[] token, Supplier<? extends V> compute, Consumer<? super V> put) {
    Held held = new Held(key, lease, token);
    try {
      V value = compute.get();
      if (value != null) {
        held.put(value, put);
      }
    } finally {
      held.land();
    }
  }

  /**
   * The value of {@code key}, computed by one JVM of all those that ask, as {@link #computeOnce} does, without a
   * thread waiting: a JVM that finds the flight lease taken looks again when it lands (or after POLL_MILLIS), and the
   * one that holds it stores when {@code compute}'s stage completes. Every store call runs on {@code executor}.
   */
  CompletableFuture<V> computeOnceAsync(K key, Supplier<? extends CompletionStage<? extends V>> compute,
      Consumer<? super V> put, Function<K, Envelope.Entry> fetch, Executor executor) {
    CompletableFuture<V> result = new CompletableFuture<>();
    executor.execute(() -> attempt(key, compute, put, fetch, executor, result, false, true));
    return result;
  }

  private void attempt(K key, Supplier<? extends CompletionStage<? extends V>> compute, Consumer<? super V> put,
      Function<K, Envelope.Entry> fetch, Executor executor, CompletableFuture<V> result, boolean waited,
      boolean woken) {
    try {
      Envelope.Entry present = fetch.apply(key);
      if (present != null) {
        result.complete(link.value(present));
        return;
      }
      Flights flights = link.connection.flights();
      byte[] lease = link.names.flight(key);
      byte[] token = flights.tryLease(lease, link.connection.token());
      if (token == null) {
        if (!waited) {
          link.connection.counters().leaseWaits.increment();
        }
        flights.landing(lease).thenAcceptAsync(landed ->
            attempt(key, compute, put, fetch, executor, result, true, landed), executor);
        return;
      }
      if (!woken) {
        link.connection.counters().leaseTakeovers.increment();
      }
      Held held = new Held(key, lease, token);
      CompletionStage<? extends V> stage;
      try {
        Envelope.Entry stored = fetch.apply(key); // stored by another JVM between our look and our lease
        if (stored != null) {
          held.land();
          result.complete(link.value(stored));
          return;
        }
        stage = compute.get();
      } catch (RuntimeException | Error e) {
        held.land();
        throw e;
      }
      stage.whenCompleteAsync((value, error) -> {
        try {
          if (error == null && value != null) {
            held.put(value, put);
          }
        } catch (RuntimeException | Error e) {
          result.completeExceptionally(e);
        } finally {
          held.land();
        }
        if (error != null) {
          result.completeExceptionally(error instanceof CompletionException && error.getCause() != null
              ? error.getCause() : error);
        } else {
          result.complete(value);
        }
      }, executor);
    } catch (RuntimeException | Error e) {
      result.completeExceptionally(e);
    }
  }

  /**
   * A flight lease this JVM holds: renewed until it lands, and the generations of the key's groups when it was taken
   * (made if missing), so that a group deletion from then on fences its computation off.
   */
  private final class Held {
    private final K key;
    private final byte[] lease;
    private final byte[] token;
    private final byte[][] generations;
    private final byte[][] expected;
    private final ScheduledFuture<?> renewal;

    Held(K key, byte[] lease, byte[] token) {
      this.key = key;
      this.lease = lease;
      this.token = token;
      this.generations = key instanceof CacheKey ? link.names.generations((CacheKey) key) : new byte[0][];
      this.renewal = link.connection.flights().renew(lease, token);
      this.expected = new byte[generations.length][];
      try {
        if (generations.length > 0) {
          byte[] lifetime = Long.toString(GENERATION_MILLIS).getBytes(StandardCharsets.US_ASCII);
          List<Object> current = link.connection.call(() -> Script.GENERATIONS.run(link.commands, generations,
              token, lifetime));
          for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte[]) current.get(i);
          }
        }
      } catch (RuntimeException | Error e) {
        land();
        throw e;
      }
    }

    /** Hands {@code value} to {@code put} unless a group deletion began since the lease was taken. */
    void put(V value, Consumer<? super V> put) {
      Steps.FENCE.set(new Steps.Fence(key, generations, expected));
      try {
        put.accept(value);
      } catch (Steps.FencedOff e) {
        // a group deletion began while we computed: the caller gets the value, the group stays deleted
      } finally {
        Steps.FENCE.remove();
      }
    }

    void land() {
      renewal.cancel(false);
      link.connection.flights().land(lease, token);
    }
  }
}
