package io.keyedcache.redis;

import io.keyedcache.CacheKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The Redis key names of one cache's entries. Every script touches the names of one hash tag only, so that it runs
 * on one hash slot of a Redis Cluster.
 *
 * <p>On one server every name of a cache shares the hash tag {@code <namespace>:<cache>}:
 *
 * <pre>
 * &lt;ns&gt;:{&lt;ns&gt;:&lt;cache&gt;}:v:&lt;key&gt;   the entry (an {@link Envelope})
 * &lt;ns&gt;:{&lt;ns&gt;:&lt;cache&gt;}:l:&lt;key&gt;   the lease of a step on it
 * &lt;ns&gt;:{&lt;ns&gt;:&lt;cache&gt;}:i         the sorted index of the cache's CacheKey keys
 * &lt;ns&gt;:{&lt;ns&gt;:&lt;cache&gt;}:e         the registry of the cache's value names, scored by deadline
 * &lt;ns&gt;:{&lt;ns&gt;:&lt;cache&gt;}:f:&lt;key&gt;   the flight lease of a cached function's computation
 * &lt;ns&gt;:{&lt;ns&gt;:&lt;cache&gt;}:g:&lt;group&gt; the generation of a group, deleted by its deletion (1 h TTL)
 * </pre>
 *
 * <p>On a cluster ({@code sharded}) a cache is spread over {@value #SHARDS} shards, the hash tag
 * {@code <namespace>:<cache>:<shard>} each (a ':' in the cache's name escaped, so that a SCAN pattern over the shards
 * of one cache matches no other's), with an index and generations of its own. A key that is no {@link CacheKey}
 * has the shard of its name's hash; a {@link CacheKey} has one of the {@value #GROUP_SHARDS} consecutive shards of its
 * top-level group (its first part), by its own hash: a group is spread over a few slots, so that one group is not
 * bound to one master, and its deletion visits those few shards, never a scan. The set {@code
 * <ns>:{<ns>:<cache>}:s} lists the shards that have ever had an entry (each JVM adds a shard before its first write
 * there), so that iteration and clear visit those shards' registries, never the keyspace.
 *
 * <p>A key is named injectively: a {@link CacheKey} by its text ({@code k} first), a string, int or long by its own
 * ({@code s}, {@code i}, {@code l}), any other key by its Java serialization in Base64 ({@code j}).
 */
final class Names {
  /** How many shards a cache has on a cluster: as many as the cluster has slots. */
  static final int SHARDS = 16384;
  /** How many of them the keys of one top-level group share. */
  static final int GROUP_SHARDS = 16;

  private final String namespace;
  private final boolean sharded;
  private final String tag;
  /** {@code <ns>:{<tag>}:} on one server; {@code <ns>:{<tag>:} on a cluster, the shard and '}:' to follow. */
  private final String prefix;
  private final byte[] index;
  private final byte[] registry;
  /** {@code <prefix>v:}, the start of every value name on one server: names are made on every operation. */
  private final byte[] valuePrefix;
  /** On a cluster, each shard's {@code <prefix><shard>}:v:}, made when first needed. */
  private final java.util.concurrent.atomic.AtomicReferenceArray<byte[]> valuePrefixes;

  Names(String namespace, String cacheName) {
    this(namespace, cacheName, false);
  }

  Names(String namespace, String cacheName, boolean sharded) {
    this.namespace = namespace;
    this.sharded = sharded;
    // '}' would end the hash tag early; escaping '%' first keeps the names of two caches apart
    String escaped = cacheName.replace("%", "%25").replace("}", "%7D").replace("{", "%7B");
    this.tag = namespace + ":" + (sharded ? escaped.replace(":", "%3A") : escaped);
    this.prefix = sharded ? namespace + ":{" + tag + ":" : namespace + ":{" + tag + "}:";
    this.index = bytes(prefix + "i");
    this.registry = bytes(prefix + "e");
    this.valuePrefix = bytes(prefix + "v:");
    this.valuePrefixes = sharded ? new java.util.concurrent.atomic.AtomicReferenceArray<>(SHARDS) : null;
  }

  /** What is between the braces of every name of the cache, less the shard on a cluster. */
  String tag() {
    return tag;
  }

  /** Whether the cache is spread over shards (a cluster). */
  boolean sharded() {
    return sharded;
  }

  byte[] value(Object key) {
    byte[] name = key instanceof String ? concat((byte) 's', bytes((String) key)) : bytes(name(key));
    byte[] start = sharded ? valuePrefix(shard(key, name)) : valuePrefix;
    byte[] value = new byte[start.length + name.length];
    System.arraycopy(start, 0, value, 0, start.length);
    System.arraycopy(name, 0, value, start.length, name.length);
    return value;
  }

  byte[] lease(Object key) {
    return leaseOf(value(key));
  }

  /** The lease name of the value name {@code value}: the same name with {@code l:} for {@code v:}. */
  byte[] leaseOf(byte[] value) {
    byte[] lease = value.clone();
    lease[close(value) + 2] = 'l';
    return lease;
  }

  private static byte[] concat(byte first, byte[] rest) {
    byte[] all = new byte[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  /** The index of the CacheKey keys of {@code key}'s shard, where its entry is listed. */
  byte[] index(Object key) {
    return sharded ? bytes(shardPrefix(shard(key)) + "i") : index;
  }

  /** The registry of the value names of {@code key}'s shard (one server: of the cache). */
  byte[] registry(Object key) {
    return sharded ? registryOfShard(shard(key)) : registry;
  }

  /** The registry of the value names in {@code shard} (one server: 0, the cache's). */
  byte[] registryOfShard(int shard) {
    return sharded ? bytes(shardPrefix(shard) + "e") : registry;
  }

  /** The index of the CacheKey keys in {@code shard} (one server: 0, the cache's). */
  byte[] indexOfShard(int shard) {
    return sharded ? bytes(shardPrefix(shard) + "i") : index;
  }

  /** The shard of {@code key}: 0 on one server. */
  int shardOf(Object key) {
    return shard(key);
  }

  /** On a cluster, the set of the shards that have had an entry: a hash tag of its own, the cache's without a shard. */
  byte[] shards() {
    return bytes(namespace + ":{" + tag + "}:s");
  }

  /** The indexes that may list members of {@code group}: one per shard of its top-level group. */
  byte[][] indexes(CacheKey group) {
    return inGroupShards(group, "i");
  }

  /** The flight lease of a cached function's computation of {@code key}. */
  byte[] flight(Object key) {
    return bytes(shardPrefix(shard(key)) + "f:" + name(key));
  }

  /**
   * The generations of {@code group} that its deletion deletes, fencing off computations under it: one per shard
   * of its top-level group, since each shard's scripts see their own.
   */
  byte[][] fences(CacheKey group) {
    return inGroupShards(group, "g:" + group);
  }

  /** The name {@code <shard prefix><rest>} in each shard of {@code group}'s top-level group (the one on a server). */
  private byte[][] inGroupShards(CacheKey group, String rest) {
    if (!sharded) {
      return new byte[][] {bytes(prefix + rest)};
    }
    int first = topShard(group);
    byte[][] names = new byte[GROUP_SHARDS][];
    for (int i = 0; i < GROUP_SHARDS; i++) {
      names[i] = bytes(shardPrefix((first + i) % SHARDS) + rest);
    }
    return names;
  }

  /** The generations, in {@code key}'s shard, of every group {@code key} belongs to: its own and its ancestors'. */
  byte[][] generations(CacheKey key) {
    String start = shardPrefix(shard(key)) + "g:";
    List<Object> parts = key.parts();
    byte[][] generations = new byte[parts.size()][];
    for (int i = 1; i <= parts.size(); i++) {
      generations[i - 1] = bytes(start + CacheKey.of(parts.subList(0, i).toArray()));
    }
    return generations;
  }

  /**
   * A SCAN pattern matching the value names of this cache (in every shard on a cluster) whose key name (after
   * {@code v:}) starts with {@code keyName}; {@code *} follows it.
   */
  String valuePattern(String keyName) {
    String start = sharded ? glob(namespace + ":{" + tag + ":") + "*}:v:" : glob(prefix) + "v:";
    return start + glob(keyName) + "*";
  }

  /** {@code text} with the characters special to Redis's glob patterns escaped. */
  static String glob(String text) {
    StringBuilder escaped = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' || c == '^') {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  /** The key name (what follows {@code v:}) of the value name {@code value}. */
  String keyNameOf(byte[] value) {
    int start = close(value) + 4; // '}:v:'
    return new String(value, start, value.length - start, StandardCharsets.UTF_8);
  }

  /** The shard of the value name {@code value}: 0 on one server, the number before its tag's '}' on a cluster. */
  int shardOfValue(byte[] value) {
    if (!sharded) {
      return 0;
    }
    int close = close(value);
    int digits = close;
    while (digits > 0 && value[digits - 1] >= '0' && value[digits - 1] <= '9') {
      digits--;
    }
    return Integer.parseInt(new String(value, digits, close - digits, StandardCharsets.US_ASCII));
  }

  /** Where the hash tag of a name of this cache ends. */
  private int close(byte[] name) {
    int close = namespace.length() + 2; // no '}' before the tag's own: namespaces are letters, digits, - _ .
    while (close < name.length && name[close] != '}') {
      close++;
    }
    return close;
  }

  private byte[] valuePrefix(int shard) {
    byte[] start = valuePrefixes.get(shard); // a volatile read: the bytes are seen whole
    if (start == null) {
      start = bytes(shardPrefix(shard) + "v:"); // two threads may both make it: the same bytes
      valuePrefixes.set(shard, start);
    }
    return start;
  }

  /** {@code <ns>:{<tag>}:} of the shard: what every name in it starts with. */
  private String shardPrefix(int shard) {
    return sharded ? prefix + shard + "}:" : prefix;
  }

  private int shard(Object key) {
    return sharded ? shard(key, null) : 0;
  }

  /** The shard of {@code key}, whose name is {@code name} if the caller has it. */
  private static int shard(Object key, byte[] name) {
    if (key instanceof CacheKey) {
      CacheKey cacheKey = (CacheKey) key;
      return Math.floorMod(topShard(cacheKey) + Math.floorMod(mix(cacheKey.toString().hashCode()), GROUP_SHARDS),
          SHARDS);
    }
    return Math.floorMod(mix(java.util.Arrays.hashCode(name == null ? bytes(name(key)) : name)), SHARDS);
  }

  /** The first of the shards of {@code key}'s top-level group. */
  private static int topShard(CacheKey key) {
    Object top = key.parts().get(0);
    return Math.floorMod(mix(CacheKey.of(top).toString().hashCode()), SHARDS);
  }


  /** Murmur3's finalizer: the hash codes of similar names land far apart. */
  private static int mix(int hash) {
    int h = hash;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  static String name(Object key) {
    if (key instanceof CacheKey) {
      return "k" + key;
    }
    if (key instanceof String) {
      return "s" + key;
    }
    if (key instanceof Integer) {
      return "i" + key;
    }
    if (key instanceof Long) {
      return "l" + key;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(key);
    } catch (NotSerializableException e) {
      throw new IllegalArgumentException("A key of class " + key.getClass().getName() + " cannot be named on the"
          + " shared tier: it is not serializable", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("A key of class " + key.getClass().getName() + " cannot be named on the"
          + " shared tier: " + e, e);
    }
    return "j" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.toByteArray());
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
