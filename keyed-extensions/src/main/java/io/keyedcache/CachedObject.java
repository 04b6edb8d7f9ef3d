package io.keyedcache;

/**
 * A domain object that keeps itself in a {@link KeyedCache}, in the spirit of django-keyedcache's
 * {@code CachedObjectMixin}. Its key is {@code (class name, identity, extra...)}, so that every instance with
 * the same identity shares one entry, and {@link #cacheDelete} with no extra parts removes the object and every
 * key under it.
 *
 * <pre>{@code
 * final class Product implements CachedObject<Product> {
 *   public Object cacheIdentity() { return id; }
 *   public KeyedCache<? super Product> keyedCache() { return Caches.PRODUCTS; }
 * }
 * product.cacheSet();
 * Product again = product.cacheGet();           // NotCachedException if it is not cached
 * product.cacheDelete();                        // the product and product::...::reviews etc.
 * }</pre>
 *
 * @param <T> the implementing class itself
 */
public interface CachedObject<T extends CachedObject<T>> extends CacheIdentity {

  /** The keyed cache this object keeps itself in. */
  KeyedCache<? super T> keyedCache();

  /** The key of this object, extended by {@code extra} parts when given. */
  default CacheKey cacheKey(Object... extra) {
    CacheKey key = CacheKey.of(getClass().getName(), cacheIdentity());
    return extra.length == 0 ? key : key.child(extra);
  }

  /** Stores this object under {@link #cacheKey cacheKey(extra)}. */
  @SuppressWarnings("unchecked")
  default void cacheSet(Object... extra) {
    keyedCache().put(cacheKey(extra), (T) this);
  }

  /**
   * The cached object under {@link #cacheKey cacheKey(extra)}.
   *
   * @throws NotCachedException if nothing is cached there
   * @throws ClassCastException if something other than a {@code T} is cached there
   */
  @SuppressWarnings("unchecked")
  default T cacheGet(Object... extra) throws NotCachedException {
    return (T) keyedCache().get(cacheKey(extra));
  }

  /** Removes the entry under {@link #cacheKey cacheKey(extra)} and every key under it; returns the keys removed. */
  default java.util.List<CacheKey> cacheDelete(Object... extra) {
    return keyedCache().deleteGroup(cacheKey(extra));
  }

  /** Removes this object and its children from the cache, then stores this object again. */
  default void cacheReset() {
    cacheDelete();
    cacheSet();
  }

  /** Whether something is cached under {@link #cacheKey cacheKey(extra)}. */
  default boolean isCached(Object... extra) {
    return keyedCache().isCached(cacheKey(extra));
  }
}
