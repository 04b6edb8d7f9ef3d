package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Factory;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The file's settings under the code's, one setting at a time: for each, the file alone decides when the code
 * gives a fresh configuration's value, and the code's own value wins over the file's. A setting dropped from
 * the overlay (or one that the overlay takes from the wrong side) fails its row here.
 */
class ConfigurationOverlayTest {
  private static final CachingProvider PROVIDER = Caching.getCachingProvider(KeyedCachingProvider.class.getName());

  @TempDir
  static Path folder;

  public static final class CodeLoader implements CacheLoader<Object, Object> {
    @Override
    public Object load(Object key) {
      return "code " + key;
    }

    @Override
    public Map<Object, Object> loadAll(Iterable<?> keys) {
      return Map.of();
    }
  }

  public static final class FileWriter implements Factory<CacheWriter<Object, Object>> {
    @Override
    public CacheWriter<Object, Object> create() {
      return new ConfigurationFileTest.TestWriterFactory().create();
    }
  }

  public static final class FileExecutor implements Executor {
    @Override
    public void execute(Runnable command) {
      command.run();
    }
  }

  public static final class CodeListener implements CacheEntryCreatedListener<Object, Object> {
    @Override
    public void onCreated(Iterable<javax.cache.event.CacheEntryEvent<?, ?>> events) {
    }
  }

  /** One row: the file's lines for cache {@code c}, what code sets, and what the created cache must have. */
  record Row(String setting, List<String> file, Consumer<KeyedCacheConfiguration<Object, Object>> code,
      Function<KeyedCacheConfiguration<?, ?>, Object> read, Object expected) {
    @Override
    public String toString() {
      return setting;
    }
  }

  private static Row row(String setting, List<String> file, Consumer<KeyedCacheConfiguration<Object, Object>> code,
      Function<KeyedCacheConfiguration<?, ?>, Object> read, Object expected) {
    return new Row(setting, file, code, read, expected);
  }

  private static final Consumer<KeyedCacheConfiguration<Object, Object>> FRESH = config -> { };
  private static final Executor CODE_EXECUTOR = Runnable::run;

  static Stream<Row> rows() {
    String fileLoader = "caches.c.loader = " + ConfigurationFileTest.TestLoader.class.getName();
    String fileWriter = "caches.c.writer = " + FileWriter.class.getName();
    Function<KeyedCacheConfiguration<?, ?>, Object> loaderClass =
        config -> config.getCacheLoaderFactory().create().getClass();
    return Stream.of(
        row("key type from the file", List.of("caches.c.key-type = java.lang.String"), FRESH,
            KeyedCacheConfiguration::getKeyType, String.class),
        row("types from the code", List.of("caches.c.key-type = java.lang.String",
                "caches.c.value-type = java.lang.String"), ConfigurationOverlayTest::integerToLong,
            config -> List.of(config.getKeyType(), config.getValueType()), List.of(Integer.class, Long.class)),
        row("value type from the file", List.of("caches.c.value-type = java.lang.Integer"), FRESH,
            KeyedCacheConfiguration::getValueType, Integer.class),
        row("store-by-value from the file", List.of("caches.c.store-by-value = true"), FRESH,
            KeyedCacheConfiguration::isStoreByValue, true),
        row("store-by-value: a file's default is by reference", List.of("caches.c.maximum-size = 5"), FRESH,
            KeyedCacheConfiguration::isStoreByValue, false),
        row("store-by-reference from the code", List.of("caches.c.store-by-value = true"),
            config -> config.setStoreByValue(false), KeyedCacheConfiguration::isStoreByValue, false),
        row("read-through from the file", List.of("caches.c.read-through = true", fileLoader), FRESH,
            KeyedCacheConfiguration::isReadThrough, true),
        row("read-through from the code", List.of(fileLoader), config -> config.setReadThrough(true),
            KeyedCacheConfiguration::isReadThrough, true),
        row("loader from the file", List.of(fileLoader), FRESH, loaderClass, ConfigurationFileTest.TestLoader.class),
        row("loader from the code", List.of(fileLoader),
            config -> config.setCacheLoaderFactory(FactoryBuilder.factoryOf(CodeLoader.class)), loaderClass,
            CodeLoader.class),
        row("write-through from the file", List.of("caches.c.write-through = true", fileWriter), FRESH,
            KeyedCacheConfiguration::isWriteThrough, true),
        row("write-through from the code", List.of(fileWriter), config -> config.setWriteThrough(true),
            KeyedCacheConfiguration::isWriteThrough, true),
        row("writer from the file", List.of(fileWriter), FRESH,
            config -> config.getCacheWriterFactory().getClass(), FileWriter.class),
        row("writer from the code", List.of(fileWriter),
            config -> config.setCacheWriterFactory(new ConfigurationFileTest.TestWriterFactory()),
            config -> config.getCacheWriterFactory().getClass(), ConfigurationFileTest.TestWriterFactory.class),
        row("expiry from the file", List.of("caches.c.expiry = created", "caches.c.expiry-duration = 10m"), FRESH,
            config -> config.getExpiryPolicyFactory().create().getExpiryForCreation(),
            new Duration(TimeUnit.MILLISECONDS, 600_000)),
        row("expiry from the code", List.of("caches.c.expiry = created", "caches.c.expiry-duration = 10m"),
            config -> config.setExpiryPolicyFactory(AccessedExpiryPolicy.factoryOf(Duration.ONE_MINUTE)),
            config -> config.getExpiryPolicyFactory().create().getClass(), AccessedExpiryPolicy.class),
        row("statistics from the file", List.of("caches.c.statistics = true"), FRESH,
            KeyedCacheConfiguration::isStatisticsEnabled, true),
        row("statistics from the code", List.of("caches.c.maximum-size = 5"),
            config -> config.setStatisticsEnabled(true), KeyedCacheConfiguration::isStatisticsEnabled, true),
        row("management from the file", List.of("caches.c.management = true"), FRESH,
            KeyedCacheConfiguration::isManagementEnabled, true),
        row("management from the code", List.of("caches.c.maximum-size = 5"),
            config -> config.setManagementEnabled(true), KeyedCacheConfiguration::isManagementEnabled, true),
        row("per-entry lifetimes from the file", List.of("caches.c.per-entry-lifetimes = true"), FRESH,
            KeyedCacheConfiguration::isPerEntryLifetimes, true),
        row("per-entry lifetimes from the code", List.of("caches.c.maximum-size = 5"),
            config -> config.perEntryLifetimes(true), KeyedCacheConfiguration::isPerEntryLifetimes, true),
        row("maximum size from the file", List.of("caches.c.maximum-size = 5"), FRESH,
            config -> config.getMaximumSize().getAsLong(), 5L),
        row("maximum size from the code", List.of("caches.c.maximum-size = 5"), config -> config.maximumSize(7),
            config -> config.getMaximumSize().getAsLong(), 7L),
        row("maximum weight from the code", List.of("caches.c.statistics = true"),
            config -> config.maximumWeight(9, (k, v) -> 1), config -> config.getMaximumWeight().getAsLong(), 9L),
        row("executor from the file", List.of("caches.c.executor = " + FileExecutor.class.getName()), FRESH,
            config -> config.getExecutor().getClass(), FileExecutor.class),
        row("executor from the code", List.of("caches.c.executor = " + FileExecutor.class.getName()),
            config -> config.executor(CODE_EXECUTOR), KeyedCacheConfiguration::getExecutor, CODE_EXECUTOR),
        row("refresh-after from the file", refreshable("caches.c.refresh-after = 8m"), FRESH,
            KeyedCacheConfiguration::getRefreshAfter, java.time.Duration.ofMinutes(8)),
        row("refresh-after from the code", refreshable("caches.c.refresh-after = 8m"),
            config -> config.refreshAfter(java.time.Duration.ofMinutes(9)), KeyedCacheConfiguration::getRefreshAfter,
            java.time.Duration.ofMinutes(9)),
        row("a listener from the code", List.of("caches.c.maximum-size = 5"),
            config -> config.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                FactoryBuilder.factoryOf(CodeListener.class), null, false, true)),
            config -> config.getCacheEntryListenerConfigurations().iterator().next().isSynchronous(), true));
  }

  /** A read-through cache that can refresh ahead, with {@code line}. */
  private static List<String> refreshable(String line) {
    return List.of("caches.c.read-through = true", "caches.c.loader = "
        + ConfigurationFileTest.TestLoader.class.getName(), "caches.c.expiry = created",
        "caches.c.expiry-duration = 10m", line);
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static void integerToLong(KeyedCacheConfiguration<Object, Object> config) {
    ((KeyedCacheConfiguration) config).setTypes(Integer.class, Long.class);
  }

  private static int files;

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void theCodesSettingsGoOverTheFiles(Row row) throws IOException {
    Path file = folder.resolve("overlay-" + (files++) + ".properties");
    Files.write(file, row.file());
    URI uri = file.toUri();
    CacheManager manager = PROVIDER.getCacheManager(uri, ConfigurationOverlayTest.class.getClassLoader());
    try {
      KeyedCacheConfiguration<Object, Object> code = new KeyedCacheConfiguration<>();
      row.code().accept(code);
      KeyedCacheConfiguration<?, ?> created =
          manager.createCache("c", code).getConfiguration(KeyedCacheConfiguration.class);
      assertThat(row.read().apply(created)).as(row.setting()).isEqualTo(row.expected());
    } finally {
      manager.close();
    }
  }
}
