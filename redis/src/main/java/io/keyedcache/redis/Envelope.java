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
 * byte  2            the value's codec: 'S' a string in UTF-8, 'J' Java serialization
 * bytes 3-21         the deadline in epoch milliseconds, 19 ASCII digits (9223372036854775807: none)
 * bytes 22-25        n, the length of the key's part (big-endian)
 * bytes 26-          the key: its codec ('S' or 'J') and its bytes (n in all), then the value's bytes
 * </pre>
 *
 * A read decodes the value alone; the key is decoded only where it is needed (iteration). Strings, the most
 * common keys and values, skip Java serialization both ways.
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

  /** What was decoded: the key (null unless asked for), the value and the deadline. */
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
    byte[] keyPart = part(key);
    byte[] valuePart = part(value);
    byte[] stored = new byte[HEADER + 4 + keyPart.length + valuePart.length - 1];
    System.arraycopy(header(deadline), 0, stored, 0, HEADER);
    stored[2] = valuePart[0];
    int n = keyPart.length;
    stored[HEADER] = (byte) (n >>> 24);
    stored[HEADER + 1] = (byte) (n >>> 16);
    stored[HEADER + 2] = (byte) (n >>> 8);
    stored[HEADER + 3] = (byte) n;
    System.arraycopy(keyPart, 0, stored, HEADER + 4, n);
    System.arraycopy(valuePart, 1, stored, HEADER + 4 + n, valuePart.length - 1);
    return stored;
  }

  /** A value's codec byte and bytes, as an entry holds them after its key: what write.lua compares. */
  byte[] valueBytes(Object value) {
    return part(value);
  }

  /** An object's codec byte and bytes. */
  private static byte[] part(Object object) {
    if (object instanceof String) {
      byte[] text = ((String) object).getBytes(StandardCharsets.UTF_8);
      byte[] part = new byte[text.length + 1];
      part[0] = 'S';
      System.arraycopy(text, 0, part, 1, text.length);
      return part;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    bytes.write('J');
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(object);
    } catch (NotSerializableException e) {
      throw new IllegalArgumentException("Cannot store an object of class " + e.getMessage() + " on the shared tier:"
          + " it is not serializable (the shared tier sends keys and values to other JVMs as bytes)", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot store an object of class " + object.getClass().getName()
          + " on the shared tier: " + e, e);
    }
    return bytes.toByteArray();
  }

  /** The same entry with another deadline. */
  static byte[] withDeadline(byte[] stored, long deadline) {
    byte[] copy = stored.clone();
    System.arraycopy(digits(deadline), 0, copy, 3, 19);
    return copy;
  }

  /** The header of an entry whose value's codec is Java serialization (encode sets the codec byte). */
  static byte[] header(long deadline) {
    byte[] header = new byte[HEADER];
    header[0] = 'K';
    header[1] = '1';
    header[2] = 'J';
    System.arraycopy(digits(deadline), 0, header, 3, 19);
    return header;
  }

  private static final byte[] NO_DEADLINE_DIGITS = Long.toString(NO_DEADLINE).getBytes(StandardCharsets.US_ASCII);

  /** A deadline as the header holds it: 19 ASCII digits. */
  static byte[] digits(long deadline) {
    if (deadline == NO_DEADLINE) {
      return NO_DEADLINE_DIGITS; // 19 digits already; callers only copy from it
    }
    String digits = Long.toString(Math.max(0, deadline));
    return ("0".repeat(19 - digits.length()) + digits).getBytes(StandardCharsets.US_ASCII);
  }

  static long deadline(byte[] stored) throws Undecodable {
    if (stored.length < HEADER + 4 || stored[0] != 'K' || stored[1] != '1' || (stored[2] != 'J' && stored[2] != 'S')) {
      throw new Undecodable("not a keyedcache entry of format 1", null);
    }
    // 19 ASCII digits, read in place: every read of an entry parses one
    long deadline = 0;
    for (int i = 3; i < HEADER; i++) {
      int digit = stored[i] - '0';
      if (digit < 0 || digit > 9 || deadline > (Long.MAX_VALUE - digit) / 10) {
        throw new Undecodable("its deadline is not a number", null);
      }
      deadline = deadline * 10 + digit;
    }
    return deadline;
  }

  /** The entry's value and deadline. */
  Entry decode(byte[] stored) throws Undecodable {
    return decode(stored, false);
  }

  /** The entry's key, value and deadline. */
  Entry decodeWithKey(byte[] stored) throws Undecodable {
    return decode(stored, true);
  }

  private Entry decode(byte[] stored, boolean withKey) throws Undecodable {
    long deadline = deadline(stored);
    int n = ((stored[HEADER] & 0xff) << 24) | ((stored[HEADER + 1] & 0xff) << 16) | ((stored[HEADER + 2] & 0xff) << 8)
        | (stored[HEADER + 3] & 0xff);
    int valueStart = HEADER + 4 + n;
    if (n < 1 || valueStart > stored.length) {
      throw new Undecodable("its key's length does not fit", null);
    }
    Object key = withKey ? object(stored[HEADER + 4], stored, HEADER + 5, n - 1) : null;
    Object value = object(stored[2], stored, valueStart, stored.length - valueStart);
    return new Entry(key, value, deadline);
  }

  /** A key named by its serialization ({@link Names}: Base64 after {@code j}), decoded through the filter. */
  Object decodeKeyName(String base64) throws Undecodable {
    byte[] bytes;
    try {
      bytes = java.util.Base64.getUrlDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new Undecodable("not Base64", e);
    }
    return object((byte) 'J', bytes, 0, bytes.length);
  }

  private Object object(byte codec, byte[] stored, int from, int length) throws Undecodable {
    if (codec == 'S') {
      return new String(stored, from, length, StandardCharsets.UTF_8);
    }
    if (codec != 'J') {
      throw new Undecodable("an unknown codec " + (char) codec, null);
    }
    try (ObjectInputStream in = new FilteredInput(new ByteArrayInputStream(stored, from, length))) {
      return in.readObject();
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
