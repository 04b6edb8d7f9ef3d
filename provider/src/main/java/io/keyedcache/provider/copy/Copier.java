package io.keyedcache.provider.copy;

/**
 * Makes the copies that store-by-value needs: one when a key or value enters the cache and one when a value
 * leaves it, so that neither the caller nor the cache sees the other's later mutations.
 */
public interface Copier {

  /**
   * Returns a copy of {@code object}, or {@code object} itself when it cannot be mutated.
   *
   * @param object the object to copy, may be {@code null} (then {@code null} is returned)
   * @return an equal object that shares no mutable state with {@code object}
   * @throws IllegalArgumentException if the object cannot be copied; the message names its class
   */
  <T> T copy(T object);

  /** The copier of store-by-reference: returns its argument. */
  static Copier identity() {
    return IdentityCopier.INSTANCE;
  }

  /**
   * A copier through Java serialization that leaves immutable values (strings, boxed primitives, enums,
   * {@code java.time} values, UUIDs, records of such) uncopied.
   *
   * @param classLoader the loader that resolves classes while deserializing
   */
  static Copier serializing(ClassLoader classLoader) {
    return serializing(classLoader, "make it Serializable or configure the cache with setStoreByValue(false)");
  }

  /**
   * As {@link #serializing(ClassLoader)}, with what the message about a value that cannot be copied tells the user
   * to do instead of making it {@code Serializable}.
   *
   * @param remedy what to do, for example {@code make it Serializable or set caches.products.store-by-value = false in
   *     classpath:caches.properties}
   */
  static Copier serializing(ClassLoader classLoader, String remedy) {
    return new SerializingCopier(classLoader, remedy);
  }

  /**
   * {@code first}, and for an object it cannot copy, {@code fallback}'s copy; {@code first}'s error stands when
   * {@code fallback} gives {@code null}.
   */
  static Copier withFallback(Copier first, java.util.function.UnaryOperator<Object> fallback) {
    return new FallbackCopier(first, fallback);
  }
}

/** {@link Copier#withFallback}. */
final class FallbackCopier implements Copier {
  private final Copier first;
  private final java.util.function.UnaryOperator<Object> fallback;

  FallbackCopier(Copier first, java.util.function.UnaryOperator<Object> fallback) {
    this.first = first;
    this.fallback = fallback;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T copy(T object) {
    try {
      return first.copy(object);
    } catch (IllegalArgumentException cannot) {
      Object copy = fallback.apply(object);
      if (copy == null) {
        throw cannot;
      }
      return (T) copy;
    }
  }
}

enum IdentityCopier implements Copier {
  INSTANCE;

  @Override
  public <T> T copy(T object) {
    return object;
  }
}
