package io.keyedcache.redis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.nio.charset.StandardCharsets;

/**
 * The stored form of one entry: a header that scripts can read (format, codec, deadline) and the key and value in
 * Java serialization. Decoding goes through an {@link ObjectInputFilter} allow-list, so that no class outside it is
 * ever instantiated from what a server holds.
 *
 * <pre>
 * bytes 0-1   "K1"   magic and format version
 * byte  2     'J'    codec: Java serialization
 * bytes 3-21         the deadline in epoch milliseconds, 19 ASCII digits (9223372036854775807: none)
 * bytes 22-          the serialized key, then the serialized value
 * </pre>
 */
final class Envelope {
  static final int HEADER = 22;
  static final long NO_DEADLINE = Long.MAX_VALUE;
  /** What every manager may decode: the JDK's value types and our keys. */
  static final String BASE_FILTER = "java.lang.*;java.util.*;java.time.*;java.math.*;java.net.URI;io.keyedcache.*";

  private final ObjectInputFilter filter;
  private final ClassLoader classLoader;

  /**
   * @param allowed the classes the application adds to {@link #BASE_FILTER}, as an {@link ObjectInputFilter}
   *     pattern (empty: none); every class outside both is rejected
   */
  Envelope(String allowed, ClassLoader classLoader) {
    String pattern = BASE_FILTER + (allowed == null || allowed.isBlank() ? "" : ";" + allowed.strip()) + ";!*";
    this.filter = ObjectInputFilter.Config.createFilter(pattern);
    this.classLoader = classLoader;
  }

  /** What was decoded: the key, the value and the deadline. */
  record Entry(Object key, Object value, long deadline) {
    boolean isLive(long now) {
      return deadline > now;
    }
  }

  /** The entry could not be decoded: another format, bytes that are not ours, or a class outside the list. */
  static final class Undecodable extends Exception {
    private static final long serialVersionUID = 1L;

    Undecodable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  byte[] encode(Object key, Object value, long deadline) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    bytes.writeBytes(header(deadline));
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(key);
      out.writeObject(value);
    } catch (NotSerializableException e) {
      throw new IllegalArgumentException("Cannot store an object of class " + e.getMessage() + " on the shared tier:"
          + " it is not serializable", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot store a value of class " + value.getClass().getName()
          + " on the shared tier: " + e, e);
    }
    return bytes.toByteArray();
  }

  /** The same entry with another deadline. */
  static byte[] withDeadline(byte[] stored, long deadline) {
    byte[] copy = stored.clone();
    System.arraycopy(header(deadline), 0, copy, 0, HEADER);
    return copy;
  }

  static byte[] header(long deadline) {
    String digits = Long.toString(Math.max(0, deadline));
    String header = "K1J" + "0".repeat(19 - digits.length()) + digits;
    return header.getBytes(StandardCharsets.US_ASCII);
  }

  static long deadline(byte[] stored) throws Undecodable {
    if (stored.length < HEADER || stored[0] != 'K' || stored[1] != '1' || stored[2] != 'J') {
      throw new Undecodable("not a keyedcache entry of format 1", null);
    }
    try {
      return Long.parseLong(new String(stored, 3, 19, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      throw new Undecodable("its deadline is not a number", e);
    }
  }

  Entry decode(byte[] stored) throws Undecodable {
    long deadline = deadline(stored);
    try (ObjectInputStream in = new FilteredInput(new ByteArrayInputStream(stored, HEADER, stored.length - HEADER))) {
      Object key = in.readObject();
      Object value = in.readObject();
      return new Entry(key, value, deadline);
    } catch (InvalidClassException e) {
      throw new Undecodable("a class outside the serialization filter (" + e.getMessage() + ")", e);
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      throw new Undecodable("its bytes do not decode (" + e + ")", e);
    }
  }

  private final class FilteredInput extends ObjectInputStream {
    FilteredInput(InputStream in) throws IOException {
      super(in);
      setObjectInputFilter(filter);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, classLoader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
