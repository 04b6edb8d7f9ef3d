package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manager's URI, or its file's {@code tier}, selects the tier its caches live on. */
class TiersTest {
  private final CachingProvider provider = Caching.getCachingProvider(KeyedCachingProvider.class.getName());

  @TempDir
  Path folder;

  private TestTier.Connection last() {
    return TestTier.CONNECTIONS.get(TestTier.CONNECTIONS.size() - 1);
  }

  @Test
  void aTiersUriConnectsTheManagerToItAndClosingClosesIt() {
    Properties properties = new Properties();
    properties.setProperty("namespace", "shop");
    CacheManager manager = provider.getCacheManager(URI.create("test-tier://127.0.0.1:1/x"),
        getClass().getClassLoader(), properties);
    TestTier.Connection connection = last();
    assertThat(connection.uri).isEqualTo(URI.create("test-tier://127.0.0.1:1/x"));
    assertThat(connection.settings.getProperty("namespace")).isEqualTo("shop");
    manager.createCache("on-the-tier", new MutableConfiguration<>()).put("k", "v");
    assertThat(connection.caches).containsExactly("on-the-tier");
    assertThat(manager.getCache("on-the-tier").get("k")).isEqualTo("v");
    assertThat(connection.closed).isFalse();
    manager.close();
    assertThat(connection.closed).isTrue();
  }

  @Test
  void aFileSelectsATierWithItsSettings() throws Exception {
    Path file = folder.resolve("tiered.properties");
    Files.write(file, List.of("tier = test-tier://10.0.0.1:2", "namespace = billing",
        "serialization-filter = com.example.**", "caches.invoices.statistics = true"));
    CacheManager manager = provider.getCacheManager(file.toUri(), getClass().getClassLoader());
    try {
      TestTier.Connection connection = last();
      assertThat(connection.uri).isEqualTo(URI.create("test-tier://10.0.0.1:2"));
      assertThat(connection.settings.getProperty("namespace")).isEqualTo("billing");
      assertThat(connection.settings.getProperty("serialization-filter")).isEqualTo("com.example.**");
      assertThat(connection.caches).containsExactly("invoices");
    } finally {
      manager.close();
    }
  }

  @Test
  void theManagerKeysOfAFileAreChecked() throws Exception {
    Path file = folder.resolve("bad-tier.properties");
    Files.write(file, List.of("tier = 127.0.0.1:6379"));
    assertThatThrownBy(() -> provider.getCacheManager(file.toUri(), getClass().getClassLoader()))
        .isInstanceOf(CacheException.class).hasMessageContaining("tier — expected a URI with a scheme");
    Path namespace = folder.resolve("bad-namespace.properties");
    Files.write(namespace, List.of("namespace = my shop"));
    assertThatThrownBy(() -> provider.getCacheManager(namespace.toUri(), getClass().getClassLoader()))
        .isInstanceOf(CacheException.class).hasMessageContaining("namespace — expected letters, digits");
    Path misspelt = folder.resolve("misspelt.properties");
    Files.write(misspelt, List.of("teir = test-tier://x"));
    assertThatThrownBy(() -> provider.getCacheManager(misspelt.toUri(), getClass().getClassLoader()))
        .isInstanceOf(CacheException.class).hasMessageContaining("(did you mean tier?)");
  }

  @Test
  void theSharedTierWithoutItsModuleIsNamedWithoutThePassword() {
    assertThatThrownBy(() -> provider.getCacheManager(URI.create("redis://app:s3cret@127.0.0.1:6379"),
        getClass().getClassLoader()))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("io.keyedcache:redis")
        .hasMessageContaining("redis://app:***@127.0.0.1:6379")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> provider.getCacheManager(URI.create("rediss://s3cret@127.0.0.1:6379"),
        getClass().getClassLoader()))
        .hasMessageContaining("rediss://***@127.0.0.1:6379").hasMessageNotContaining("s3cret");
  }

  @Test
  void aPasswordInTheUriStaysOutOfNamesAndTexts() throws Exception {
    URI uri = URI.create("test-tier://user:pa55word@127.0.0.1:3");
    CacheManager manager = provider.getCacheManager(uri, getClass().getClassLoader());
    try {
      manager.createCache("secretive", new MutableConfiguration<>().setManagementEnabled(true)
          .setStatisticsEnabled(true));
      assertThat(manager.getURI()).isEqualTo(uri);
      assertThat(manager.toString()).doesNotContain("pa55word").contains("user:***@");
      assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("*:Cache=secretive,*"), null))
          .hasSize(3).allSatisfy(name -> assertThat(name.toString()).doesNotContain("pa55word"));
      assertThatThrownBy(() -> manager.createCache("secretive", new MutableConfiguration<>()))
          .hasMessageNotContaining("pa55word");
    } finally {
      manager.close();
    }
    assertThatThrownBy(() -> manager.getCache("secretive")).hasMessageNotContaining("pa55word");
  }

  @Test
  void aSystemPropertySetsTheDefaultUri() {
    String before = System.getProperty(KeyedCachingProvider.DEFAULT_URI_PROPERTY);
    try {
      assertThat(provider.getDefaultURI()).isEqualTo(URI.create("keyedcache:default"));
      System.setProperty(KeyedCachingProvider.DEFAULT_URI_PROPERTY, "test-tier://127.0.0.1:4");
      assertThat(provider.getDefaultURI()).isEqualTo(URI.create("test-tier://127.0.0.1:4"));
      CacheManager manager = provider.getCacheManager();
      try {
        assertThat(last().uri).isEqualTo(URI.create("test-tier://127.0.0.1:4"));
      } finally {
        manager.close();
      }
      System.setProperty(KeyedCachingProvider.DEFAULT_URI_PROPERTY, "not a uri");
      assertThatThrownBy(provider::getDefaultURI).isInstanceOf(CacheException.class)
          .hasMessageContaining(KeyedCachingProvider.DEFAULT_URI_PROPERTY);
    } finally {
      if (before == null) {
        System.clearProperty(KeyedCachingProvider.DEFAULT_URI_PROPERTY);
      } else {
        System.setProperty(KeyedCachingProvider.DEFAULT_URI_PROPERTY, before);
      }
    }
  }
}
