package io.keyedcache.spring.boot;

import io.keyedcache.redis.SharedTierMXBean;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.cache.CacheManager;
import org.springframework.util.ClassUtils;

/**
 * The state of a manager's tier, for the endpoint, the health indicator and the meters. The shared tier's classes
 * are touched only when {@code io.keyedcache:redis} is on the class path, so that an application of the embedded
 * tier alone does without it.
 */
final class TierState {
  private static final boolean REDIS = ClassUtils.isPresent("io.keyedcache.redis.SharedTierMXBean",
      TierState.class.getClassLoader());

  private TierState() {}

  /** The manager's shared tier, or null when it is the embedded one. */
  static SharedTierMXBean shared(CacheManager manager) {
    if (!REDIS) {
      return null;
    }
    try {
      return manager.unwrap(SharedTierMXBean.class);
    } catch (IllegalArgumentException embedded) {
      return null;
    }
  }

  /** {@code embedded} or {@code shared}. */
  static String name(CacheManager manager) {
    return shared(manager) == null ? "embedded" : "shared";
  }

  /** The tier and, when shared, where it is, whether it reaches its server, and its counts. */
  static Map<String, Object> describe(CacheManager manager) {
    Map<String, Object> described = new LinkedHashMap<>();
    SharedTierMXBean tier = shared(manager);
    if (tier == null) {
      described.put("tier", "embedded");
      return described;
    }
    described.put("tier", "shared");
    described.put("server", tier.getServer());
    described.put("namespace", tier.getNamespace());
    described.put("onOutage", tier.getOnOutage());
    described.put("connected", tier.isConnected());
    if (tier.getDegradedSince() != 0) {
      described.put("degradedSince", Instant.ofEpochMilli(tier.getDegradedSince()).toString());
      described.put("pendingRemovals", tier.getPendingRemovals());
    }
    described.put("outages", tier.getOutages());
    described.put("reconnects", tier.getReconnects());
    described.put("nearCacheHits", tier.getNearCacheHits());
    described.put("nearCacheMisses", tier.getNearCacheMisses());
    described.put("nearCacheSize", tier.getNearCacheSize());
    described.put("nearCacheEvictions", tier.getNearCacheEvictions());
    described.put("invalidations", tier.getInvalidations());
    described.put("leaseWaits", tier.getLeaseWaits());
    described.put("leaseTakeovers", tier.getLeaseTakeovers());
    return described;
  }
}
