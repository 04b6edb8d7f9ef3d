package io.keyedcache.redis;

import io.keyedcache.CacheKey;
import io.keyedcache.provider.store.Step;
import io.keyedcache.provider.store.StoreOwner;
import io.keyedcache.provider.store.StoreSettings;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the parts of one cache's store share: the manager's connection, the cache's names and codec, its owner (the
 * JCache layer), its near cache, its clock, and the local locks that keep this JVM's changes of one key in the order
 * the server applies them (so that its events come in that order too).
 */
final class CacheLink<K, V> {
  /** How long an expired entry stays on the server for the JVMs to notice and report it. */
  static final long GRACE_MILLIS = TimeUnit.MINUTES.toMillis(1);
  static final byte[] EMPTY = new byte[0];
  private static final byte[] NO_PX = {'0'};
  /** A PX that says: the deadline has passed already (write.lua removes instead of writing). */
  private static final byte[] PAST = {'-'};

  final RedisStores connection;
  final RedisClusterCommands<byte[], byte[]> commands;
  final Names names;
  final String cacheName;
  final Envelope envelope;
  final StoreOwner<K, V> owner;
  final boolean expiring;
  final boolean indexed;
  /** Recent reads of this JVM, evicted by the server's invalidations; null when the manager keeps none. */
  final NearCache<K, V> near;
  private final ReentrantLock[] locks = new ReentrantLock[64];
  /** On a cluster, the shards this JVM knows to be in the cache's set of shards, a bit each. */
  private final java.util.concurrent.atomic.AtomicLongArray registered =
      new java.util.concurrent.atomic.AtomicLongArray(Names.SHARDS / 64);
  /** The configuration's ticker, for tests that move time by hand; else the wall clock, which every JVM shares. */
  private final com.github.benmanes.caffeine.cache.Ticker ticker;
  private final long tickerOrigin;
  private final long wallOrigin;

  CacheLink(RedisStores connection, StoreSettings<K, V> settings, StoreOwner<K, V> owner, Envelope envelope) {
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

  /** The local lock of {@code key}'s stripe. */
  ReentrantLock lock(Object key) {
    return locks[stripe(key)];
  }

  /**
   * The local lock of {@code key}'s stripe, taken, when a listener hears the cache's changes (so that this JVM records
   * one key's events in the order the server applied them); null, and nothing taken, otherwise.
   */
  ReentrantLock orderingLock(Object key) {
    if (!owner.listened()) {
      return null;
    }
    ReentrantLock lock = lock(key);
    lock.lock();
    return lock;
  }

  int stripe(Object key) {
    return (key.hashCode() & 0x7fffffff) % locks.length;
  }

  ReentrantLock lockOfStripe(int stripe) {
    return locks[stripe];
  }

  long now() {
    return ticker == null ? System.currentTimeMillis() : wallOrigin + (ticker.read() - tickerOrigin) / 1_000_000;
  }

  /**
   * The value, lease, index and registry names of {@code key}: the keys of every script that writes one entry. On a
   * cluster the key's shard is first added to the cache's set of shards, once per JVM, before any write there.
   */
  byte[][] keys(Object key) {
    byte[] value = valueName(key);
    return new byte[][] {value, names.leaseOf(value), names.index(key), names.registry(key)};
  }

  /**
   * write.lua's keys for entries of one shard: the shard's registry and index, then each entry's value and lease
   * names.
   */
  byte[][] writeKeys(List<?> keys) {
    byte[][] all = new byte[2 + 2 * keys.size()][];
    all[0] = names.registry(keys.get(0));
    all[1] = names.index(keys.get(0));
    for (int i = 0; i < keys.size(); i++) {
      byte[] value = valueName(keys.get(i));
      all[2 + 2 * i] = value;
      all[3 + 2 * i] = names.leaseOf(value);
    }
    return all;
  }

  /** The value name of {@code key}, for a write: on a cluster its shard is first added to the set of shards. */
  byte[] valueName(Object key) {
    if (names.sharded()) {
      registered(names.shardOf(key));
    }
    return names.value(key);
  }

  private void registered(int shard) {
    long bit = 1L << (shard & 63);
    if ((registered.get(shard >>> 6) & bit) != 0) {
      return;
    }
    byte[] set = names.shards();
    byte[] member = Long.toString(shard).getBytes(StandardCharsets.US_ASCII);
    connection.call(() -> commands.sadd(set, member)); // before any write there: two threads may both send it
    registered.getAndUpdate(shard >>> 6, word -> word | bit);
  }

  /** The member of {@code key} in its index, or empty when it is in none. */
  byte[] member(Object key) {
    return indexed && key instanceof CacheKey ? Names.bytes(key.toString()) : EMPTY;
  }

  @SuppressWarnings("unchecked")
  V value(Envelope.Entry entry) {
    return (V) entry.value();
  }

  /** The entry, or null (logged once per key) when this JVM cannot decode it. */
  Envelope.Entry decodeOrLog(Object key, byte[] stored) {
    try {
      return envelope.decode(stored);
    } catch (Envelope.Undecodable e) {
      connection.undecodable(names.value(key), e);
      return null;
    }
  }

  /**
   * After every write of this JVM, so that its next read does not wait for the server's invalidation (which comes as
   * well, and evicts again).
   */
  void invalidateNear(Object key) {
    if (near != null) {
      @SuppressWarnings("unchecked")
      K k = (K) key;
      near.invalidate(k);
    }
  }

  /** Waits for the replicas of the master that took a write of {@code key}, when the manager asks for them. */
  void replicated(Object key) {
    if (connection.waitsForReplicas()) {
      connection.replicated(names.value(key));
    }
  }

  /** Runs a scripted write again while a step of some JVM holds a lease it needs, for at most the lease timeout. */
  List<Object> waitingForLease(Object key, java.util.function.Supplier<List<Object>> write) {
    return connection.leases().waiting(write, cacheName, key);
  }

  /** Whether a script's reply says that a step of some JVM holds a lease it needs: {-1, ...}. */
  static boolean held(List<Object> reply) {
    return reply.get(0) instanceof Number status && status.intValue() == -1;
  }

  static int status(List<Object> reply) {
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

  /** The PX of an entry with {@code deadline}: '0' for none, '-' when it has passed. */
  static byte[] px(long now, long deadline) {
    if (deadline == Envelope.NO_DEADLINE) {
      return NO_PX;
    }
    if (deadline <= now) {
      return PAST;
    }
    return Long.toString(deadline - now + GRACE_MILLIS).getBytes(StandardCharsets.US_ASCII);
  }
}
