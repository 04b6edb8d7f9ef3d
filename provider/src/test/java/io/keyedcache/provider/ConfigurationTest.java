package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConfigurationTest {
  private final CacheManager manager = TestCaches.manager(ConfigurationTest.class);

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void vendorSettingsRoundTripThroughTheCache() {
    Executor executor = Runnable::run;
    TestCaches.FakeTicker ticker = new TestCaches.FakeTicker();
    KeyedCacheConfiguration<String, Integer> config = new KeyedCacheConfiguration<String, Integer>()
        .maximumSize(42).executor(executor).ticker(ticker).perEntryLifetimes(true);
    config.setTypes(String.class, Integer.class);
    config.setExpiryPolicyFactory(AccessedExpiryPolicy.factoryOf(Duration.ONE_HOUR));

    Cache<String, Integer> cache = manager.createCache("roundTrip", config);
    KeyedCacheConfiguration<?, ?> seen = cache.getConfiguration(KeyedCacheConfiguration.class);

    assertThat(seen).isNotSameAs(config).isEqualTo(config);
    assertThat(seen.getMaximumSize()).hasValue(42);
    assertThat(seen.getMaximumWeight()).isEmpty();
    assertThat(seen.getExecutor()).isSameAs(executor);
    assertThat(seen.getTicker()).isSameAs(ticker);
    assertThat(seen.isPerEntryLifetimes()).isTrue();
    assertThat(seen.getKeyType()).isEqualTo(String.class);
    assertThat(new KeyedCacheConfiguration<>(config)).isEqualTo(config);
  }

  @Test
  void laterChangesToTheGivenConfigurationDoNotReachTheCache() {
    KeyedCacheConfiguration<String, Integer> config = new KeyedCacheConfiguration<String, Integer>().maximumSize(5);
    Cache<String, Integer> cache = manager.createCache("copied", config);
    config.maximumSize(500);
    assertThat(cache.getConfiguration(KeyedCacheConfiguration.class).getMaximumSize()).hasValue(5);
  }

  @Test
  void plainConfigurationIsAccepted() {
    Cache<String, String> cache = manager.createCache("plain",
        new MutableConfiguration<String, String>().setStoreByValue(false));
    CompleteConfiguration<?, ?> seen = cache.getConfiguration(CompleteConfiguration.class);
    assertThat(seen.isStoreByValue()).isFalse();
    assertThat(cache.getConfiguration(KeyedCacheConfiguration.class).getMaximumSize()).isEmpty();
  }

  @Test
  void sizeAndWeightTogetherAreRefusedAndNothingIsRegistered() {
    KeyedCacheConfiguration<String, String> config = new KeyedCacheConfiguration<String, String>()
        .maximumSize(10).maximumWeight(10, (k, v) -> 1);
    assertThatThrownBy(() -> manager.createCache("both", config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maximumSize").hasMessageContaining("maximumWeight");
    assertThat(manager.getCache("both")).isNull();
  }

  @Test
  void equalityWithPlainConfigurationsIsSymmetric() {
    MutableConfiguration<String, String> plain = new MutableConfiguration<String, String>().setStatisticsEnabled(true);
    KeyedCacheConfiguration<String, String> same = new KeyedCacheConfiguration<>(plain);
    KeyedCacheConfiguration<String, String> bounded = new KeyedCacheConfiguration<>(plain).maximumSize(3);
    assertThat(same).isEqualTo(plain).hasSameHashCodeAs(plain);
    assertThat(plain).isEqualTo(same);
    assertThat(bounded).isNotEqualTo(plain).isNotEqualTo(same);
  }

  @Test
  void negativeBoundsAndNullsAreRefused() {
    KeyedCacheConfiguration<String, String> config = new KeyedCacheConfiguration<>();
    assertThatThrownBy(() -> config.maximumSize(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximumSize");
    assertThatThrownBy(() -> config.maximumWeight(-1, (k, v) -> 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximumWeight");
    assertThatThrownBy(() -> config.maximumWeight(1, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("weigher");
    assertThatThrownBy(() -> config.executor(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> config.ticker(null)).isInstanceOf(NullPointerException.class);
  }
}
