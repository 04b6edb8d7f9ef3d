package io.keyedcache.provider.management;

import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheMXBean;

/** The {@link CacheMXBean} view of a cache's configuration. */
public final class ConfigurationBean implements CacheMXBean {
  private final CompleteConfiguration<?, ?> configuration;
  private final java.util.function.BooleanSupplier statisticsEnabled;
  private final java.util.function.BooleanSupplier managementEnabled;

  /**
   * @param configuration the cache's configuration, read for the static attributes
   * @param statisticsEnabled the cache's current statistics switch
   * @param managementEnabled the cache's current management switch
   */
  public ConfigurationBean(CompleteConfiguration<?, ?> configuration,
      java.util.function.BooleanSupplier statisticsEnabled, java.util.function.BooleanSupplier managementEnabled) {
    this.configuration = configuration;
    this.statisticsEnabled = statisticsEnabled;
    this.managementEnabled = managementEnabled;
  }

  @Override
  public String getKeyType() {
    return configuration.getKeyType().getName();
  }

  @Override
  public String getValueType() {
    return configuration.getValueType().getName();
  }

  @Override
  public boolean isReadThrough() {
    return configuration.isReadThrough();
  }

  @Override
  public boolean isWriteThrough() {
    return configuration.isWriteThrough();
  }

  @Override
  public boolean isStoreByValue() {
    return configuration.isStoreByValue();
  }

  @Override
  public boolean isStatisticsEnabled() {
    return statisticsEnabled.getAsBoolean();
  }

  @Override
  public boolean isManagementEnabled() {
    return managementEnabled.getAsBoolean();
  }
}
