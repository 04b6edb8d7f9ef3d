package io.keyedcache.spring.boot;

import io.keyedcache.provider.management.KeyedCacheMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.management.CacheStatisticsMXBean;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.lang.Nullable;

/**
 * The actuator endpoint {@code keyedcache}: what django-keyedcache's staff page gave, for operators of a Spring Boot
 * service. Exposed and secured as every actuator endpoint is ({@code management.endpoints.web.exposure.include},
 * Spring Security's rules for {@code /actuator/**}); over HTTP:
 * <ul>
 *   <li>{@code GET /actuator/keyedcache}: the tier's state and every cache with its statistics;
 *   <li>{@code GET /actuator/keyedcache/{cache}?group=product::1&limit=100}: one cache, and with {@code group} the
 *       keys of that group present now (at most {@code limit}, 100 unless given, never more than 1,000);
 *   <li>{@code DELETE /actuator/keyedcache/{cache}?group=product::1}: deletes the group, in every JVM of the shared
 *       tier;
 *   <li>{@code POST /actuator/keyedcache/{cache}} with {@code {"enabled": false}}: switches the keyed cache off (in
 *       this JVM) or on.
 * </ul>
 * A cache that does not exist is a 404 (the endpoint never creates one); a group that is not a key's readable form,
 * or a cache without a keyed view, is a 400 naming the problem. Reading a cache's entry count may ask the server;
 * everything else is read from this JVM.
 */
@Endpoint(id = "keyedcache")
public class KeyedCacheEndpoint {
  private static final int DEFAULT_LIMIT = 100;
  private final CacheManager manager;

  public KeyedCacheEndpoint(CacheManager manager) {
    this.manager = manager;
  }

  /** The tier and every cache. */
  @ReadOperation
  public Map<String, Object> caches() {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("manager", TierState.describe(manager));
    Map<String, Object> caches = new LinkedHashMap<>();
    TreeSet<String> sorted = new TreeSet<>();
    names().forEach(sorted::add);
    for (String name : sorted) {
      Cache<?, ?> cache = existing(name);
      if (cache != null) {
        caches.put(name, describe(cache));
      }
    }
    all.put("caches", caches);
    return all;
  }

  /** One cache; with {@code group}, the keys of that group present now. Null (404) if there is no such cache. */
  @ReadOperation
  public Map<String, Object> cache(@Selector String cache, @Nullable String group, @Nullable Integer limit) {
    Cache<?, ?> found = existing(cache);
    if (found == null) {
      return null;
    }
    Map<String, Object> described = describe(found);
    if (group != null) {
      int most = limit == null ? DEFAULT_LIMIT : limit;
      described.put("group", group);
      try {
        described.put("keys", Arrays.asList(operations(found).keysUnder(group, most)));
      } catch (IllegalArgumentException e) {
        throw new InvalidEndpointRequestException(e.getMessage(), e.getMessage());
      }
    }
    return described;
  }

  /** Deletes {@code group} (the key and every key under it) from {@code cache}. Null (404) if there is no such cache. */
  @DeleteOperation
  public Map<String, Object> deleteGroup(@Selector String cache, String group) {
    Cache<?, ?> found = existing(cache);
    if (found == null) {
      return null;
    }
    KeyedCacheMXBean operations = operations(found);
    int deleted;
    try {
      deleted = operations.deleteGroup(group);
    } catch (IllegalArgumentException e) {
      throw new InvalidEndpointRequestException(e.getMessage(), e.getMessage());
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("cache", cache);
    result.put("group", group);
    result.put("deleted", deleted);
    return result;
  }

  /** Switches the keyed cache on or off in this JVM, as {@code KeyedCache.setEnabled}. */
  @WriteOperation
  public Map<String, Object> setEnabled(@Selector String cache, boolean enabled) {
    Cache<?, ?> found = existing(cache);
    if (found == null) {
      return null;
    }
    operations(found).setEnabled(enabled);
    return describe(found);
  }

  private Iterable<String> names() {
    return manager.getCacheNames();
  }

  /** The cache named so if it exists: never one made on demand by asking. */
  private Cache<?, ?> existing(String name) {
    for (String present : names()) {
      if (present.equals(name)) {
        return manager.getCache(name);
      }
    }
    return null;
  }

  private static KeyedCacheMXBean operations(Cache<?, ?> cache) {
    try {
      return cache.unwrap(KeyedCacheMXBean.class);
    } catch (IllegalArgumentException e) {
      throw new InvalidEndpointRequestException(e.getMessage(), "cache '" + cache.getName() + "' has no keyed view");
    }
  }

  private Map<String, Object> describe(Cache<?, ?> cache) {
    Map<String, Object> described = new LinkedHashMap<>();
    described.put("tier", TierState.name(manager));
    KeyedCacheMXBean keyed;
    try {
      keyed = cache.unwrap(KeyedCacheMXBean.class);
    } catch (IllegalArgumentException notKeyed) {
      keyed = null;
    }
    described.put("keyed", keyed != null);
    if (keyed != null) {
      described.put("enabled", keyed.isEnabled());
      try {
        described.put("entries", keyed.getKeyCount());
      } catch (RuntimeException unreachable) {
        described.put("entries", null); // the server is away: the rest is this JVM's and still shown
      }
      Map<String, Object> statistics = new LinkedHashMap<>();
      statistics.put("calls", keyed.getCalls());
      statistics.put("hits", keyed.getHits());
      statistics.put("misses", keyed.getMisses());
      statistics.put("computations", keyed.getComputations());
      statistics.put("refreshes", keyed.getRefreshes());
      statistics.put("staleHits", keyed.getStaleHits());
      statistics.put("failedRefreshes", keyed.getFailedRefreshes());
      statistics.put("hitRatio", keyed.getHitRatio());
      described.put("keyedStatistics", statistics);
    }
    described.put("statistics", jcacheStatistics(cache));
    return described;
  }

  /** The JCache statistics while they are on for the cache, else null. */
  private static Map<String, Object> jcacheStatistics(Cache<?, ?> cache) {
    io.keyedcache.provider.KeyedJCache<?, ?> ours;
    try {
      ours = cache.unwrap(io.keyedcache.provider.KeyedJCache.class);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!ours.getConfiguration(javax.cache.configuration.CompleteConfiguration.class).isStatisticsEnabled()) {
      return null;
    }
    CacheStatisticsMXBean statistics = ours.statistics();
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("gets", statistics.getCacheGets());
    counts.put("hits", statistics.getCacheHits());
    counts.put("misses", statistics.getCacheMisses());
    counts.put("puts", statistics.getCachePuts());
    counts.put("removals", statistics.getCacheRemovals());
    counts.put("evictions", statistics.getCacheEvictions());
    counts.put("averageGetMicros", statistics.getAverageGetTime());
    return counts;
  }
}
