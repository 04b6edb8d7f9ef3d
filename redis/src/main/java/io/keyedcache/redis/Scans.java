package io.keyedcache.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What one cache's store reads of all its entries: iteration, the size estimate, clear, and the removal of entries
 * this JVM cannot decode. Each SCANs the names of the cache's values (on every master of a cluster) and reads them in
 * batches ({@code MGET}).
 */
final class Scans<K, V> {
  private static final System.Logger LOG = System.getLogger(Scans.class.getName());

  private final CacheLink<K, V> link;

  Scans(CacheLink<K, V> link) {
    this.link = link;
  }

  /** The live entries, batch by batch; an entry this JVM cannot decode is skipped (logged once per key). */
  Iterator<Map.Entry<K, V>> iterator() {
    return new Iterator<>() {
      private ScanCursor cursor = ScanCursor.INITIAL;
      private final List<Map.Entry<K, V>> batch = new ArrayList<>();
      private int position;

      @Override
      public boolean hasNext() {
        while (position == batch.size() && !cursor.isFinished()) {
          batch.clear();
          position = 0;
          ScanCursor from = cursor;
          KeyScanCursor<byte[]> scanned = link.connection.call(() -> link.commands.scan(from,
              ScanArgs.Builder.matches(link.names.valuePattern()).limit(500)));
          cursor = scanned;
          byte[][] found = matching(scanned, link.names::isValue);
          if (found.length == 0) {
            continue;
          }
          long now = link.now();
          List<KeyValue<byte[], byte[]>> values = link.connection.call(() -> link.commands.mget(found));
          for (KeyValue<byte[], byte[]> value : values) {
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

  long estimatedSize() {
    long[] count = {0};
    scan(link.names.valuePattern(), link.names::isValue, found -> count[0] += found.length);
    return count[0];
  }

  void clear() {
    scan(link.names.valuePattern(), link.names::isValue,
        found -> link.connection.call(() -> link.commands.unlink(found)));
    if (link.indexed) {
      scan(link.names.indexPattern(), link.names::isIndex,
          found -> link.connection.call(() -> link.commands.unlink(found)));
    }
    link.connection.replicatedEverywhere();
    if (link.near != null) {
      link.near.clear();
    }
  }

  /**
   * Removes the entries that this JVM cannot decode, each only if it still holds the bytes that could not be decoded
   * (another JVM may have written a new entry meanwhile): what {@code removeAll()} must not leave behind, though no
   * event can name them. Returns how many it removed.
   */
  long removeUndecodable() {
    long[] removed = {0};
    scan(link.names.valuePattern(), link.names::isValue, found -> {
      List<KeyValue<byte[], byte[]>> values = link.connection.call(() -> link.commands.mget(found));
      for (KeyValue<byte[], byte[]> value : values) {
        if (!value.hasValue()) {
          continue;
        }
        try {
          link.envelope.decodeWithKey(value.getValue());
        } catch (Envelope.Undecodable e) {
          byte[] name = value.getKey();
          byte[][] keys = {name, link.names.leaseOf(name), name};
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

  /**
   * SCANs the whole keyspace (every master of a cluster) for {@code pattern} and hands each non-empty batch of the
   * names that are {@code wanted} to {@code batch}: a glob may match more than it should ({@link Names#isValue}).
   */
  private void scan(String pattern, Predicate<byte[]> wanted, Consumer<byte[][]> batch) {
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      ScanCursor from = cursor;
      KeyScanCursor<byte[]> scanned = link.connection.call(() -> link.commands.scan(from,
          ScanArgs.Builder.matches(pattern).limit(1000)));
      byte[][] found = matching(scanned, wanted);
      if (found.length > 0) {
        batch.accept(found);
      }
      cursor = scanned;
    } while (!cursor.isFinished());
  }

  private static byte[][] matching(KeyScanCursor<byte[]> scanned, Predicate<byte[]> wanted) {
    return scanned.getKeys().stream().filter(wanted).toArray(byte[][]::new);
  }
}
