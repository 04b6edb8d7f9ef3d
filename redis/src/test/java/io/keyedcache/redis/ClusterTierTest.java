package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import java.io.IOException;
import java.net.URI;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared tier on a real Redis Cluster of three masters and three replicas. */
class ClusterTierTest {
  private static RedisCluster cluster;
  @RegisterExtension
  final Managers managers = new Managers();

  @BeforeAll
  static void startCluster() throws IOException {
    cluster = RedisCluster.start();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private CacheManager manager(String namespace, String jvm, String... settings) {
    Properties properties = new Properties();
    properties.setProperty("namespace", namespace);
    properties.setProperty("serialization-filter", "io.keyedcache.redis.*");
    for (int i = 0; i < settings.length; i += 2) {
      properties.setProperty(settings[i], settings[i + 1]);
    }
    return managers.open(URI.create(cluster.uri() + "#" + namespace + "-" + jvm), properties);
  }

  private static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  @Test
  void aValuePutByOneManagerIsReadByAnother() {
    Cache<String, String> a = manager("basic", "a").createCache("c", strings());
    Cache<String, String> b = manager("basic", "b").createCache("c", strings());
    a.put("k", "v");
    assertThat(b.get("k")).isEqualTo("v");
    assertThat(b.getAndReplace("k", "w")).isEqualTo("v");
    assertThat(a.get("k")).isEqualTo("w");
    assertThat(a.remove("k")).isTrue();
    assertThat(b.containsKey("k")).isFalse();
  }
}
