package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Why an entry does not decode decides what a read does with it: only corrupt bytes of this format are no other JVM's
 * to read; a class outside the filter or the class path, a class of another version, another format or codec may be.
 */
class EnvelopeTest {
  /**
   * A class that one envelope's filter lists and the other's does not; not a record, since a record's
   * serialVersionUID is not compared.
   */
  static final class Listed implements Serializable {
    private static final long serialVersionUID = 7L;
    final String text;

    Listed(String text) {
      this.text = text;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Listed && ((Listed) other).text.equals(text);
    }

    @Override
    public int hashCode() {
      return text.hashCode();
    }
  }

  private final Envelope wide = new Envelope("io.keyedcache.redis.EnvelopeTest$Listed", getClass().getClassLoader());
  private final Envelope narrow = new Envelope("", getClass().getClassLoader());

  private static Envelope.Undecodable failure(Envelope envelope, byte[] stored) {
    return catchThrowableOfType(Envelope.Undecodable.class, () -> envelope.decode(stored));
  }

  /** The stored bytes with the first occurrence of {@code from} replaced by {@code to}, of the same length. */
  private static byte[] replaced(byte[] stored, String from, String to) {
    byte[] a = from.getBytes(StandardCharsets.UTF_8);
    byte[] b = to.getBytes(StandardCharsets.UTF_8);
    byte[] copy = stored.clone();
    for (int i = 0; i + a.length <= copy.length; i++) {
      if (java.util.Arrays.equals(copy, i, i + a.length, a, 0, a.length)) {
        System.arraycopy(b, 0, copy, i, b.length);
        return copy;
      }
    }
    throw new AssertionError(from + " is not in the bytes");
  }

  @Test
  void aValueDecodesWhereTheFilterListsItsClass() throws Exception {
    byte[] stored = wide.encode("k", new Listed("x"), 1234L);
    Envelope.Entry entry = wide.decode(stored);
    assertThat(entry.value()).isEqualTo(new Listed("x"));
    assertThat(entry.deadline()).isEqualTo(1234L);
    assertThat(Envelope.digits(1234L)).asString(StandardCharsets.US_ASCII).isEqualTo("0000000000000001234");
  }

  @Test
  void aClassOutsideTheFilterIsNamed() {
    Envelope.Undecodable e = failure(narrow, wide.encode("k", new Listed("x"), 0));
    assertThat(e.why()).isEqualTo(Envelope.Why.FILTERED);
    assertThat(e.className()).isEqualTo(Listed.class.getName());
    assertThat(e.corrupt()).isFalse();
  }

  @Test
  void aClassMissingFromTheClassPathIsNamed() {
    byte[] stored = replaced(wide.encode("k", new Listed("x"), 0), "Listed", "Lost00");
    Envelope.Undecodable e = failure(wide, stored);
    assertThat(e.why()).isEqualTo(Envelope.Why.MISSING_CLASS);
    assertThat(e.className()).isEqualTo("io.keyedcache.redis.EnvelopeTest$Lost00");
    assertThat(e.corrupt()).isFalse();
  }

  @Test
  void aClassOfAnotherVersionIsNamed() {
    byte[] stored = wide.encode("k", new Listed("x"), 0);
    String name = Listed.class.getName();
    // the class descriptor: the name, then the 8 bytes of its serialVersionUID
    byte[] other = replaced(stored, name, name);
    int at = indexOf(other, name.getBytes(StandardCharsets.UTF_8)) + name.length();
    other[at] ^= 0x55;
    Envelope.Undecodable e = failure(wide, other);
    assertThat(e.why()).isEqualTo(Envelope.Why.CHANGED_CLASS);
    assertThat(e.className()).isEqualTo(name);
    assertThat(e.corrupt()).isFalse();
  }

  @Test
  void anotherFormatOrCodecIsForeignAndBytesThatDoNotDecodeAreCorrupt() {
    assertThat(failure(wide, "not an entry at all, but long".getBytes(StandardCharsets.UTF_8)).why())
        .isEqualTo(Envelope.Why.FOREIGN);
    byte[] stored = wide.encode("k", new Listed("x"), 0);
    byte[] truncated = java.util.Arrays.copyOf(stored, stored.length - 5);
    assertThat(failure(wide, truncated).corrupt()).as("a truncated stream").isTrue();
    byte[] badDeadline = stored.clone();
    badDeadline[5] = 'x';
    assertThat(failure(wide, badDeadline).corrupt()).as("a deadline that is not digits").isTrue();
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    for (int i = 0; i + part.length <= bytes.length; i++) {
      if (java.util.Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    return -1;
  }
}
