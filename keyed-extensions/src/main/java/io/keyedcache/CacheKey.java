package io.keyedcache;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A composite cache key built from parts: {@code CacheKey.of("product", 123)}.
 *
 * <p><b>Parts.</b> Strings, numbers ({@code Integer}, {@code Long}, {@code Short}, {@code Byte}, {@code Double},
 * {@code Float}, {@code BigInteger}, {@code BigDecimal}), booleans, characters, enums, UUIDs, {@code java.time}
 * values, nested keys, lists of such parts, and {@link CacheIdentity} objects (which stand for themselves by class
 * name and identity). Any other {@link Serializable} object is replaced by a digest of its serialized form (the
 * rule of django-keyedcache, made explicit): equal serialized forms give equal keys. Anything else is refused
 * with an {@link IllegalArgumentException} that names its type; {@code null} with a {@link NullPointerException}.
 *
 * <p><b>Equality.</b> Structural and injective: {@code of("a::b")} and {@code of("a", "b")} differ, and so do
 * {@code of(1)}, {@code of(1L)} and {@code of("1")}. A key given as the only part is that key:
 * {@code CacheKey.of(k) == k}.
 *
 * <p><b>Hierarchy.</b> A key's children are the keys that extend its parts: {@code of("product", 123)} is the
 * parent of {@code of("product", 123, "reviews")}. {@link KeyedCache#deleteGroup(CacheKey)} removes a key and all
 * its children. The natural order ({@link #compareTo}) puts a key right before its children, so the children of
 * a key form one range of a sorted set.
 *
 * <p><b>Text.</b> {@link #toString()} is readable ({@code product::123}) and also injective: strings that could
 * be mistaken for another part or contain the delimiter are quoted, and other types are marked
 * ({@code 123L} for a long, {@code uuid:...}, {@code LocalDate:2024-05-01}).
 *
 * <p><b>Hash.</b> The hash code is a strong 32-bit mix of the parts' hash codes, computed once, and is the same
 * in every JVM: Caffeine's eviction policy counts frequencies by hash, and keys of small integers must not
 * collide.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CacheKey implements Comparable<CacheKey>, Serializable {
  private static final long serialVersionUID = 1L;

  private final Object[] parts;
  private final int hash;

  private CacheKey(Object[] normalizedParts) {
    this.parts = normalizedParts;
    this.hash = KeyParts.hash(normalizedParts);
  }

  /**
   * The key of these parts; the key itself when the only part is a {@code CacheKey}.
   *
   * @throws IllegalArgumentException if there are no parts, or a part's type is not allowed (the message names
   *     the type and the position)
   * @throws NullPointerException if a part is null
   */
  public static CacheKey of(Object... parts) {
    requireNonNull(parts, "parts");
    if (parts.length == 1 && parts[0] instanceof CacheKey) {
      return (CacheKey) parts[0];
    }
    if (parts.length == 0) {
      throw new IllegalArgumentException("A CacheKey needs at least one part");
    }
    return new CacheKey(KeyParts.normalizeAll(parts, 0));
  }

  /**
   * The key whose readable text ({@link #toString()}) is {@code text}: {@code parse("product::123")} is
   * {@code of("product", 123)}. Reads back every part that stands for itself (strings, numbers, booleans,
   * characters, enums, UUIDs, lists, nested keys); enums are resolved through the thread's context class loader.
   *
   * @throws IllegalArgumentException if the text is not the text of a key, or holds a part that cannot be read
   *     back (a digest, a {@link CacheIdentity} or a {@code java.time} value); the message names the position
   * @throws NullPointerException if {@code text} is null
   */
  public static CacheKey parse(String text) {
    return parse(text, Thread.currentThread().getContextClassLoader());
  }

  /**
   * As {@link #parse(String)}, resolving enum classes through {@code classLoader}.
   *
   * @throws IllegalArgumentException if the text is not the text of a key that can be read back
   * @throws NullPointerException if {@code text} is null
   */
  public static CacheKey parse(String text, ClassLoader classLoader) {
    requireNonNull(text, "text");
    return KeyText.parse(text, classLoader);
  }

  /**
   * A builder that starts with these parts and then takes named pairs, as django-keyedcache's
   * {@code cache_key(*keys, **pairs)}: the pairs are sorted by name and appended as name, value.
   */
  public static Builder builder(Object... parts) {
    return new Builder(parts);
  }

  /**
   * The key extended by more parts, a child of this key.
   *
   * @throws IllegalArgumentException if no parts are given or one is not allowed
   */
  public CacheKey child(Object... more) {
    requireNonNull(more, "parts");
    if (more.length == 0) {
      throw new IllegalArgumentException("A child key needs at least one more part");
    }
    Object[] extended = Arrays.copyOf(parts, parts.length + more.length);
    Object[] added = KeyParts.normalizeAll(more, parts.length);
    System.arraycopy(added, 0, extended, parts.length, added.length);
    return new CacheKey(extended);
  }

  /** Whether {@code other} is a child of this key: it starts with all of this key's parts and has more. */
  public boolean isParentOf(CacheKey other) {
    requireNonNull(other, "other");
    if (other.parts.length <= parts.length) {
      return false;
    }
    for (int i = 0; i < parts.length; i++) {
      if (!parts[i].equals(other.parts[i])) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code other} is this key or one of its children: what {@code deleteGroup(this)} removes. */
  public boolean isGroupOf(CacheKey other) {
    return equals(other) || isParentOf(other);
  }

  /** The parts, after normalization (identities and digests in place of the objects given). */
  public List<Object> parts() {
    return Collections.unmodifiableList(Arrays.asList(parts));
  }

  /** The number of parts. */
  public int size() {
    return parts.length;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CacheKey)) {
      return false;
    }
    CacheKey other = (CacheKey) o;
    return hash == other.hash && Arrays.equals(parts, other.parts);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /**
   * Orders keys part by part, a key before its children, so that a key's group is one contiguous range.
   * Consistent with {@link #equals}.
   */
  @Override
  public int compareTo(CacheKey other) {
    return KeyParts.compare(parts, other.parts);
  }

  /** The readable, injective text of the key, parts joined by {@code ::}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(16 * parts.length);
    KeyParts.render(parts, text);
    return text.toString();
  }

  /**
   * Builds a key from leading parts and named pairs. Not thread-safe; each {@link #build()} gives a new key.
   */
  public static final class Builder {
    private final Object[] leading;
    private final Map<String, Object> pairs = new TreeMap<>();

    private Builder(Object[] leading) {
      this.leading = requireNonNull(leading, "parts").clone();
    }

    /**
     * Adds a named pair; a name given twice keeps the last value.
     *
     * @throws NullPointerException if the name or value is null
     */
    public Builder with(String name, Object value) {
      pairs.put(requireNonNull(name, "pair name"), requireNonNull(value, () -> "value of pair " + name));
      return this;
    }

    /**
     * The key: the leading parts, then name, value for each pair in name order.
     *
     * @throws IllegalArgumentException if there are no parts at all, or a part's type is not allowed
     */
    public CacheKey build() {
      Object[] all = Arrays.copyOf(leading, leading.length + 2 * pairs.size());
      int i = leading.length;
      for (Map.Entry<String, Object> pair : pairs.entrySet()) {
        all[i++] = pair.getKey();
        all[i++] = pair.getValue();
      }
      return of(all);
    }
  }
}
