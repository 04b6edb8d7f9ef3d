package io.keyedcache.spring.boot;

import io.keyedcache.redis.SharedTierMXBean;
import java.time.Instant;
import javax.cache.CacheManager;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The health of the manager's shared tier, as {@code /actuator/health} shows it under {@code keyedcache}: UP while
 * it reaches its server; DOWN while it does not (the connection lost under {@code on-outage=fail}, or degraded under
 * {@code degrade}, with since when and what waits to be replayed). An embedded-tier manager is UP. It never waits for
 * the server: it reads the state the tier keeps.
 */
public class KeyedCacheHealthIndicator extends AbstractHealthIndicator {
  private final CacheManager manager;

  public KeyedCacheHealthIndicator(CacheManager manager) {
    super("keyedcache health check failed");
    this.manager = manager;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    SharedTierMXBean tier = TierState.shared(manager);
    if (tier == null) {
      builder.up().withDetail("tier", "embedded");
      return;
    }
    builder.withDetail("tier", "shared").withDetail("server", tier.getServer())
        .withDetail("namespace", tier.getNamespace()).withDetail("onOutage", tier.getOnOutage());
    if (tier.isConnected()) {
      builder.up();
      return;
    }
    builder.down();
    if (tier.getDegradedSince() != 0) {
      builder.withDetail("degradedSince", Instant.ofEpochMilli(tier.getDegradedSince()).toString())
          .withDetail("pendingRemovals", tier.getPendingRemovals());
    }
  }
}
