package io.keyedcache.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValueScanCursor;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * What one cache's store reads of all its entries: iteration, the size estimate, clear, and the removal of entries
 * this JVM cannot decode. Each reads the cache's registry of value names (one per shard on a cluster, for the shards
 * the cache's set of shards lists) and the entries in batches ({@code MGET}): its cost grows with the cache, never
 * with the rest of the server's keyspace. When the server may evict any key ({@link RedisStores#scansKeyspace}),
 * iteration, clear and the removal of undecodable entries also scan the keyspace for the cache's value names, so
 * that an entry whose registry Redis evicted is still found (then the cost is a pass over the server's keys).
 */
final class Scans<K, V> {
  private static final System.Logger LOG = System.getLogger(Scans.class.getName());
  /** How many names one read of a registry, or one run of clear.lua, takes. */
  private static final int BATCH = 500;
  /** How many keys one SCAN of the keyspace looks at (it matches the cache's among them). */
  private static final int KEYSPACE_BATCH = 1000;

  private final CacheLink<K, V> link;

  Scans(CacheLink<K, V> link) {
    this.link = link;
  }

  /** The shards that may hold entries: one server's one, or those the cache's set of shards lists. */
  private List<Integer> shards() {
    if (!link.names.sharded()) {
      return List.of(0);
    }
    TreeSet<Integer> shards = new TreeSet<>();
    for (byte[] member : link.connection.call(() -> link.commands.smembers(link.names.shards()))) {
      shards.add(Integer.parseInt(new String(member, StandardCharsets.US_ASCII)));
    }
    return new ArrayList<>(shards);
  }

  /** Hands each batch of the value names the registries list (and, when scanning, the keyspace holds) to {@code batch}. */
  private void names(java.util.function.Consumer<byte[][]> batch) {
    Walk walk = new Walk(shards(), link.connection.scansKeyspace(), false);
    for (byte[][] names = walk.next(); names != null; names = walk.next()) {
      batch.accept(names);
    }
  }

  /**
   * The value names the registries of some shards list, a batch at a time (ZSCAN: weakly consistent, never an
   * error); then, when {@code keyspace}, those a SCAN of the server's keyspace finds (every entry present throughout
   * is found, wherever its registry went), each once when {@code distinct}.
   */
  private final class Walk {
    private final List<Integer> shards;
    private final boolean keyspace;
    private final java.util.Set<java.nio.ByteBuffer> seen;
    private int at;
    private ScanCursor cursor = ScanCursor.INITIAL;
    private ScanCursor keys;

    Walk(List<Integer> shards, boolean keyspace, boolean distinct) {
      this.shards = shards;
      this.keyspace = keyspace;
      this.seen = keyspace && distinct ? new java.util.HashSet<>() : null;
    }

    /** The next non-empty batch, or null when every shard (and the keyspace) is done. */
    byte[][] next() {
      while (at < shards.size()) {
        if (cursor.isFinished()) {
          at++;
          cursor = ScanCursor.INITIAL;
          continue;
        }
        byte[] registry = link.names.registryOfShard(shards.get(at));
        ScanCursor from = cursor;
        ScoredValueScanCursor<byte[]> scanned = link.connection.call(() -> link.commands.zscan(registry, from,
            ScanArgs.Builder.limit(BATCH)));
        cursor = scanned;
        byte[][] names = distinct(scanned.getValues().stream().map(scored -> scored.getValue()).toList());
        if (names.length > 0) {
          return names;
        }
      }
      while (keyspace && (keys == null || !keys.isFinished())) {
        ScanCursor from = keys == null ? ScanCursor.INITIAL : keys;
        ScanArgs pattern = ScanArgs.Builder.matches(link.names.valuePattern("")).limit(KEYSPACE_BATCH);
        io.lettuce.core.KeyScanCursor<byte[]> scanned = link.connection.call(() -> link.commands.scan(from, pattern));
        keys = scanned;
        byte[][] names = distinct(scanned.getKeys());
        if (names.length > 0) {
          return names;
        }
      }
      return null;
    }

    private byte[][] distinct(List<byte[]> names) {
      if (seen == null) {
        return names.toArray(byte[][]::new);
      }
      return names.stream().filter(name -> seen.add(java.nio.ByteBuffer.wrap(name))).toArray(byte[][]::new);
    }
  }

  /** The live entries, batch by batch; an entry this JVM cannot decode is skipped (logged once per key). */
  Iterator<Map.Entry<K, V>> iterator() {
    return new Iterator<>() {
      private Walk walk;
      private boolean done;
      private final List<Map.Entry<K, V>> batch = new ArrayList<>();
      private int position;

      @Override
      public boolean hasNext() {
        while (position == batch.size() && !done) {
          batch.clear();
          position = 0;
          if (walk == null) {
            // on the first call, not when the iterator is made
            walk = new Walk(shards(), link.connection.scansKeyspace(), true);
          }
          byte[][] names = walk.next();
          if (names == null) {
            done = true;
            break;
          }
          long now = link.now();
          for (KeyValue<byte[], byte[]> value : link.connection.call(() -> link.commands.mget(names))) {
            if (!value.hasValue()) {
              continue;
            }
            try {
              Envelope.Entry entry = link.envelope.decodeWithKey(value.getValue());
              if (entry.isLive(now)) {
                @SuppressWarnings("unchecked")
                K key = (K) entry.key();
                batch.add(new AbstractMap.SimpleImmutableEntry<>(key, link.value(entry)));
              }
            } catch (Envelope.Undecodable e) {
              link.connection.undecodable(value.getKey(), e);
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

  /**
   * The names the registries list, less those whose entries Redis has dropped by their TTL: a name is scored by its
   * entry's deadline, and Redis drops the entry the grace after it.
   */
  long estimatedSize() {
    Range<Long> dropped = Range.from(Range.Boundary.unbounded(),
        Range.Boundary.excluding(link.now() - CacheLink.GRACE_MILLIS));
    List<Integer> shards = shards();
    List<RedisFuture<Long>> pruned = new ArrayList<>(shards.size());
    List<RedisFuture<Long>> counted = new ArrayList<>(shards.size());
    for (int shard : shards) {
      byte[] registry = link.names.registryOfShard(shard);
      pruned.add(link.connection.call(() -> link.connection.async().zremrangebyscore(registry, dropped)));
      counted.add(link.connection.call(() -> link.connection.async().zcard(registry)));
    }
    long size = 0;
    for (int i = 0; i < shards.size(); i++) {
      byte[] registry = link.names.registryOfShard(shards.get(i));
      link.connection.await(pruned.get(i), () -> link.commands.zremrangebyscore(registry, dropped));
      size += link.connection.await(counted.get(i), () -> link.commands.zcard(registry));
    }
    return size;
  }

  /**
   * Removes every entry the registries list, and the shards' indexes of CacheKey keys, in rounds: each round reads a
   * batch of names from every shard that has some left and removes them (clear.lua), the shards' commands all sent
   * before the first reply is awaited. Entries written while it runs may stay, as on the embedded tier.
   */
  void clear() {
    List<Integer> left = shards();
    while (!left.isEmpty()) {
      List<RedisFuture<List<byte[]>>> read = new ArrayList<>(left.size());
      for (int shard : left) {
        byte[] registry = link.names.registryOfShard(shard);
        read.add(link.connection.call(() -> link.connection.async().zrange(registry, 0, BATCH - 1)));
      }
      List<Integer> more = new ArrayList<>();
      List<byte[][]> keys = new ArrayList<>();
      List<byte[][]> args = new ArrayList<>();
      for (int i = 0; i < left.size(); i++) {
        int shard = left.get(i);
        byte[] registry = link.names.registryOfShard(shard);
        List<byte[]> names = link.connection.await(read.get(i), () -> link.commands.zrange(registry, 0, BATCH - 1));
        boolean last = names.size() < BATCH;
        byte[][] batch = new byte[names.size() + (last ? 2 : 1)][];
        batch[0] = link.names.registryOfShard(shard);
        for (int j = 0; j < names.size(); j++) {
          batch[j + 1] = names.get(j);
        }
        if (last) {
          batch[batch.length - 1] = link.names.indexOfShard(shard);
        } else {
          more.add(shard);
        }
        keys.add(batch);
        args.add(new byte[][] {(last ? "last" : "more").getBytes(StandardCharsets.US_ASCII)});
      }
      link.connection.runAll(Script.CLEAR, keys, args);
      left = more;
    }
    if (link.connection.scansKeyspace()) {
      clearUnlisted();
    }
    link.connection.replicatedEverywhere();
    if (link.near != null) {
      link.near.clear();
    }
  }

  /** Removes the entries no registry lists (Redis evicted it), found by a scan of the keyspace, shard by shard. */
  private void clearUnlisted() {
    Walk walk = new Walk(List.of(), true, false);
    for (byte[][] names = walk.next(); names != null; names = walk.next()) {
      java.util.Map<Integer, List<byte[]>> byShard = new java.util.TreeMap<>();
      for (byte[] name : names) {
        byShard.computeIfAbsent(link.names.shardOfValue(name), shard -> new ArrayList<>()).add(name);
      }
      List<byte[][]> keys = new ArrayList<>();
      List<byte[][]> args = new ArrayList<>();
      for (Map.Entry<Integer, List<byte[]>> shard : byShard.entrySet()) {
        byte[][] batch = new byte[shard.getValue().size() + 1][];
        batch[0] = link.names.registryOfShard(shard.getKey());
        for (int j = 0; j < shard.getValue().size(); j++) {
          batch[j + 1] = shard.getValue().get(j);
        }
        keys.add(batch);
        args.add(new byte[][] {"more".getBytes(StandardCharsets.US_ASCII)});
      }
      link.connection.runAll(Script.CLEAR, keys, args);
    }
  }

  /**
   * Removes the entries that this JVM cannot decode, each only if it still holds the bytes that could not be decoded
   * (another JVM may have written a new entry meanwhile): what {@code removeAll()} must not leave behind, though no
   * event can name them. Returns how many it removed.
   */
  long removeUndecodable() {
    long[] removed = {0};
    names(names -> {
      List<KeyValue<byte[], byte[]>> values = link.connection.call(() -> link.commands.mget(names));
      for (KeyValue<byte[], byte[]> value : values) {
        if (!value.hasValue()) {
          continue;
        }
        try {
          link.envelope.decodeWithKey(value.getValue());
        } catch (Envelope.Undecodable e) {
          byte[] name = value.getKey();
          int shard = link.names.shardOfValue(name);
          byte[][] keys = {name, link.names.leaseOf(name), link.names.indexOfShard(shard),
              link.names.registryOfShard(shard)};
          if (CacheLink.status(link.connection.call(() -> Script.REMOVE_IF_SAME.run(link.commands, keys,
              value.getValue(), CacheLink.EMPTY))) == 1) {
            removed[0]++;
          }
        }
      }
    });
    if (removed[0] > 0) {
      LOG.log(System.Logger.Level.WARNING, "removeAll() of cache '" + link.cacheName + "' removed " + removed[0]
          + " entries that this JVM cannot decode from Redis at " + link.connection.server()
          + " (no event names them)");
      if (link.near != null) {
        link.near.clear();
      }
    }
    return removed[0];
  }
}
