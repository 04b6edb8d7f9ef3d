package io.keyedcache.redis;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.CacheException;

/**
 * The value codecs a manager knows: the one it writes with (setting {@code codec}; null for {@code java}, which
 * {@link Envelope} does itself), and every other it can read, found by name through {@link ServiceLoader}.
 */
final class Codecs {
  /** The name of Java serialization, the default. */
  static final String JAVA = "java";

  private final ValueCodec writing;
  private final ClassLoader classLoader;
  private final Map<String, ValueCodec> found = new ConcurrentHashMap<>();
  /** Names looked for and not found, so that each is looked for once (at most a few: they come from the server). */
  private final java.util.Set<String> missing = ConcurrentHashMap.newKeySet();

  private Codecs(ValueCodec writing, ClassLoader classLoader) {
    this.writing = writing;
    this.classLoader = classLoader;
    if (writing != null) {
      found.put(writing.name(), writing);
    }
  }

  /** Java serialization only (tests, and managers that name no codec). */
  static Codecs java(ClassLoader classLoader) {
    return new Codecs(null, classLoader);
  }

  /**
   * The codecs of a manager whose setting {@code codec} is {@code name}: {@code java}, a codec's name found through
   * {@link ServiceLoader}, or a class implementing {@link ValueCodec}.
   *
   * @throws CacheException naming what is on the class path, if {@code name} is none of them
   */
  static Codecs named(String name, ClassLoader classLoader, String server) {
    if (name == null || name.equals(JAVA)) {
      return java(classLoader);
    }
    TreeSet<String> known = new TreeSet<>();
    known.add(JAVA);
    for (ValueCodec codec : ServiceLoader.load(ValueCodec.class, classLoader)) {
      if (codec.name().equals(name)) {
        return new Codecs(checked(codec, server), classLoader);
      }
      known.add(codec.name());
    }
    ValueCodec made;
    try {
      Class<?> type = Class.forName(name, true, classLoader);
      made = (ValueCodec) type.getConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new CacheException("The codec '" + name + "' of " + server + " is none of the codecs on the class path ("
          + String.join(", ", known) + ") nor a class: put its module on the class path (io.keyedcache:jackson for"
          + " json), or name a class implementing " + ValueCodec.class.getName());
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new CacheException("The codec class " + name + " of " + server + " must implement "
          + ValueCodec.class.getName() + " and have a public constructor without arguments: " + e, e);
    }
    return new Codecs(checked(made, server), classLoader);
  }

  private static ValueCodec checked(ValueCodec codec, String server) {
    String name = codec.name();
    if (name == null || !name.matches("[A-Za-z0-9_.-]{1,64}") || name.equals(JAVA)) {
      throw new CacheException("The codec " + codec.getClass().getName() + " of " + server + " is named '" + name
          + "': a codec's name must be 1 to 64 letters, digits, - _ or ., and not java");
    }
    return codec;
  }

  /** The codec this manager writes values with; null for Java serialization. */
  ValueCodec writing() {
    return writing;
  }

  /** The codec named {@code name}, for reading: this manager's own or one on the class path; null if none. */
  ValueCodec find(String name) {
    ValueCodec codec = found.get(name);
    if (codec != null || missing.contains(name)) {
      return codec;
    }
    for (ValueCodec candidate : ServiceLoader.load(ValueCodec.class, classLoader)) {
      if (name.equals(candidate.name())) {
        found.putIfAbsent(name, candidate);
        return found.get(name);
      }
    }
    if (missing.size() < 100) {
      missing.add(name);
    }
    return null;
  }
}
