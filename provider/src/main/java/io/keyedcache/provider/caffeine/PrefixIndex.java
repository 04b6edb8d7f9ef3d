package io.keyedcache.provider.caffeine;

import io.keyedcache.CacheKey;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The {@link CacheKey} keys of one cache, sorted so that a key's group (the key and its children) is one range:
 * finding k children among n keys costs about k log n. The cache updates it inside the same atomic step that adds
 * or removes the entry (the store's computes and Caffeine's eviction listener), so it holds exactly the keys present.
 */
final class PrefixIndex {
  private final NavigableSet<CacheKey> keys = new ConcurrentSkipListSet<>();

  void add(CacheKey key) {
    keys.add(key);
  }

  void remove(CacheKey key) {
    keys.remove(key);
  }

  /** The keys of {@code key}'s group present now, in order. */
  List<CacheKey> group(CacheKey key) {
    List<CacheKey> group = new ArrayList<>();
    for (CacheKey candidate : keys.tailSet(key, true)) {
      if (!key.isGroupOf(candidate)) {
        break;
      }
      group.add(candidate);
    }
    return group;
  }

  boolean isEmpty() {
    return keys.isEmpty();
  }

  /** A copy of the keys, for checks. */
  List<CacheKey> keys() {
    return new ArrayList<>(keys);
  }
}
