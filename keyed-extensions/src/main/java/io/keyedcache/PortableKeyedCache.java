package io.keyedcache;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.cache.Cache;
import javax.cache.configuration.Configuration;

/**
 * {@link KeyedCache} over the plain JCache API of any provider. Group deletion scans the cache; a per-entry
 * lifetime travels with the value in an {@link Expiring} envelope, checked on every read.
 */
final class PortableKeyedCache<V> extends AbstractKeyedCache<V> {
  private final Cache<CacheKey, Object> cache;
  private final Clock clock;

  @SuppressWarnings("unchecked")
  PortableKeyedCache(Cache<? super CacheKey, V> cache, Clock clock) {
    // Values are V or envelopes of V; keys are only ever CacheKeys through this view.
    this.cache = (Cache<CacheKey, Object>) requireNonNull(cache, "cache");
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  protected V lookup(CacheKey key) {
    return unwrap(key, cache.get(key));
  }

  @SuppressWarnings("unchecked")
  private V unwrap(CacheKey key, Object stored) {
    if (stored instanceof Expiring) {
      Expiring envelope = (Expiring) stored;
      if (envelope.deadlineMillis <= clock.millis()) {
        cache.remove(key, stored); // only this envelope: a newer value stays
        return null;
      }
      return (V) envelope.value;
    }
    return (V) stored;
  }

  @Override
  protected void store(CacheKey key, V value, Duration timeToLive) {
    if (timeToLive == null) {
      cache.put(key, value);
      return;
    }
    Class<?> valueType = cache.getConfiguration(Configuration.class).getValueType();
    if (valueType != Object.class) {
      throw new IllegalStateException("A portable keyed cache keeps a per-entry lifetime in an envelope around the"
          + " value, so cache '" + cache.getName() + "' needs the value type Object, not " + valueType.getName());
    }
    long now = clock.millis();
    long deadline = timeToLive.toMillis() >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + timeToLive.toMillis();
    cache.put(key, new Expiring(value, deadline));
  }

  @Override
  protected boolean remove(CacheKey key) {
    return cache.remove(key);
  }

  /** The slow way JCache leaves: one pass over every entry to find the group. */
  @Override
  protected List<CacheKey> group(CacheKey key) {
    List<CacheKey> group = new ArrayList<>();
    for (Cache.Entry<CacheKey, Object> entry : cache) {
      Object k = entry.getKey();
      if (k instanceof CacheKey && key.isGroupOf((CacheKey) k)) {
        group.add((CacheKey) k);
      }
    }
    return group;
  }

  @Override
  protected void removeAll() {
    cache.clear();
  }

  @Override
  protected boolean contains(CacheKey key) {
    if (!cache.containsKey(key)) {
      return false;
    }
    return lookup(key) != null;
  }

  /** A value with its own deadline, for providers that cannot give one entry its own lifetime. */
  static final class Expiring implements Serializable {
    private static final long serialVersionUID = 1L;
    final Object value;
    final long deadlineMillis;

    Expiring(Object value, long deadlineMillis) {
      this.value = value;
      this.deadlineMillis = deadlineMillis;
    }

    @Override
    public String toString() {
      return "Expiring[" + value + " until " + java.time.Instant.ofEpochMilli(deadlineMillis) + "]";
    }
  }
}
