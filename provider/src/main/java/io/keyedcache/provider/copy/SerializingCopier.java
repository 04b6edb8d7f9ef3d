package io.keyedcache.provider.copy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.temporal.TemporalAccessor;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Copies through Java serialization; values known to be immutable are returned as they are. */
final class SerializingCopier implements Copier {
  private static final Set<Class<?>> IMMUTABLE = Set.of(
      String.class, Boolean.class, Byte.class, Short.class, Character.class, Integer.class, Long.class,
      Float.class, Double.class, BigInteger.class, BigDecimal.class, UUID.class, URI.class, Pattern.class,
      Class.class, io.keyedcache.CacheKey.class);

  // Computed once per class: deciding whether a record is deeply immutable walks its components.
  private static final ClassValue<Boolean> IS_IMMUTABLE = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      return isImmutable(type);
    }
  };

  private final ClassLoader classLoader;
  private final String remedy;

  // The last class found immutable: most caches hold one value class, and a reference comparison is several
  // times cheaper than a ClassValue lookup on every get. Racy on purpose; a stale class only costs a lookup.
  private Class<?> lastImmutable;

  SerializingCopier(ClassLoader classLoader, String remedy) {
    this.classLoader = classLoader;
    this.remedy = remedy;
  }

  // Kept small so that the JIT inlines it into every get; copying proper is out of line.
  @Override
  public <T> T copy(T object) {
    if (object == null || object.getClass() == lastImmutable) {
      return object;
    }
    return copyUnlessImmutable(object);
  }

  private <T> T copyUnlessImmutable(T object) {
    Class<?> type = object.getClass();
    if (IS_IMMUTABLE.get(type)) {
      lastImmutable = type;
      return object;
    }
    return serialize(object);
  }

  private <T> T serialize(T object) {
    if (!(object instanceof Serializable)) {
      throw notCopyable(object, null);
    }
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(object);
      }
      try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()),
          classLoader)) {
        @SuppressWarnings("unchecked")
        T copy = (T) in.readObject();
        return copy;
      }
    } catch (NotSerializableException e) {
      throw notCopyable(object, e);
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      throw new IllegalArgumentException("Cannot copy an object of class " + object.getClass().getName()
          + " for store-by-value: " + e, e);
    }
  }

  private IllegalArgumentException notCopyable(Object object, Exception cause) {
    return new IllegalArgumentException("Cannot copy an object of class " + object.getClass().getName()
        + " for store-by-value: it is not serializable"
        + (cause == null ? "" : " (" + cause.getMessage() + " is not serializable)")
        + "; " + remedy, cause);
  }

  static boolean isImmutable(Class<?> type) {
    if (type.isPrimitive() || type.isEnum() || IMMUTABLE.contains(type)) {
      return true;
    }
    if (TemporalAccessor.class.isAssignableFrom(type) && type.getName().startsWith("java.time.")) {
      return true;
    }
    if (type == java.time.Duration.class || type == java.time.Period.class || type == java.time.ZoneId.class) {
      return true;
    }
    if (type.isRecord() && Modifier.isFinal(type.getModifiers())) {
      for (RecordComponent component : type.getRecordComponents()) {
        Class<?> componentType = component.getType();
        if (componentType == type || !(componentType.isPrimitive() || Modifier.isFinal(componentType.getModifiers()))
            || !isImmutable(componentType)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /** Resolves classes through the cache's class loader first, so values of application classes round-trip. */
  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader classLoader;

    LoaderObjectInputStream(InputStream in, ClassLoader classLoader) throws IOException {
      super(in);
      this.classLoader = classLoader;
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
