package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.management.CacheStatisticsMXBean;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatisticsTest {
  private final CacheManager manager = TestCaches.manager(StatisticsTest.class);
  private Cache<String, Integer> cache;
  private CacheStatisticsMXBean stats;

  @BeforeEach
  void create() {
    cache = manager.createCache("stats", new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class).setStatisticsEnabled(true).setManagementEnabled(true));
    stats = cache.unwrap(KeyedJCache.class).statistics();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void countsAfterAKnownSequence() {
    cache.put("a", 1);                  // put
    cache.put("a", 2);                  // put
    cache.get("a");                     // hit
    cache.get("b");                     // miss
    cache.getAll(Set.of("a", "b"));     // hit, miss
    cache.putIfAbsent("a", 3);          // hit, no put
    cache.putIfAbsent("c", 3);          // miss, put
    cache.replace("zz", 1);             // miss
    cache.replace("c", 4);              // hit, put
    cache.getAndRemove("c");            // hit, removal
    cache.remove("a");                  // removal
    cache.remove("a");                  // nothing
    cache.containsKey("a");             // nothing

    assertThat(stats.getCachePuts()).isEqualTo(4);
    assertThat(stats.getCacheHits()).isEqualTo(5);
    assertThat(stats.getCacheMisses()).isEqualTo(4);
    assertThat(stats.getCacheGets()).isEqualTo(9);
    assertThat(stats.getCacheRemovals()).isEqualTo(2);
    assertThat(stats.getCacheEvictions()).isZero();
    assertThat(stats.getCacheHitPercentage()).isCloseTo(100f * 5 / 9, org.assertj.core.data.Offset.offset(0.01f));
    assertThat(stats.getCacheMissPercentage()).isCloseTo(100f * 4 / 9, org.assertj.core.data.Offset.offset(0.01f));
    assertThat(stats.getAverageGetTime()).isGreaterThanOrEqualTo(0f);
    assertThat(stats.getAveragePutTime()).isGreaterThanOrEqualTo(0f);
    assertThat(stats.getAverageRemoveTime()).isGreaterThanOrEqualTo(0f);
  }

  @Test
  void theStatisticsBeanIsRegisteredUnderTheStandardNameAndAgrees() throws Exception {
    cache.put("a", 1);
    cache.get("a");
    ObjectName name = new ObjectName("javax.cache:type=CacheStatistics,CacheManager=keyedcache.StatisticsTest,Cache=stats");
    assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(name, "CacheHits")).isEqualTo(1L);
    assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(name, "CachePuts")).isEqualTo(1L);
    ObjectName configuration =
        new ObjectName("javax.cache:type=CacheConfiguration,CacheManager=keyedcache.StatisticsTest,Cache=stats");
    assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(configuration, "KeyType"))
        .isEqualTo(String.class.getName());

    manager.destroyCache("stats");
    assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(name)).isFalse();
    assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(configuration)).isFalse();
  }

  @Test
  void disabledStatisticsStopCounting() {
    cache.get("a");
    manager.enableStatistics("stats", false);
    cache.get("a");
    cache.put("a", 1);
    assertThat(stats.getCacheMisses()).isEqualTo(1);
    assertThat(stats.getCachePuts()).isZero();
    stats.clear();
    assertThat(stats.getCacheMisses()).isZero();
  }
}
