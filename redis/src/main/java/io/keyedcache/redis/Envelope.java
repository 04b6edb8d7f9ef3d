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
 * byte  2            the value's codec: 'S' a string in UTF-8, 'J' Java serialization, 'C' a named codec
 * bytes 3-21         the deadline in epoch milliseconds, 19 ASCII digits (9223372036854775807: none)
 * bytes 22-25        n, the length of the key's part (big-endian)
 * bytes 26-          the key: its codec ('S' or 'J') and its bytes (n in all), then the value's bytes; after 'C',
 *                    those are the codec's name (one byte m, then m ASCII bytes) and then what the codec wrote
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
  private final Codecs codecs;
  /** The codec of application values, or null for Java serialization. */
  private final ValueCodec codec;
  /** The codec's name as written before its bytes: length, then ASCII. */
  private final byte[] codecName;
  private final ValueCodec.Decoding decoding;

  /**
   * @param allowed the classes the application adds to {@link #BASE_FILTER}, as an {@link ObjectInputFilter}
   *     pattern (empty: none); every class outside both is rejected
   */
  Envelope(String allowed, ClassLoader classLoader) {
    this(allowed, classLoader, Codecs.java(classLoader));
  }

  /** {@code codecs}: the codec application values are written with, and those this manager can read. */
  Envelope(String allowed, ClassLoader classLoader, Codecs codecs) {
    String pattern = BASE_FILTER + (allowed == null || allowed.isBlank() ? "" : ";" + allowed.strip()) + ";!*";
    this.filter = ObjectInputFilter.Config.createFilter(pattern);
    this.classLoader = classLoader;
    this.codecs = codecs;
    this.codec = codecs.writing();
    byte[] name = codec == null ? new byte[0] : codec.name().getBytes(StandardCharsets.US_ASCII);
    this.codecName = new byte[name.length + 1];
    codecName[0] = (byte) name.length;
    System.arraycopy(name, 0, codecName, 1, name.length);
    this.decoding = new ValueCodec.Decoding() {
      @Override
      public ClassLoader classLoader() {
        return classLoader;
      }

      @Override
      public boolean allows(Class<?> type) {
        return Envelope.this.allows(type);
      }
    };
  }

  /**
   * A copy of {@code object} through the codec, as it would be stored and read back: store-by-value's copy of a value
   * that Java serialization cannot copy; null without a codec.
   */
  Object copyThroughCodec(Object object) {
    if (codec == null) {
      return null;
    }
    byte[] bytes = codec.encode(object);
    try {
      return codec.decode(bytes, decoding);
    } catch (Exception e) {
      throw new IllegalArgumentException("The codec " + codec.name() + " cannot read back a value of class "
          + object.getClass().getName() + " that it wrote (" + e + ")", e);
    }
  }

  /** Whether the filter allows objects of {@code type} (an array: its component type). */
  boolean allows(Class<?> type) {
    ObjectInputFilter.FilterInfo info = new ObjectInputFilter.FilterInfo() {
      @Override
      public Class<?> serialClass() {
        return type;
      }

      @Override
      public long arrayLength() {
        return -1;
      }

      @Override
      public long depth() {
        return 1;
      }

      @Override
      public long references() {
        return 0;
      }

      @Override
      public long streamBytes() {
        return 0;
      }
    };
    return filter.checkInput(info) == ObjectInputFilter.Status.ALLOWED;
  }

  /** What was decoded: the key (null unless asked for), the value and the deadline. */
  record Entry(Object key, Object value, long deadline) {
    boolean isLive(long now) {
      return deadline > now;
    }
  }

  /** Why an entry could not be decoded here. Only {@link #CORRUPT} is no other JVM's to read. */
  enum Why {
    /** Another format or codec: written by another version of keyedcache, or by someone else. */
    FOREIGN,
    /** A class that this manager's serialization filter does not allow. */
    FILTERED,
    /** A class that is not on this JVM's class path. */
    MISSING_CLASS,
    /** A class whose serialized form differs from this JVM's version of it (another serialVersionUID). */
    CHANGED_CLASS,
    /** A value of a codec that this JVM lacks, or that its codec cannot decode. */
    CODEC,
    /** An entry of this format whose bytes do not decode. */
    CORRUPT
  }

  /** The entry could not be decoded: another format, bytes that are not ours, or a class this JVM cannot make. */
  static final class Undecodable extends Exception {
    private static final long serialVersionUID = 1L;
    private final Why why;
    private final String className;

    Undecodable(String message, Throwable cause) {
      this(Why.CORRUPT, null, message, cause);
    }

    Undecodable(Why why, String className, String message, Throwable cause) {
      super(message, cause);
      this.why = why;
      this.className = className;
    }

    Why why() {
      return why;
    }

    /** The class that could not be made, when a class is why (the codec, for {@link Why#CODEC}); else null. */
    String className() {
      return className;
    }

    /** Whether no JVM can read the entry: its format is this one, and its bytes do not decode. */
    boolean corrupt() {
      return why == Why.CORRUPT;
    }
  }

  byte[] encode(Object key, Object value, long deadline) {
    byte[] keyPart = part(key);
    byte[] valuePart = valueBytes(value);
    byte[] stored = new byte[HEADER + 4 + keyPart.length + valuePart.length - 1];
    stored[0] = 'K';
    stored[1] = '1';
    stored[2] = valuePart[0];
    writeDigits(stored, deadline);
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
    if (codec == null || value instanceof String || Values.exact(value)) {
      return part(value);
    }
    byte[] encoded = codec.encode(value);
    if (encoded == null) {
      throw new IllegalArgumentException("The codec " + codec.name() + " encoded a value of class "
          + value.getClass().getName() + " as null");
    }
    byte[] part = new byte[1 + codecName.length + encoded.length];
    part[0] = 'C';
    System.arraycopy(codecName, 0, part, 1, codecName.length);
    System.arraycopy(encoded, 0, part, 1 + codecName.length, encoded.length);
    return part;
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
    writeDigits(copy, deadline);
    return copy;
  }

  /** The header of an entry whose value's codec is Java serialization (encode sets the codec byte). */
  static byte[] header(long deadline) {
    byte[] header = new byte[HEADER];
    header[0] = 'K';
    header[1] = '1';
    header[2] = 'J';
    writeDigits(header, deadline);
    return header;
  }

  private static final byte[] NO_DEADLINE_DIGITS = Long.toString(NO_DEADLINE).getBytes(StandardCharsets.US_ASCII);

  /** A deadline as the header holds it: 19 ASCII digits. */
  static byte[] digits(long deadline) {
    if (deadline == NO_DEADLINE) {
      return NO_DEADLINE_DIGITS; // 19 digits already; callers only copy from it
    }
    byte[] digits = new byte[19];
    writeDigits(digits, 0, deadline);
    return digits;
  }

  /** Writes {@code deadline} into bytes 3 to 21 of {@code header}, as 19 ASCII digits (negative as 0). */
  private static void writeDigits(byte[] header, long deadline) {
    writeDigits(header, 3, deadline);
  }

  private static void writeDigits(byte[] target, int from, long deadline) {
    long rest = Math.max(0, deadline);
    for (int i = from + 18; i >= from; i--) {
      target[i] = (byte) ('0' + rest % 10);
      rest /= 10;
    }
  }

  static long deadline(byte[] stored) throws Undecodable {
    if (stored.length < HEADER + 4 || stored[0] != 'K' || stored[1] != '1' || (stored[2] != 'J' && stored[2] != 'S'
        && stored[2] != 'C')) {
      throw new Undecodable(Why.FOREIGN, null, "not a keyedcache entry of format 1", null);
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
    if (codec == 'C') {
      return named(stored, from, length);
    }
    if (codec != 'J') {
      throw new Undecodable(Why.FOREIGN, null, "an unknown codec " + (char) codec, null);
    }
    FilteredInput in = null;
    try {
      in = new FilteredInput(new ByteArrayInputStream(stored, from, length));
      return in.readObject();
    } catch (InvalidClassException e) {
      if (in != null && in.rejected != null) {
        throw new Undecodable(Why.FILTERED, in.rejected, "the class " + in.rejected
            + " is outside this manager's serialization filter", e);
      }
      throw new Undecodable(Why.CHANGED_CLASS, e.classname, "the class " + e.classname + " differs from this JVM's"
          + " version of it (" + e.getMessage() + ")", e);
    } catch (ClassNotFoundException e) {
      throw new Undecodable(Why.MISSING_CLASS, e.getMessage(), "the class " + e.getMessage()
          + " is not on this JVM's class path", e);
    } catch (IOException | RuntimeException e) {
      throw new Undecodable("its bytes do not decode (" + e + ")", e);
    } finally {
      if (in != null) {
        try {
          in.close();
        } catch (IOException e) {
          // a stream over bytes in memory
        }
      }
    }
  }

  /** A value of a named codec: its name's length and name, then the codec's bytes. */
  private Object named(byte[] stored, int from, int length) throws Undecodable {
    int m = length < 1 ? -1 : stored[from] & 0xff;
    if (m < 1 || 1 + m > length) {
      throw new Undecodable("its codec's name does not fit", null);
    }
    String name = new String(stored, from + 1, m, StandardCharsets.US_ASCII);
    ValueCodec named = codecs.find(name);
    if (named == null) {
      throw new Undecodable(Why.CODEC, name, "it was written with the codec " + name + ", which this JVM does not"
          + " have (put its module on the class path)", null);
    }
    byte[] bytes = java.util.Arrays.copyOfRange(stored, from + 1 + m, from + length);
    try {
      return named.decode(bytes, decoding);
    } catch (Exception e) {
      throw new Undecodable(Why.CODEC, name, "the codec " + name + " cannot decode it here (" + e + ")", e);
    }
  }

  /** Java deserialization through the filter, with this manager's class loader first; it notes what it rejects. */
  private final class FilteredInput extends ObjectInputStream {
    /** The first class the filter rejected, or null. */
    String rejected;

    FilteredInput(InputStream in) throws IOException {
      super(in);
      setObjectInputFilter(info -> {
        ObjectInputFilter.Status status = filter.checkInput(info);
        if (status == ObjectInputFilter.Status.REJECTED && rejected == null && info.serialClass() != null) {
          rejected = info.serialClass().getName();
        }
        return status;
      });
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
