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
 * The Redis key names of one cache's entries. Every name of a cache shares the hash tag {@code {<namespace>:<cache>}},
 * so that a script over an entry's value, lease and the cache's index touches one hash slot (Redis Cluster later).
 *
 * <pre>
 * &lt;ns&gt;:{&lt;ns&gt;:&lt;cache&gt;}:v:&lt;key&gt;   the entry (an {@link Envelope})
 * &lt;ns&gt;:{&lt;ns&gt;:&lt;cache&gt;}:l:&lt;key&gt;   the lease of a step on it
 * &lt;ns&gt;:{&lt;ns&gt;:&lt;cache&gt;}:i         the sorted index of the cache's CacheKey keys
 * &lt;ns&gt;:{&lt;ns&gt;:&lt;cache&gt;}:f:&lt;key&gt;   the flight lease of a cached function's computation
 * &lt;ns&gt;:{&lt;ns&gt;:&lt;cache&gt;}:g:&lt;group&gt; the generation of a group, incremented by its deletion
 * </pre>
 *
 * A key is named injectively: a {@link CacheKey} by its text ({@code k} first), a string, int or long by its own
 * ({@code s}, {@code i}, {@code l}), any other key by its Java serialization in Base64 ({@code j}).
 */
final class Names {
  private final String prefix;
  private final String tag;
  private final byte[] index;
  /** {@code <prefix>v:}, the start of every value name: names are made on every operation, so from bytes. */
  private final byte[] valuePrefix;

  Names(String namespace, String cacheName) {
    // '}' would end the hash tag early; escaping '%' first keeps the names of two caches apart
    this.tag = (namespace + ":" + cacheName).replace("%", "%25").replace("}", "%7D").replace("{", "%7B");
    this.prefix = namespace + ":{" + tag + "}:";
    this.index = bytes(prefix + "i");
    this.valuePrefix = bytes(prefix + "v:");
  }

  /** What is between the braces of every name of the cache. */
  String tag() {
    return tag;
  }

  byte[] value(Object key) {
    byte[] name = key instanceof String ? concat((byte) 's', bytes((String) key)) : bytes(name(key));
    byte[] value = new byte[valuePrefix.length + name.length];
    System.arraycopy(valuePrefix, 0, value, 0, valuePrefix.length);
    System.arraycopy(name, 0, value, valuePrefix.length, name.length);
    return value;
  }

  byte[] lease(Object key) {
    return leaseOf(value(key));
  }

  /** The lease name of the value name {@code value}: the same name with {@code l:} for {@code v:}. */
  byte[] leaseOf(byte[] value) {
    byte[] lease = value.clone();
    lease[valuePrefix.length - 2] = 'l';
    return lease;
  }

  private static byte[] concat(byte first, byte[] rest) {
    byte[] all = new byte[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  byte[] index() {
    return index;
  }

  /** The flight lease of a cached function's computation of {@code key}. */
  byte[] flight(Object key) {
    return bytes(prefix + "f:" + name(key));
  }

  /** The generation of {@code group}: a group deletion increments it, fencing off computations under it. */
  byte[] generation(CacheKey group) {
    return bytes(prefix + "g:" + group);
  }

  /** The generations of every group {@code key} belongs to: its own and each of its ancestors'. */
  byte[][] generations(CacheKey key) {
    List<Object> parts = key.parts();
    byte[][] generations = new byte[parts.size()][];
    for (int i = 1; i <= parts.size(); i++) {
      generations[i - 1] = generation(CacheKey.of(parts.subList(0, i).toArray()));
    }
    return generations;
  }

  /** A SCAN pattern that matches the value names of this cache, and nothing else. */
  String valuePattern() {
    return escapeGlob(prefix + "v:") + "*";
  }

  private static String escapeGlob(String text) {
    StringBuilder escaped = new StringBuilder(text.length() + 8);
    for (char c : text.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
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
