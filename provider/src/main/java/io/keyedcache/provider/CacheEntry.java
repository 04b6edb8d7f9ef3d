package io.keyedcache.provider;

import java.util.Map;
import java.util.Objects;
import javax.cache.Cache;

/**
 * A key and value as {@link javax.cache.Cache#iterator()} and the cache writer see them.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CacheEntry<K, V> implements Cache.Entry<K, V> {
  private final K key;
  private final V value;

  CacheEntry(K key, V value) {
    this.key = key;
    this.value = value;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    return value;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("A cache entry cannot be unwrapped to " + clazz.getName());
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Cache.Entry)) {
      return false;
    }
    Cache.Entry<?, ?> other = (Cache.Entry<?, ?>) o;
    return Objects.equals(key, other.getKey()) && Objects.equals(value, other.getValue());
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(key) ^ Objects.hashCode(value);
  }

  @Override
  public String toString() {
    return key + "=" + value;
  }

  static <K, V> CacheEntry<K, V> of(Map.Entry<K, V> entry) {
    return new CacheEntry<>(entry.getKey(), entry.getValue());
  }
}
