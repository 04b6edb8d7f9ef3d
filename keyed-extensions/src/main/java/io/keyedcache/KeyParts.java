package io.keyedcache;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneId;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/** The rules for {@link CacheKey} parts: which are allowed, and how they hash, compare and render. */
final class KeyParts {
  static final String DELIMITER = "::";


  private KeyParts() {}

  static Object[] normalizeAll(Object[] parts, int firstPosition) {
    Object[] normalized = new Object[parts.length];
    for (int i = 0; i < parts.length; i++) {
      normalized[i] = normalize(parts[i], firstPosition + i);
    }
    return normalized;
  }

  static Object normalize(Object part, int position) {
    if (part == null) {
      throw new NullPointerException("CacheKey part " + position + " is null");
    }
    Class<?> type = part.getClass();
    if (isSimple(type) || part instanceof CacheKey || part instanceof Enum) {
      return part;
    }
    if (part instanceof CacheIdentity) {
      Object identity = ((CacheIdentity) part).cacheIdentity();
      if (identity == null) {
        throw new NullPointerException("cacheIdentity() of " + type.getName() + " (CacheKey part " + position
            + ") returned null");
      }
      return new IdentityPart(type.getName(), normalize(identity, position));
    }
    if (isTimeValue(part)) {
      return part;
    }
    if (part instanceof List) {
      List<?> list = (List<?>) part;
      List<Object> elements = new ArrayList<>(list.size());
      for (Object element : list) {
        elements.add(normalize(element, position));
      }
      return List.copyOf(elements);
    }
    if (part instanceof Serializable) {
      return Digest.of(part, position);
    }
    throw new IllegalArgumentException("CacheKey part " + position + " has type " + type.getName()
        + ", which a key cannot hold: use strings, numbers, booleans, characters, enums, UUIDs, java.time values, "
        + "lists, CacheKeys, CacheIdentity objects, or Serializable objects (which stand as a digest)");
  }

  /**
   * Whether parts of this type stand for themselves. Compared class by class, most common first, instead of
   * looked up in a set of classes: a set probes by identity hash codes, which tools that replace them (Lincheck's
   * model checker does, for reproducible runs) would make miss.
   */
  private static boolean isSimple(Class<?> type) {
    return type == String.class || type == Integer.class || type == Long.class || type == UUID.class
        || type == Boolean.class || type == Character.class || type == Short.class || type == Byte.class
        || type == Double.class || type == Float.class || type == BigInteger.class || type == BigDecimal.class;
  }

  private static boolean isTimeValue(Object part) {
    return part.getClass().getName().startsWith("java.time.")
        && (part instanceof TemporalAccessor || part instanceof TemporalAmount || part instanceof ZoneId);
  }

  // ------------------------------------------------------------------------------------------------ hash

  /** Murmur3's 32-bit mixing over the parts' hashes: small integers spread over the whole range. */
  static int hash(Object[] parts) {
    int h = 0x9747b28c;
    for (Object part : parts) {
      h = mixIn(h, partHash(part));
    }
    return finish(h, parts.length);
  }

  private static int mixIn(int h, int value) {
    int k = value * 0xcc9e2d51;
    k = Integer.rotateLeft(k, 15) * 0x1b873593;
    h ^= k;
    return Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
  }

  private static int finish(int h, int length) {
    h ^= length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  /** A part's hash, the same in every JVM (an enum's own hash code is its identity). */
  static int partHash(Object part) {
    if (part instanceof Enum) {
      Enum<?> constant = (Enum<?>) part;
      return 31 * constant.getDeclaringClass().getName().hashCode() + constant.name().hashCode();
    }
    if (part instanceof List) {
      List<?> list = (List<?>) part;
      int h = 0x5bd1e995;
      for (Object element : list) {
        h = mixIn(h, partHash(element));
      }
      return finish(h, list.size());
    }
    return part.hashCode();
  }

  // ------------------------------------------------------------------------------------------------ order

  static int compare(Object[] a, Object[] b) {
    int common = Math.min(a.length, b.length);
    for (int i = 0; i < common; i++) {
      int c = comparePart(a[i], b[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length, b.length);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static int comparePart(Object x, Object y) {
    if (x instanceof List && y instanceof List) {
      return compare(((List<?>) x).toArray(), ((List<?>) y).toArray());
    }
    if (x.getClass() != y.getClass()) {
      int c = x.getClass().getName().compareTo(y.getClass().getName());
      return c != 0 ? c : Integer.compare(System.identityHashCode(x.getClass()), System.identityHashCode(y.getClass()));
    }
    if (x.equals(y)) {
      return 0;
    }
    if (x instanceof Comparable) {
      int c = ((Comparable) x).compareTo(y);
      if (c != 0) {
        return c;
      }
    }
    // Unequal but not ordered (BigDecimal 1.0 and 1.00, a Period): their texts differ.
    return x.toString().compareTo(y.toString());
  }

  // ------------------------------------------------------------------------------------------------ text

  static void render(Object[] parts, StringBuilder text) {
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        text.append(DELIMITER);
      }
      renderPart(parts[i], text);
    }
  }

  static void renderPart(Object part, StringBuilder text) {
    if (part instanceof String) {
      String s = (String) part;
      if (isPlain(s)) {
        text.append(s);
      } else {
        quote(s, '"', text);
      }
    } else if (part instanceof Integer || part instanceof Boolean) {
      text.append(part);
    } else if (part instanceof Long) {
      text.append(part).append('L');
    } else if (part instanceof Short) {
      text.append(part).append('S');
    } else if (part instanceof Byte) {
      text.append(part).append('B');
    } else if (part instanceof Double || part instanceof Float) {
      double value = ((Number) part).doubleValue();
      String suffix = part instanceof Double ? "D" : "F";
      if (Double.isFinite(value)) {
        text.append(part).append(suffix);
      } else {
        text.append(part.getClass().getSimpleName()).append(':').append(part);
      }
    } else if (part instanceof BigInteger) {
      text.append(part).append('N');
    } else if (part instanceof BigDecimal) {
      text.append(part).append('M');
    } else if (part instanceof Character) {
      quote(part.toString(), '\'', text);
    } else if (part instanceof Enum) {
      Enum<?> constant = (Enum<?>) part;
      text.append("enum:").append(constant.getDeclaringClass().getName()).append('.').append(constant.name());
    } else if (part instanceof UUID) {
      text.append("uuid:").append(part);
    } else if (part instanceof CacheKey) {
      text.append('(').append(part).append(')');
    } else if (part instanceof List) {
      text.append('[');
      List<?> list = (List<?>) part;
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          text.append(", ");
        }
        renderPart(list.get(i), text);
      }
      text.append(']');
    } else if (part instanceof IdentityPart) {
      IdentityPart identity = (IdentityPart) part;
      text.append(identity.className()).append('#');
      renderPart(identity.identity(), text);
    } else if (part instanceof Digest) {
      Digest digest = (Digest) part;
      text.append("digest:").append(digest.className()).append('/').append(digest.hex());
    } else {
      // java.time values: their class names are unique within java.time and their texts contain no delimiter
      text.append(part.getClass().getSimpleName()).append(':').append(part);
    }
  }

  /**
   * A string is written bare when it cannot be read as anything else: it starts with a letter or underscore and
   * holds only letters, digits and {@code _ - . / @}, and it is not a boolean.
   */
  static boolean isPlain(String s) {
    if (s.isEmpty() || s.equals("true") || s.equals("false")) {
      return false;
    }
    char first = s.charAt(0);
    if (!(Character.isLetter(first) || first == '_')) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == '@')) {
        return false;
      }
    }
    return true;
  }

  private static void quote(String s, char quote, StringBuilder text) {
    text.append(quote);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == quote || c == '\\') {
        text.append('\\');
      }
      text.append(c);
    }
    text.append(quote);
  }

  // ------------------------------------------------------------------------------------------------ special parts

  /** A {@link CacheIdentity} object as a key part: its class name and identity. */
  record IdentityPart(String className, Object identity) implements Serializable, Comparable<IdentityPart> {
    @Override
    public int hashCode() {
      return 31 * className.hashCode() + partHash(identity);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof IdentityPart && ((IdentityPart) o).className.equals(className)
          && ((IdentityPart) o).identity.equals(identity);
    }

    @Override
    public int compareTo(IdentityPart other) {
      int c = className.compareTo(other.className);
      return c != 0 ? c : comparePart(identity, other.identity);
    }
  }

  /** Another {@link Serializable} object as a key part: a SHA-256 digest of its serialized form. */
  record Digest(String className, String hex) implements Serializable, Comparable<Digest> {
    static Digest of(Object part, int position) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(part);
      } catch (IOException e) {
        throw new IllegalArgumentException("CacheKey part " + position + " of type " + part.getClass().getName()
            + " could not be serialized for its digest: " + e, e);
      }
      try {
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
        return new Digest(part.getClass().getName(), HexFormat.of().formatHex(sha, 0, 16));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
    }

    @Override
    public int compareTo(Digest other) {
      int c = className.compareTo(other.className);
      return c != 0 ? c : hex.compareTo(other.hex);
    }
  }
}
