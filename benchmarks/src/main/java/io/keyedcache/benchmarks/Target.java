package io.keyedcache.benchmarks;

import java.util.Map;
import java.util.Set;

/** The operations a workload performs, on raw Caffeine or on a JCache {@code Cache}. */
public interface Target extends AutoCloseable {
  Object get(Object key);

  void put(Object key, Object value);

  Map<Object, Object> getAll(Set<Object> keys);

  void putAll(Map<Object, Object> entries);

  /** The number of entries, counted after pending maintenance has run where the cache allows it. */
  long size();

  @Override
  void close();
}
