package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Weigher;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.spi.CachingProvider;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache settings from a properties file named by the manager's URI. */
class ConfigurationFileTest {
  private final CachingProvider provider = Caching.getCachingProvider(KeyedCachingProvider.class.getName());

  @TempDir
  Path folder;

  private URI write(String name, String... lines) throws IOException {
    Path file = folder.resolve(name);
    Files.write(file, java.util.List.of(lines));
    return file.toUri();
  }

  private CacheManager manager(URI uri) {
    return provider.getCacheManager(uri, getClass().getClassLoader());
  }

  public static final class TestWeigher implements Weigher<Object, Object> {
    @Override
    public int weigh(Object key, Object value) {
      return 1;
    }
  }

  public static final class TestLoader implements CacheLoader<Object, Object> {
    @Override
    public Object load(Object key) {
      return "loaded " + key;
    }

    @Override
    public Map<Object, Object> loadAll(Iterable<?> keys) {
      return Map.of();
    }
  }

  public static final class TestWriterFactory implements Factory<CacheWriter<Object, Object>> {
    @Override
    public CacheWriter<Object, Object> create() {
      return new CacheWriter<>() {
        @Override
        public void write(javax.cache.Cache.Entry<?, ?> entry) {}

        @Override
        public void writeAll(java.util.Collection<javax.cache.Cache.Entry<?, ?>> entries) {}

        @Override
        public void delete(Object key) {}

        @Override
        public void deleteAll(java.util.Collection<?> keys) {}
      };
    }
  }

  public static final class TestExecutor implements Executor {
    @Override
    public void execute(Runnable command) {
      command.run();
    }
  }

  public static final class TenSecondsPolicy implements ExpiryPolicy {
    @Override
    public Duration getExpiryForCreation() {
      return new Duration(TimeUnit.SECONDS, 10);
    }

    @Override
    public Duration getExpiryForAccess() {
      return null;
    }

    @Override
    public Duration getExpiryForUpdate() {
      return null;
    }
  }

  @Test
  void everyPropertyReachesTheCache() throws Exception {
    URI uri = write("all.properties",
        "caches.all.key-type = java.lang.String",
        "caches.all.value-type = java.lang.Object",
        "caches.all.store-by-value = false",
        "caches.all.maximum-weight = 1000",
        "caches.all.weigher = " + TestWeigher.class.getName(),
        "caches.all.expiry = accessed",
        "caches.all.expiry-duration = 90s",
        "caches.all.read-through = true",
        "caches.all.loader = " + TestLoader.class.getName(),
        "caches.all.write-through = true",
        "caches.all.writer = " + TestWriterFactory.class.getName(),
        "caches.all.statistics = true",
        "caches.all.management = true",
        "caches.all.per-entry-lifetimes = true",
        "caches.all.executor = " + TestExecutor.class.getName(),
        "caches.custom.expiry = " + TenSecondsPolicy.class.getName(),
        "caches.sized.maximum-size = 1_000",
        "caches.sized.expiry = touched",
        "caches.sized.expiry-duration = PT1H",
        "caches.refreshed.read-through = true",
        "caches.refreshed.loader = " + TestLoader.class.getName(),
        "caches.refreshed.expiry = created",
        "caches.refreshed.expiry-duration = 5m",
        "caches.refreshed.refresh-after = 4m");
    CacheManager manager = manager(uri);
    try {
      assertThat(manager.getCacheNames()).containsExactlyInAnyOrder("all", "custom", "sized", "refreshed");
      assertThat(manager.getCache("refreshed").getConfiguration(KeyedCacheConfiguration.class).getRefreshAfter())
          .isEqualTo(java.time.Duration.ofMinutes(4));
      Cache<String, Object> all = manager.getCache("all", String.class, Object.class);
      KeyedCacheConfiguration<?, ?> config = all.getConfiguration(KeyedCacheConfiguration.class);
      assertThat(config.isStoreByValue()).isFalse();
      assertThat(config.getMaximumWeight()).hasValue(1000);
      assertThat(config.getWeigher()).isInstanceOf(TestWeigher.class);
      assertThat(config.getExpiryPolicyFactory().create().getExpiryForAccess())
          .isEqualTo(new Duration(TimeUnit.MILLISECONDS, 90_000));
      assertThat(config.isReadThrough()).isTrue();
      assertThat(config.isWriteThrough()).isTrue();
      assertThat(config.isStatisticsEnabled()).isTrue();
      assertThat(config.isManagementEnabled()).isTrue();
      assertThat(config.isPerEntryLifetimes()).isTrue();
      assertThat(config.getExecutor()).isInstanceOf(TestExecutor.class);
      assertThat(all.get("k")).as("read-through with the file's loader").isEqualTo("loaded k");
      assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName(
          "javax.cache:type=CacheStatistics,CacheManager=" + uri.toString().replaceAll("[:=,]", ".") + ",Cache=all")))
          .isTrue();

      Cache<Object, Object> custom = manager.getCache("custom");
      assertThat(custom.getConfiguration(KeyedCacheConfiguration.class).getExpiryPolicyFactory().create())
          .isInstanceOf(TenSecondsPolicy.class);
      KeyedCacheConfiguration<?, ?> sized = manager.getCache("sized").getConfiguration(KeyedCacheConfiguration.class);
      assertThat(sized.getMaximumSize()).hasValue(1000);
      assertThat(sized.getExpiryPolicyFactory().create().getExpiryForUpdate())
          .isEqualTo(new Duration(TimeUnit.MILLISECONDS, 3_600_000));
    } finally {
      manager.close();
    }
  }

  @Test
  void aClasspathFileWithDefaultsAndDottedNames() {
    CacheManager manager = manager(URI.create("classpath:keyedcache-test.properties"));
    try {
      assertThat(manager.getCacheNames()).containsExactlyInAnyOrder("products", "com.shop.Product");
      Cache<String, Integer> products = manager.getCache("products", String.class, Integer.class);
      assertThat(products.getConfiguration(KeyedCacheConfiguration.class).getMaximumSize()).hasValue(100);
      assertThat(manager.getCache("com.shop.Product").getConfiguration(KeyedCacheConfiguration.class)
          .isStoreByValue()).isFalse();

      // A cache the file does not name takes the defaults; what the code sets wins.
      Cache<String, String> other = manager.createCache("other",
          new MutableConfiguration<String, String>().setStatisticsEnabled(true));
      KeyedCacheConfiguration<?, ?> otherConfig = other.getConfiguration(KeyedCacheConfiguration.class);
      assertThat(otherConfig.getMaximumSize()).hasValue(50);
      assertThat(otherConfig.isStatisticsEnabled()).isTrue();
    } finally {
      manager.close();
    }
  }

  @Test
  void codeCreatingACacheTheFileNamesGetsTheFileAsBase() throws Exception {
    URI uri = write("base.properties", "caches.shared.maximum-size = 10", "caches.shared.statistics = true");
    CacheManager manager = manager(uri);
    try {
      Cache<String, String> shared = manager.createCache("shared",
          new MutableConfiguration<String, String>().setTypes(String.class, String.class).setStoreByValue(false));
      KeyedCacheConfiguration<?, ?> config = shared.getConfiguration(KeyedCacheConfiguration.class);
      assertThat(config.getMaximumSize()).as("from the file").hasValue(10);
      assertThat(config.isStatisticsEnabled()).as("from the file").isTrue();
      assertThat(config.isStoreByValue()).as("from the code").isFalse();
      assertThat(config.getKeyType()).isEqualTo(String.class);
      assertThatThrownBy(() -> manager.createCache("shared", new MutableConfiguration<>()))
          .isInstanceOf(CacheException.class).hasMessageContaining("already exists");
    } finally {
      manager.close();
    }
  }

  @Test
  void invalidCodeSettingsLeaveTheFilesCacheInPlace() throws Exception {
    URI uri = write("keep.properties", "caches.kept.maximum-weight = 10",
        "caches.kept.weigher = " + TestWeigher.class.getName());
    CacheManager manager = manager(uri);
    try {
      Cache<Object, Object> kept = manager.getCache("kept");
      kept.put("k", "v");
      assertThatThrownBy(() -> manager.createCache("kept", new KeyedCacheConfiguration<>().maximumSize(5)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
      assertThat(manager.getCache("kept")).isSameAs(kept);
      assertThat(kept.get("k")).isEqualTo("v");
    } finally {
      manager.close();
    }
  }

  private void assertRefused(String why, String expectedInMessage, String... lines) throws IOException {
    URI uri = write("bad-" + Integer.toHexString(why.hashCode()) + ".properties", lines);
    assertThatThrownBy(() -> manager(uri)).as(why)
        .isInstanceOf(CacheException.class)
        .hasMessageContaining(uri.toString())
        .hasMessageContaining(expectedInMessage);
    // Nothing half-made: the same URI fails again rather than returning a registered manager.
    assertThatThrownBy(() -> manager(uri)).as(why + ", again").isInstanceOf(CacheException.class);
  }

  @Test
  void everyKindOfMistakeIsNamed() throws Exception {
    assertRefused("unknown key form", "products.size", "products.size = 10");
    assertRefused("misspelt property", "did you mean maximum-size?", "caches.products.maximum-sise = 10");
    assertRefused("bad number", "caches.products.maximum-size", "caches.products.maximum-size = ten");
    assertRefused("negative number", "0 or more", "caches.products.maximum-size = -1");
    assertRefused("bad boolean", "true or false", "caches.products.statistics = yes");
    assertRefused("bad duration", "caches.products.expiry-duration",
        "caches.products.expiry = created", "caches.products.expiry-duration = 10 minutes");
    assertRefused("zero duration", "positive duration",
        "caches.products.expiry = created", "caches.products.expiry-duration = 0s");
    assertRefused("named expiry without a duration", "expiry-duration as well", "caches.products.expiry = created");
    assertRefused("expiry kind in another case", "did you mean created?",
        "caches.products.expiry = Created", "caches.products.expiry-duration = 10m");
    assertRefused("expiry kind misspelt", "did you mean created?",
        "caches.products.expiry = create", "caches.products.expiry-duration = 10m");
    assertRefused("missing class", "com.example.Nope was not found", "caches.products.loader = com.example.Nope");
    assertRefused("class of the wrong type", "java.lang.String is neither", "caches.products.loader = java.lang.String");
    assertRefused("weight without weigher", "a weigher as well", "caches.products.maximum-weight = 10");
    assertRefused("read-through without loader", "a loader as well", "caches.products.read-through = true");
    assertRefused("executor factory that fails", "no executor today",
        "caches.products.executor = " + ExplodingExecutorFactory.class.getName());
    String loader = "caches.products.loader = " + TestLoader.class.getName();
    assertRefused("refresh-after without read-through", "caches.products.refresh-after — expected read-through as well",
        "caches.products.refresh-after = 4m", "caches.products.expiry = created",
        "caches.products.expiry-duration = 5m", loader);
    assertRefused("refresh-after with an accessed expiry", "expected expiry created or modified",
        "caches.products.refresh-after = 4m", "caches.products.expiry = accessed",
        "caches.products.expiry-duration = 5m", "caches.products.read-through = true", loader);
    assertRefused("refresh-after not below the lifetime", "a duration below caches.products.expiry-duration",
        "caches.products.refresh-after = 5m", "caches.products.expiry = modified",
        "caches.products.expiry-duration = 5m", "caches.products.read-through = true", loader);
    assertRefused("size and weight", "not both", "caches.products.maximum-size = 10",
        "caches.products.maximum-weight = 10", "caches.products.weigher = " + TestWeigher.class.getName());
  }

  @Test
  void aKeyGivenTwiceNamesBothLines() throws Exception {
    assertRefused("the same key twice", "caches.products.maximum-size is given twice, on line 2 and on line 5",
        "# products", "caches.products.maximum-size = 10", "caches.products.statistics = true", "",
        "caches.products.maximum-size = 20");
    // the key as Properties reads it: other separators, escapes and continuation lines are the same key
    assertRefused("the same key written differently", "caches.p.statistics is given twice, on line 1 and on line 4",
        "caches.p.statistics true", "caches.p.maximum-size = 1\\", "  0", "caches\\.p.statistics: false");
  }

  @Test
  void aLineThatIsNoPropertyNamesItsNumber() throws Exception {
    assertRefused("a malformed escape", "line 3 cannot be read (Malformed \\uxxxx encoding.)",
        "caches.p.statistics = true", "", "caches.p.maximum-size = \\u12");
  }

  @Test
  void aCacheMadeOnDemandFailsAsLoudlyAsOneMadeInCode() throws Exception {
    URI uri = write("on-demand-failing.properties", "default.loader = " + ExplodingLoaderFactory.class.getName());
    CacheManager manager = manager(uri);
    try {
      assertThatThrownBy(() -> manager.getCache("any")).isInstanceOf(IllegalStateException.class)
          .hasMessage("no loader today");
      assertThat(manager.getCacheNames()).isEmpty();
    } finally {
      manager.close();
    }
  }

  @Test
  void propertiesAreReadAsJavaPropertiesFilesAreRead() throws Exception {
    URI uri = write("syntax.properties",
        "! a comment of the other kind",
        "   # an indented comment ending in a backslash \\",
        "caches.syntax.maximum-size = 1\\",
        "   0",
        "caches.syntax.statistics:true",
        "caches.syntax.management true",
        "caches.syntax.expiry = created",
        "caches.syntax.expiry-duration = 10m");
    CacheManager manager = manager(uri);
    try {
      KeyedCacheConfiguration<?, ?> config = manager.getCache("syntax").getConfiguration(KeyedCacheConfiguration.class);
      assertThat(config.getMaximumSize()).as("a continued line").hasValue(10);
      assertThat(config.isStatisticsEnabled()).isTrue();
      assertThat(config.isManagementEnabled()).isTrue();
    } finally {
      manager.close();
    }
  }

  public static final class NotSerializableValue {
  }

  @Test
  void aFilesCachesKeepValuesByReferenceUnlessTheFileSaysOtherwise() throws Exception {
    URI uri = write("by-reference.properties", "caches.plain.maximum-size = 10",
        "caches.copied.store-by-value = true", "caches.typed.key-type = java.lang.String");
    CacheManager manager = manager(uri);
    try {
      NotSerializableValue value = new NotSerializableValue();
      Cache<Object, Object> plain = manager.getCache("plain");
      plain.put("k", value);
      assertThat(plain.get("k")).isSameAs(value);

      Cache<Object, Object> copied = manager.getCache("copied");
      assertThatThrownBy(() -> copied.put("k", value)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("set caches.copied.store-by-value = false in " + uri);
      assertThat(copied.containsKey("k")).isFalse();

      // a name the file does not know, from code: the file's default settings, so by reference too
      Cache<Object, Object> other = manager.createCache("other", new MutableConfiguration<>());
      other.put("k", value);
      assertThat(other.get("k")).isSameAs(value);

      @SuppressWarnings({"rawtypes", "unchecked"})
      Cache<Object, Object> typed = (Cache) manager.getCache("typed", String.class, Object.class);
      assertThatThrownBy(() -> typed.put(7, "v")).isInstanceOf(ClassCastException.class)
          .hasMessage("Cache 'typed' takes keys of type java.lang.String (set by caches.typed.key-type in " + uri
              + "), not java.lang.Integer");
      assertThatThrownBy(() -> typed.unwrap(io.keyedcache.KeyedCache.class))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("caches.typed.key-type in " + uri);
    } finally {
      manager.close();
    }
  }

  @Test
  void hintsNameTheJavaCallForCachesMadeWithoutAFile() {
    CacheManager manager = TestCaches.manager(ConfigurationFileTest.class);
    Cache<String, Object> cache = manager.createCache("hints-code",
        new MutableConfiguration<String, Object>().setTypes(String.class, Object.class));
    try {
      assertThatThrownBy(() -> cache.put("k", new NotSerializableValue()))
          .hasMessageEndingWith("make it Serializable or configure the cache with setStoreByValue(false)");
      @SuppressWarnings({"rawtypes", "unchecked"})
      Cache<Object, Object> raw = (Cache) cache;
      assertThatThrownBy(() -> raw.put(7, "v"))
          .hasMessage("Cache 'hints-code' takes keys of type java.lang.String, not java.lang.Integer");
    } finally {
      manager.destroyCache("hints-code");
    }
  }

  @Test
  void typesTheCodeGaveAreNotBlamedOnTheFile() throws Exception {
    URI uri = write("code-types.properties", "caches.t.maximum-size = 10");
    CacheManager manager = manager(uri);
    try {
      @SuppressWarnings({"rawtypes", "unchecked"})
      Cache<Object, Object> raw = (Cache) manager.createCache("t",
          new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      assertThatThrownBy(() -> raw.put(7, "v"))
          .hasMessage("Cache 't' takes keys of type java.lang.String, not java.lang.Integer");
      assertThatThrownBy(() -> raw.put("k", 7))
          .hasMessage("Cache 't' takes values of type java.lang.String, not java.lang.Integer");
    } finally {
      manager.close();
    }
  }

  @Test
  void withADefaultSectionEveryNameIsACache() throws Exception {
    URI uri = write("on-demand.properties", "caches.named.maximum-size = 10", "default.maximum-size = 20",
        "default.statistics = true");
    CacheManager manager = manager(uri);
    try {
      assertThat(manager.getCacheNames()).containsExactly("named");
      Cache<Object, Object> asked = manager.getCache("asked");
      assertThat(asked).isNotNull();
      assertThat(manager.getCache("asked")).isSameAs(asked);
      KeyedCacheConfiguration<?, ?> config = asked.getConfiguration(KeyedCacheConfiguration.class);
      assertThat(config.getMaximumSize()).hasValue(20);
      assertThat(config.isStatisticsEnabled()).isTrue();
      assertThat(config.isStoreByValue()).isFalse();

      Cache<String, Integer> typed = manager.getCache("typed", String.class, Integer.class);
      assertThat(typed.getConfiguration(KeyedCacheConfiguration.class).getKeyType()).isEqualTo(String.class);
      assertThat(typed.getConfiguration(KeyedCacheConfiguration.class).getMaximumSize()).hasValue(20);
      assertThat(manager.getCacheNames()).containsExactlyInAnyOrder("named", "asked", "typed");
      assertThatThrownBy(() -> manager.createCache("asked", new MutableConfiguration<>()))
          .isInstanceOf(CacheException.class).hasMessageContaining("already exists");
    } finally {
      manager.close();
    }
  }

  /** How metrics reach every cache: those of the file, those code creates, those made on demand. */
  @Test
  void forEachCacheIsGivenTheCachesThereAndEveryOneMadeLater() throws Exception {
    URI uri = write("for-each.properties", "caches.named.maximum-size = 10", "default.maximum-size = 20");
    KeyedCacheManager manager = (KeyedCacheManager) manager(uri);
    try {
      java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      manager.forEachCache(cache -> seen.add(cache.getName()));
      assertThat(seen).containsExactly("named");
      manager.getCache("asked");
      manager.getCache("asked");
      manager.createCache("created", new MutableConfiguration<>());
      manager.forEachCache(cache -> {
        throw new IllegalStateException("a failing action does not stop creation");
      });
      assertThat(manager.getCache("after-a-failing-action")).isNotNull();
      assertThat(seen).containsExactly("named", "asked", "created", "after-a-failing-action");
    } finally {
      manager.close();
    }
    assertThatThrownBy(() -> manager.forEachCache(cache -> {})).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void withoutADefaultSectionAnUnknownNameIsNoCache() throws Exception {
    URI uri = write("no-defaults.properties", "caches.named.maximum-size = 10");
    CacheManager manager = manager(uri);
    try {
      assertThat(manager.getCache("unknown")).isNull();
      assertThat(manager.getCache("unknown", String.class, String.class)).isNull();
      assertThat(manager.getCacheNames()).containsExactly("named");
    } finally {
      manager.close();
    }
    CacheManager noFile = TestCaches.manager(ConfigurationFileTest.class);
    assertThat(noFile.getCache("unknown-" + System.nanoTime())).isNull();
  }

  /** Spring Boot hands the provider {@code file:./config/caches.properties} as it is: relative, opaque. */
  @Test
  void aRelativeFileUriIsReadFromTheWorkingDirectory() throws Exception {
    Path relative = Path.of("target", "relative-config");
    Files.createDirectories(relative);
    Files.write(relative.resolve("caches.properties"), java.util.List.of("caches.relative.maximum-size = 5"));
    CacheManager manager = manager(URI.create("file:./target/relative-config/caches.properties"));
    try {
      assertThat(manager.getCacheNames()).contains("relative");
    } finally {
      manager.close();
    }
    assertThatThrownBy(() -> manager(URI.create("file:./target/relative-config/missing.properties")))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining(relative.toAbsolutePath().resolve("missing.properties").toString());
  }

  @Test
  void aUriThatNamesNoReadableFileIsRefused() {
    assertThatThrownBy(() -> manager(folder.resolve("missing.properties").toUri()))
        .isInstanceOf(CacheException.class).hasMessageContaining("missing.properties");
    assertThatThrownBy(() -> manager(URI.create("classpath:no/such.properties")))
        .isInstanceOf(CacheException.class).hasMessageContaining("no/such.properties");
    assertThatThrownBy(() -> manager(URI.create("https://example.com/caches.properties")))
        .isInstanceOf(CacheException.class).hasMessageContaining("https");
  }

  @Test
  void aFailingCacheLeavesNoCacheOrBeanBehind() throws Exception {
    URI uri = write("half.properties",
        "caches.a.management = true",
        "caches.b.loader = " + ExplodingLoaderFactory.class.getName());
    assertThatThrownBy(() -> manager(uri)).isInstanceOf(CacheException.class)
        .hasMessageContaining("cache 'b'").hasMessageContaining("no loader today");
    assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(
        new ObjectName("javax.cache:type=CacheConfiguration,*"), null))
        .noneMatch(name -> name.toString().contains("half.properties"));
  }

  public static final class ExplodingLoaderFactory implements Factory<CacheLoader<Object, Object>> {
    @Override
    public CacheLoader<Object, Object> create() {
      throw new IllegalStateException("no loader today");
    }
  }

  public static final class ExplodingExecutorFactory implements Factory<Executor> {
    @Override
    public Executor create() {
      throw new IllegalStateException("no executor today");
    }
  }
}
