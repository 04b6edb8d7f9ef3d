package io.keyedcache.spring.boot;

import io.keyedcache.provider.KeyedCacheManager;
import io.keyedcache.provider.management.KeyedCacheMXBean;
import io.keyedcache.redis.SharedTierMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;
import javax.cache.Cache;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.metrics.cache.CacheMetricsRegistrar;
import org.springframework.cache.jcache.JCacheCache;

/**
 * keyedcache's meters, for every cache of the manager, those created after start-up included:
 * <ul>
 *   <li>per cache with a keyed view ({@code cache} tag): {@code keyedcache.calls} ({@code result} hit or miss),
 *       {@code keyedcache.computations}, {@code keyedcache.refreshes} ({@code result} stored or failed),
 *       {@code keyedcache.stale.hits}, {@code keyedcache.enabled} (1 or 0);
 *   <li>per shared tier ({@code namespace} tag): {@code keyedcache.tier.connected} (1 or 0),
 *       {@code keyedcache.tier.reconnects}, {@code keyedcache.tier.outages}, {@code keyedcache.tier.pending.removals},
 *       {@code keyedcache.near.gets} ({@code result} hit or miss), {@code keyedcache.near.size},
 *       {@code keyedcache.near.evictions}, {@code keyedcache.near.invalidations}, {@code keyedcache.lease.waits},
 *       {@code keyedcache.lease.takeovers};
 *   <li>and Spring Boot's own {@code cache.*} meters for a cache made after start-up (from the file's
 *       {@code default.} section, say), which Spring Boot binds only to the caches it finds at start.
 * </ul>
 * Every meter reads state this JVM keeps; none asks the server.
 */
final class KeyedCacheMeters implements MeterBinder {
  private final KeyedCacheManager manager;
  private final ObjectProvider<CacheMetricsRegistrar> registrar;
  private final ListableBeanFactory beans;
  private volatile String cacheManagerTag;

  KeyedCacheMeters(KeyedCacheManager manager, ObjectProvider<CacheMetricsRegistrar> registrar,
      ListableBeanFactory beans) {
    this.manager = manager;
    this.registrar = registrar;
    this.beans = beans;
  }

  /**
   * The {@code cache.manager} tag Spring Boot gives the caches of the application's one Spring cache manager: its
   * bean name, less a {@code CacheManager} suffix; null when there is not exactly one.
   */
  private String cacheManagerTag() {
    String[] names = beans.getBeanNamesForType(org.springframework.cache.CacheManager.class, false, false);
    if (names.length != 1) {
      return null;
    }
    String name = names[0];
    String suffix = "CacheManager";
    return name.length() > suffix.length() && name.toLowerCase(java.util.Locale.ROOT)
        .endsWith(suffix.toLowerCase(java.util.Locale.ROOT)) ? name.substring(0, name.length() - suffix.length()) : name;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    cacheManagerTag = cacheManagerTag();
    if (TierState.shared(manager) != null) {
      Tier.bind(registry, TierState.shared(manager));
    }
    manager.forEachCache(cache -> bind(registry, cache));
  }

  @SuppressWarnings("unchecked")
  private void bind(MeterRegistry registry, Cache<?, ?> cache) {
    CacheMetricsRegistrar standard = registrar.getIfAvailable();
    String cacheManagerTag = this.cacheManagerTag;
    if (standard != null && cacheManagerTag != null && !cache.isClosed()) {
      // the tags Spring Boot gives the caches it binds itself, so that binding one of those again changes nothing
      standard.bindCacheToRegistry(new JCacheCache((Cache<Object, Object>) cache),
          Tag.of("cache.manager", cacheManagerTag));
    }
    KeyedCacheMXBean keyed;
    try {
      keyed = cache.unwrap(KeyedCacheMXBean.class);
    } catch (IllegalArgumentException notKeyed) {
      return;
    }
    Tags tags = Tags.of("cache", cache.getName());
    counter(registry, "keyedcache.calls", tags.and("result", "hit"), keyed, KeyedCacheMXBean::getHits,
        "Keyed reads and cached-function calls that found a value");
    counter(registry, "keyedcache.calls", tags.and("result", "miss"), keyed, KeyedCacheMXBean::getMisses,
        "Keyed reads and cached-function calls that found none");
    counter(registry, "keyedcache.computations", tags, keyed, KeyedCacheMXBean::getComputations,
        "Values that cached functions computed in this JVM");
    counter(registry, "keyedcache.refreshes", tags.and("result", "stored"), keyed, KeyedCacheMXBean::getRefreshes,
        "Background refreshes of cached functions that stored a new result");
    counter(registry, "keyedcache.refreshes", tags.and("result", "failed"), keyed,
        KeyedCacheMXBean::getFailedRefreshes, "Background refreshes of cached functions that threw");
    counter(registry, "keyedcache.stale.hits", tags, keyed, KeyedCacheMXBean::getStaleHits,
        "Cached-function calls answered by a result past its lifetime, within its staleFor");
    Gauge.builder("keyedcache.enabled", keyed, bean -> bean.isEnabled() ? 1 : 0).tags(tags)
        .description("Whether the keyed cache is on (1) or switched off (0)").register(registry);
  }

  private static <T> void counter(MeterRegistry registry, String name, Tags tags, T source,
      java.util.function.ToLongFunction<T> count, String description) {
    ToDoubleFunction<T> value = bean -> count.applyAsLong(bean);
    FunctionCounter.builder(name, source, value).tags(tags).description(description).register(registry);
  }

  /** The shared tier's meters; a class of its own so that the embedded tier alone never loads the redis module. */
  static final class Tier {
    private Tier() {}

    static void bind(MeterRegistry registry, SharedTierMXBean tier) {
      Tags tags = Tags.of("namespace", tier.getNamespace());
      Gauge.builder("keyedcache.tier.connected", tier, t -> t.isConnected() ? 1 : 0).tags(tags)
          .description("Whether the caches reach the server (1) or not (0)").register(registry);
      Gauge.builder("keyedcache.tier.pending.removals", tier, SharedTierMXBean::getPendingRemovals).tags(tags)
          .description("Removals made during an outage that wait to be replayed").register(registry);
      Gauge.builder("keyedcache.near.size", tier, SharedTierMXBean::getNearCacheSize).tags(tags)
          .description("Entries the near caches keep now").register(registry);
      counter(registry, "keyedcache.tier.reconnects", tags, tier, SharedTierMXBean::getReconnects,
          "Connections to the server made again after they were lost");
      counter(registry, "keyedcache.tier.outages", tags, tier, SharedTierMXBean::getOutages,
          "Outages begun under on-outage=degrade");
      counter(registry, "keyedcache.near.gets", tags.and("result", "hit"), tier, SharedTierMXBean::getNearCacheHits,
          "Reads answered by a near cache");
      counter(registry, "keyedcache.near.gets", tags.and("result", "miss"), tier,
          SharedTierMXBean::getNearCacheMisses, "Reads that went to the server");
      counter(registry, "keyedcache.near.evictions", tags, tier, SharedTierMXBean::getNearCacheEvictions,
          "Near entries evicted by the near caches' bounds");
      counter(registry, "keyedcache.near.invalidations", tags, tier, SharedTierMXBean::getInvalidations,
          "Invalidations the server pushed to the near caches");
      counter(registry, "keyedcache.lease.waits", tags, tier, SharedTierMXBean::getLeaseWaits,
          "Calls that waited for a key's lease held elsewhere");
      counter(registry, "keyedcache.lease.takeovers", tags, tier, SharedTierMXBean::getLeaseTakeovers,
          "Computations taken over from a JVM that went silent");
    }
  }
}
