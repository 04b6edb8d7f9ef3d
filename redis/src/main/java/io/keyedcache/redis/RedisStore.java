package io.keyedcache.redis;

import io.keyedcache.CacheKey;
import io.keyedcache.provider.store.Step;
import io.keyedcache.provider.store.Store;
import io.keyedcache.provider.store.StoreOwner;
import io.keyedcache.provider.store.StoreSettings;
import io.lettuce.core.Range;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared tier's {@link Store}: each entry one Redis string (an {@link Envelope}) with a deadline in its header
 * and a Redis TTL a grace period beyond it, so that an entry whose deadline has passed is still there to be reported
 * as expired when a JVM next looks at it. A put of a key outside any group is one {@code SET}; the other plain
 * writes are single scripts. A step holds a lease on its key (a {@code SET NX PX} with a token of this JVM), so that
 * no other step, and no scripted write of any JVM, runs between reading the entry and writing the step's decision;
 * the write checks the token in the same script. A {@code SET} does not wait for the lease: when one landed during
 * the step, the step writes nothing, and is taken to have happened just before that put (no read saw its value).
 *
 * <p>Thread-safe. Steps of one JVM on one key also take a local lock first, so that they do not contend for the
 * lease over the network.
 */
final class RedisStore<K, V> implements Store<K, V> {
  /** How long an expired entry stays on the server for the JVMs to notice and report it. */
  static final long GRACE_MILLIS = TimeUnit.MINUTES.toMillis(1);
  private static final byte[] EMPTY = new byte[0];

  private final RedisStores connection;
  private final RedisClusterCommands<byte[], byte[]> commands;
  private final Names names;
  private final String cacheName;
  private final Envelope envelope;
  private final StoreOwner<K, V> owner;
  private final boolean expiring;
  private final boolean indexed;
  /** Recent reads of this JVM, evicted by the server's invalidations; null when the manager keeps none. */
  private final NearCache<K, V> near;
  private final ReentrantLock[] locks = new ReentrantLock[64];
  /** The configuration's ticker, for tests that move time by hand; else the wall clock, which every JVM shares. */
  private final com.github.benmanes.caffeine.cache.Ticker ticker;
  private final long tickerOrigin;
  private final long wallOrigin;

  RedisStore(RedisStores connection, StoreSettings<K, V> settings, StoreOwner<K, V> owner, Envelope envelope) {
    this.connection = connection;
    this.commands = connection.commands();
    this.names = new Names(connection.namespace(), settings.cacheName(), connection.sharded());
    this.cacheName = settings.cacheName();
    this.envelope = envelope;
    this.owner = owner;
    this.expiring = settings.expiring();
    this.indexed = settings.indexed();
    this.near = connection.nearCache(names.tag(), envelope);
    this.ticker = settings.configuration().getTicker();
    this.tickerOrigin = ticker == null ? 0 : ticker.read();
    this.wallOrigin = System.currentTimeMillis();
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  // ---------------------------------------------------------------------------------------------- reads

  @Override
  public V peek(K key) {
    // the near hit of an entry without a deadline first, kept small enough for the JIT to inline: the near cache is
    // read once, and everything else is one call
    NearCache<K, V> near = this.near;
    if (near != null) {
      Object hit = near.hit(key);
      if (hit != null && !(hit instanceof NearCache.Timed)) {
        @SuppressWarnings("unchecked")
        V value = (V) hit;
        return value;
      }
      return peekFurther(key, hit);
    }
    return load(key, false);
  }

  private V peekFurther(K key, Object hit) {
    return hit != null && beforeDeadline((NearCache.Timed) hit) ? NearCache.value(hit) : load(key, false);
  }

  @Override
  public V read(K key) {
    Object hit = liveNear(key);
    if (hit == null) {
      return load(key, true);
    }
    long lifetime = expiring ? owner.lifetimeAfterRead() : Step.UNCHANGED;
    if (lifetime == Step.UNCHANGED) {
      return NearCache.value(hit);
    }
    byte[] stored = fromServer(key);
    Envelope.Entry entry = live(key, stored);
    if (entry == null) {
      return null;
    }
    retime(key, stored, entry, lifetime);
    return value(entry);
  }

  /**
   * A read from the server, kept near unless an invalidation of the key came meanwhile; {@code access}: it counts as
   * an access for the expiry policy, and one that gives the entry a new lifetime keeps nothing near (every such read
   * writes).
   */
  private V load(K key, boolean access) {
    long epoch = near == null ? 0 : near.epoch();
    long stamp = near == null ? 0 : near.stamp(key);
    byte[] stored = fromServer(key);
    Envelope.Entry entry = live(key, stored);
    if (entry == null) {
      return null;
    }
    if (access && expiring) {
      long lifetime = owner.lifetimeAfterRead();
      if (lifetime != Step.UNCHANGED) {
        retime(key, stored, entry, lifetime);
        return value(entry);
      }
    }
    if (near != null && NearCache.nameable(key)) {
      near.populate(key, value(entry), entry.deadline(), epoch, stamp);
    }
    return value(entry);
  }

  private byte[] fromServer(K key) {
    byte[] name = names.value(key);
    return connection.call(() -> commands.get(name));
  }

  /** The near entry of {@code key} if there is one before its deadline (past it, the server read reports it). */
  private Object liveNear(K key) {
    if (near == null) {
      return null;
    }
    Object hit = near.hit(key);
    if (hit == null) {
      return null;
    }
    return !(hit instanceof NearCache.Timed) || beforeDeadline((NearCache.Timed) hit) ? hit : null;
  }

  /** Before its deadline (past it, the server read reports it). */
  private boolean beforeDeadline(NearCache.Timed hit) {
    return hit.deadline() > now();
  }

  @Override
  public boolean contains(K key) {
    return liveNear(key) != null || fetch(key) != null;
  }

  /** The live entry of {@code key}, or null; an expired one is removed and reported. */
  private Envelope.Entry fetch(K key) {
    return live(key, fromServer(key));
  }

  private Envelope.Entry live(K key, byte[] stored) {
    if (stored == null) {
      return null;
    }
    Envelope.Entry entry = decode(key, stored);
    if (entry == null) {
      return null;
    }
    if (!entry.isLive(now())) {
      expire(key, stored, entry);
      return null;
    }
    return entry;
  }

  /** Decodes, or removes what cannot be decoded (logged once) and answers null: a miss. */
  private Envelope.Entry decode(K key, byte[] stored) {
    try {
      return envelope.decode(stored);
    } catch (Envelope.Undecodable e) {
      connection.undecodable(names.value(key), e);
      removeIfSame(key, stored);
      return null;
    }
  }

  private void expire(K key, byte[] stored, Envelope.Entry entry) {
    if (removeIfSame(key, stored)) {
      owner.expired(key, value(entry));
    }
  }

  private boolean removeIfSame(K key, byte[] stored) {
    try {
      List<Object> reply = connection.call(() -> Script.REMOVE_IF_SAME.run(commands, keys(key), stored,
          member(key)));
      return status(reply) == 1;
    } finally {
      invalidateNear(key);
    }
  }

  /**
   * After every write of this JVM, so that its next read does not wait for the server's invalidation (which comes as
   * well, and evicts again).
   */
  private void invalidateNear(K key) {
    if (near != null) {
      near.invalidate(key);
    }
  }

  /** The entry with a new lifetime, unless another write came first. */
  private void retime(K key, byte[] stored, Envelope.Entry entry, long lifetime) {
    long now = now();
    long deadline = deadline(now, lifetime, entry.deadline());
    if (deadline <= now) {
      expire(key, stored, entry);
      return;
    }
    try {
      connection.call(() -> Script.TOUCH.run(commands, new byte[][] {names.value(key)}, Envelope.digits(deadline),
          px(now, deadline), java.util.Arrays.copyOfRange(stored, 3, Envelope.HEADER)));
    } finally {
      invalidateNear(key);
    }
  }

  // ---------------------------------------------------------------------------------------------- plain writes

  @Override
  public void put(K key, V value) {
    try {
      write(key, value);
      replicated(key);
    } finally {
      invalidateNear(key);
    }
  }

  private void write(K key, V value) {
    long now = now();
    long deadline = expiring ? deadline(now, owner.lifetimeAtCreation(), Envelope.NO_DEADLINE) : Envelope.NO_DEADLINE;
    byte[] stored = envelope.encode(key, value, deadline);
    byte[] member = member(key);
    if (member.length == 0) {
      // One SET, the cost of a raw write: it does not wait for a step's lease, and a step that finds it landed
      // under its lease drops its own write (COMMIT), as if it had happened just before this put.
      byte[] name = names.value(key);
      if (deadline == Envelope.NO_DEADLINE) {
        connection.call(() -> commands.set(name, stored));
      } else {
        SetArgs px = SetArgs.Builder.px(deadline - now + GRACE_MILLIS);
        connection.call(() -> commands.set(name, stored, px));
      }
      return;
    }
    // a key of a group joins its index in the same script, which waits for a step's lease as group deletion does
    waitingForLease(key, () -> Script.PUT.run(commands, keys(key), stored, px(now, deadline), member));
  }

  @Override
  public V putIfAbsent(K key, V value) {
    try {
      return writeIfAbsent(key, value);
    } finally {
      invalidateNear(key);
    }
  }

  private V writeIfAbsent(K key, V value) {
    long now = now();
    long deadline = expiring ? deadline(now, owner.lifetimeAtCreation(), Envelope.NO_DEADLINE) : Envelope.NO_DEADLINE;
    byte[] stored = envelope.encode(key, value, deadline);
    List<Object> reply = waitingForLease(key, () -> Script.PUT_IF_ABSENT.run(commands, keys(key), stored,
        px(now, deadline), member(key), Long.toString(now).getBytes(StandardCharsets.US_ASCII)));
    if (status(reply) == 1) {
      replicated(key);
      return null;
    }
    Envelope.Entry present = decode(key, (byte[]) reply.get(1));
    return present == null ? null : value(present);
  }

  @Override
  public V remove(K key) {
    try {
      return delete(key);
    } finally {
      invalidateNear(key);
    }
  }

  private V delete(K key) {
    List<Object> reply = waitingForLease(key, () -> Script.REMOVE.run(commands, keys(key), member(key)));
    if (status(reply) == 0) {
      return null;
    }
    replicated(key);
    Envelope.Entry removed = decode(key, (byte[]) reply.get(1));
    return removed == null || !removed.isLive(now()) ? null : value(removed);
  }

  /** Waits for the replicas of the master that took a write of {@code key}, when the manager asks for them. */
  private void replicated(K key) {
    if (connection.waitsForReplicas()) {
      connection.replicated(names.value(key));
    }
  }

  /** Runs a plain write, again while a step of some JVM holds the key's lease. */
  private List<Object> waitingForLease(K key, java.util.function.Supplier<List<Object>> write) {
    for (int attempt = 0; ; attempt++) {
      List<Object> reply = connection.call(write);
      if (status(reply) != -1) {
        return reply;
      }
      pause(attempt);
    }
  }

  // ---------------------------------------------------------------------------------------------- steps

  @Override
  public <S extends Step<V>> S apply(K key, S step) {
    ReentrantLock lock = locks[(key.hashCode() & 0x7fffffff) % locks.length];
    lock.lock();
    try {
      byte[][] keys = keys(key);
      byte[] token = connection.acquire(keys[1]);
      boolean released = false;
      boolean unchanged = false;
      try {
        byte[] stored = connection.call(() -> commands.get(keys[0]));
        long now = now();
        Envelope.Entry entry = stored == null ? null : decodeUnderLease(key, stored);
        boolean expired = entry != null && !entry.isLive(now);
        V present = entry == null || expired ? null : value(entry);
        V next = step.decide(present);
        long lifetime = next == null ? 0L : step.lifetime();
        Fence fence = FENCE.get();
        if (fence != null && next != null && fence.key.equals(key)) {
          prepare(key, fence);
        }
        step.commit();
        byte[] write;
        String mode;
        long deadline = Envelope.NO_DEADLINE;
        if (next == null) {
          mode = stored == null ? "keep" : "del";
          write = EMPTY;
        } else {
          deadline = deadline(now, lifetime, present != null ? entry.deadline() : Envelope.NO_DEADLINE);
          if (deadline <= now) {
            mode = stored == null ? "keep" : "del";
            write = EMPTY;
          } else if (next == present && deadline == entry.deadline()) {
            mode = "keep";
            write = EMPTY;
          } else if (next == present) {
            mode = "set";
            write = Envelope.withDeadline(stored, deadline);
          } else {
            mode = "set";
            write = envelope.encode(key, next, deadline);
          }
        }
        unchanged = "keep".equals(mode);
        byte[] body = write;
        long until = deadline;
        byte[] seen = stored == null ? EMPTY : stored;
        List<Object> reply = connection.call(() -> Script.COMMIT.run(commands, keys, token,
            mode.getBytes(StandardCharsets.US_ASCII), body, "set".equals(mode) ? px(now, until) : zero(),
            member(key), seen));
        released = true;
        if (status(reply) == -1) {
          throw new javax.cache.CacheException("The step on key " + key + " of cache '" + cacheName
              + "' outlived its lease on " + connection.server() + "; its change was not written");
        }
        if (!unchanged) {
          replicated(key);
        }
        if (expired) {
          owner.expired(key, value(entry));
        }
        if (next != null && deadline <= now) {
          owner.expired(key, next); // a lifetime of zero: expired at once, as an embedded store reports it
        }
        return step;
      } finally {
        if (!released) {
          connection.release(keys[1], token);
        }
        if (!unchanged) {
          invalidateNear(key); // a step that only read leaves the near entry as it was
        }
      }
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------- cached functions

  /** What a computed value's write must find unchanged: the generations of the key's groups when it began. */
  private static final class Fence {
    final Object key;
    final byte[][] generations;
    final byte[][] expected;

    Fence(Object key, byte[][] generations, byte[][] expected) {
      this.key = key;
      this.generations = generations;
      this.expected = expected;
    }
  }

  /** A computed value that a group deletion fenced off: it is the caller's, and is not stored. */
  private static final class FencedOff extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FencedOff() {
      super(null, null, false, false);
    }
  }

  /** The fence of the computation this thread is storing, if any. */
  private static final ThreadLocal<Fence> FENCE = new ThreadLocal<>();

  private void prepare(K key, Fence fence) {
    byte[][] keys = new byte[fence.generations.length + 1][];
    byte[][] args = new byte[fence.generations.length + 1][];
    keys[0] = names.index(key);
    args[0] = member(key);
    for (int i = 0; i < fence.generations.length; i++) {
      keys[i + 1] = fence.generations[i];
      args[i + 1] = fence.expected[i] == null ? EMPTY : fence.expected[i];
    }
    if (status(connection.call(() -> Script.PREPARE.run(commands, keys, args))) == -2) {
      throw new FencedOff();
    }
  }

  @Override
  public void fence(CacheKey key) {
    for (byte[] generation : names.fences(key)) {
      connection.call(() -> commands.incr(generation));
      connection.replicated(generation);
    }
  }

  @Override
  public boolean sharesComputations() {
    return true;
  }

  @Override
  public V computeOnce(K key, java.util.function.Supplier<? extends V> compute,
      java.util.function.Consumer<? super V> put) {
    Flights flights = connection.flights();
    byte[] lease = names.flight(key);
    byte[][] generations = key instanceof CacheKey ? names.generations((CacheKey) key) : new byte[0][];
    while (true) {
      Envelope.Entry present = fetch(key);
      if (present != null) {
        return value(present);
      }
      byte[] token = flights.tryLease(lease, connection.token());
      if (token == null) {
        flights.await(lease); // another JVM computes: woken when it lands, or in a moment to look again
        continue;
      }
      java.util.concurrent.ScheduledFuture<?> renewal = flights.renew(lease, token);
      try {
        // the generations now: a group deletion from here on fences this computation off
        byte[][] expected = new byte[generations.length][];
        if (generations.length > 0) {
          List<KeyValue<byte[], byte[]>> current = connection.call(() -> commands.mget(generations));
          for (int i = 0; i < expected.length; i++) {
            expected[i] = current.get(i).hasValue() ? current.get(i).getValue() : null;
          }
        }
        present = fetch(key); // stored by another JVM between our look and our lease
        if (present != null) {
          return value(present);
        }
        V value = compute.get();
        if (value != null) {
          FENCE.set(new Fence(key, generations, expected));
          try {
            put.accept(value);
          } catch (FencedOff e) {
            // a group deletion began while we computed: the caller gets the value, the group stays deleted
          } finally {
            FENCE.remove();
          }
        }
        return value;
      } finally {
        renewal.cancel(false);
        flights.land(lease, token);
      }
    }
  }

  /** Under the lease an undecodable entry is a miss the step overwrites (it was logged). */
  private Envelope.Entry decodeUnderLease(K key, byte[] stored) {
    try {
      return envelope.decode(stored);
    } catch (Envelope.Undecodable e) {
      connection.undecodable(names.value(key), e);
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------- the rest

  @Override
  public void touch(K key, long lifetime) {
    if (lifetime == Step.UNCHANGED) {
      return;
    }
    byte[] stored = fromServer(key);
    Envelope.Entry entry = live(key, stored);
    if (entry != null) {
      retime(key, stored, entry, lifetime);
      replicated(key);
    }
  }

  @Override
  public boolean readsAreCopies() {
    return near == null; // every read decodes a new object from the server's bytes, unless it is kept near
  }

  @Override
  public Iterator<Map.Entry<K, V>> iterator() {
    return new Iterator<>() {
      private ScanCursor cursor = ScanCursor.INITIAL;
      private final List<Map.Entry<K, V>> batch = new ArrayList<>();
      private int position;

      @Override
      public boolean hasNext() {
        while (position == batch.size() && !cursor.isFinished()) {
          batch.clear();
          position = 0;
          KeyScanCursor<byte[]> scanned = connection.call(() -> commands.scan(cursor,
              ScanArgs.Builder.matches(names.valuePattern()).limit(500)));
          cursor = scanned;
          if (scanned.getKeys().isEmpty()) {
            continue;
          }
          long now = now();
          byte[][] found = matching(scanned, names::isValue);
          if (found.length == 0) {
            continue;
          }
          List<KeyValue<byte[], byte[]>> values = connection.call(() -> commands.mget(found));
          for (KeyValue<byte[], byte[]> value : values) {
            if (!value.hasValue()) {
              continue;
            }
            try {
              Envelope.Entry entry = envelope.decodeWithKey(value.getValue());
              if (entry.isLive(now)) {
                @SuppressWarnings("unchecked")
                K key = (K) entry.key();
                batch.add(new AbstractMap.SimpleImmutableEntry<>(key, value(entry)));
              }
            } catch (Envelope.Undecodable e) {
              connection.undecodable(value.getKey(), e);
            }
          }
        }
        return position < batch.size();
      }

      @Override
      public Map.Entry<K, V> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return batch.get(position++);
      }
    };
  }

  @Override
  public Set<K> keys() {
    Set<K> keys = new LinkedHashSet<>();
    for (Iterator<Map.Entry<K, V>> it = iterator(); it.hasNext(); ) {
      keys.add(it.next().getKey());
    }
    return keys;
  }

  @Override
  public long estimatedSize() {
    long[] count = {0};
    scan(names.valuePattern(), names::isValue, found -> count[0] += found.length);
    return count[0];
  }

  @Override
  public void clear() {
    scan(names.valuePattern(), names::isValue, found -> connection.call(() -> commands.unlink(found)));
    if (indexed) {
      scan(names.indexPattern(), names::isIndex, found -> connection.call(() -> commands.unlink(found)));
    }
    connection.replicatedEverywhere();
    if (near != null) {
      near.clear();
    }
  }

  /**
   * SCANs the whole keyspace (every master of a cluster) for {@code pattern} and hands each non-empty batch of the
   * names that are {@code wanted} to {@code batch}: a glob may match more than it should ({@link Names#isValue}).
   */
  private void scan(String pattern, java.util.function.Predicate<byte[]> wanted,
      java.util.function.Consumer<byte[][]> batch) {
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      ScanCursor from = cursor;
      KeyScanCursor<byte[]> scanned = connection.call(() -> commands.scan(from,
          ScanArgs.Builder.matches(pattern).limit(1000)));
      byte[][] found = matching(scanned, wanted);
      if (found.length > 0) {
        batch.accept(found);
      }
      cursor = scanned;
    } while (!cursor.isFinished());
  }

  private static byte[][] matching(KeyScanCursor<byte[]> scanned, java.util.function.Predicate<byte[]> wanted) {
    return scanned.getKeys().stream().filter(wanted).toArray(byte[][]::new);
  }

  @Override
  public List<CacheKey> group(CacheKey key) {
    if (!indexed) {
      throw new UnsupportedOperationException("This store keeps no index of CacheKey keys");
    }
    String text = key.toString();
    List<CacheKey> group = new ArrayList<>();
    for (byte[] index : names.indexes(key)) {
      List<byte[]> members = new ArrayList<>(connection.call(() -> commands.zrangebylex(index,
          Range.create(Names.bytes(text), Names.bytes(text)))));
      // every child's text is the parent's followed by "::", so the children are the range [text:: , text:;)
      members.addAll(connection.call(() -> commands.zrangebylex(index, Range.from(
          Range.Boundary.including(Names.bytes(text + "::")), Range.Boundary.excluding(Names.bytes(text + ":;"))))));
      for (byte[] member : members) {
        CacheKey child = CacheKey.parse(new String(member, StandardCharsets.UTF_8));
        if (fetch(keyOf(child)) != null) {
          group.add(child);
        } else {
          connection.call(() -> commands.zrem(index, member)); // its entry expired on the server
        }
      }
    }
    return group;
  }

  @SuppressWarnings("unchecked")
  private K keyOf(CacheKey key) {
    return (K) key;
  }

  /** The manager's near-cache link, null when near caches are off (for tests). */
  Tracking tracking() {
    return connection.tracking();
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    return type.isInstance(this) ? type.cast(this) : null;
  }

  @Override
  public void close() {
    // the connection is the manager's; the entries stay on the server for the other JVMs
    if (near != null) {
      connection.dropNearCache(names.tag());
      near.clear();
    }
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private long now() {
    return ticker == null ? System.currentTimeMillis() : wallOrigin + (ticker.read() - tickerOrigin) / 1_000_000;
  }

  private byte[][] keys(K key) {
    byte[] value = names.value(key);
    return new byte[][] {value, names.leaseOf(value), names.index(key)};
  }

  private byte[] member(K key) {
    return indexed && key instanceof CacheKey ? Names.bytes(key.toString()) : EMPTY;
  }

  @SuppressWarnings("unchecked")
  private V value(Envelope.Entry entry) {
    return (V) entry.value();
  }

  private static int status(List<Object> reply) {
    return ((Number) reply.get(0)).intValue();
  }

  /** The deadline a lifetime gives: {@code kept} for UNCHANGED, none for ETERNAL, else now plus it (rounded up). */
  static long deadline(long now, long lifetime, long kept) {
    if (lifetime == Step.UNCHANGED) {
      return kept;
    }
    if (lifetime == Step.ETERNAL || lifetime >= TimeUnit.DAYS.toNanos(365L * 1000)) {
      return Envelope.NO_DEADLINE;
    }
    return now + (lifetime + 999_999) / 1_000_000;
  }

  private static final byte[] NO_PX = {'0'};

  private static byte[] px(long now, long deadline) {
    return deadline == Envelope.NO_DEADLINE ? NO_PX
        : Long.toString(deadline - now + GRACE_MILLIS).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] zero() {
    return new byte[] {'0'};
  }

  static void pause(int attempt) {
    try {
      Thread.sleep(Math.min(20, 1 + attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new javax.cache.CacheException("Interrupted while waiting for a step of another JVM", e);
    }
  }
}
