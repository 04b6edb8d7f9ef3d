package io.keyedcache.redis;

/**
 * How the shared tier turns values into bytes and back: chosen per manager by the setting {@code codec} (a codec's
 * {@link #name()} found through {@link java.util.ServiceLoader}, or the name of a class implementing this interface
 * with a public constructor without arguments); {@code java}, Java serialization through the serialization filter,
 * is the default. The {@code io.keyedcache:jackson} module adds {@code json}.
 *
 * <p>Every value is stored with its codec's name, so that caches written by managers of different codecs stay
 * readable: a JVM decodes an entry with the codec it names, if it has it (its own, or any on its class path); an entry
 * of a codec it lacks, or that its codec cannot decode, is a miss for that JVM, logged once a minute, and left on the
 * server for the JVMs that can read it. Strings are always stored as UTF-8, and the JDK's value types (numbers,
 * {@code Boolean}, {@code Character}, {@code UUID}, enum constants, {@code java.time}) always in Java serialization,
 * whatever the codec: the server compares their bytes for {@code replace(key, old, new)} and
 * {@code remove(key, old)}, which must not depend on which JVM wrote them. Keys are not a codec's: they are stored as
 * strings or in Java serialization.
 *
 * <p>Implementations are used by many threads at once and must be thread-safe. Their bytes are never compared: a
 * conditional write of a value of the codec's compares decoded values.
 */
public interface ValueCodec {

  /**
   * The name stored with each value and given to the setting {@code codec}: 1 to 64 ASCII letters, digits, {@code -},
   * {@code _} or {@code .}, the same in every JVM that shares the caches; {@code java} is taken.
   */
  String name();

  /**
   * The bytes of {@code value}, never {@code null}.
   *
   * @throws IllegalArgumentException if the value cannot be encoded: its message names the class and why (the cache
   *     throws it to the caller, and stores nothing)
   */
  byte[] encode(Object value);

  /**
   * The value that {@link #encode} gave {@code bytes} for, in this JVM's classes.
   *
   * @param decoding this manager's class loader and serialization filter: a codec that makes objects of classes named
   *     in the bytes must make only those that {@link Decoding#allows} allows
   * @throws Exception anything: the entry is then a miss for this JVM, left on the server, and logged
   */
  Object decode(byte[] bytes, Decoding decoding) throws Exception;

  /** What a manager gives a codec for decoding. */
  interface Decoding {
    /** The manager's class loader, for the classes of decoded values. */
    ClassLoader classLoader();

    /**
     * Whether the manager's serialization filter (setting {@code serialization-filter}, with the JDK's value types and
     * keyedcache's own) allows objects of {@code type}.
     */
    boolean allows(Class<?> type);
  }
}
