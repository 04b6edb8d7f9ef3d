package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.management.KeyedCacheMXBean;
import io.keyedcache.provider.management.MBeans;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.management.Attribute;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The keyed cache's MXBean, reached as JConsole reaches it: through the platform MBean server, by name. */
class KeyedCacheMXBeanTest {
  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
  private final CacheManager manager = TestCaches.manager(KeyedCacheMXBeanTest.class);

  @AfterEach
  void destroy() {
    for (String name : manager.getCacheNames()) {
      manager.destroyCache(name);
    }
  }

  private ObjectName name(String cacheName) throws Exception {
    String uri = manager.getURI().toString().replaceAll("[:=,]", ".");
    return new ObjectName("io.keyedcache:type=KeyedCache,CacheManager=" + uri + ",Cache=" + cacheName);
  }

  @Test
  void statisticsSwitchKeysAndGroupDeletionThroughTheMBeanServer() throws Exception {
    Cache<Object, Object> cache = manager.createCache("operated",
        new MutableConfiguration<>().setManagementEnabled(true));
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyed = cache.unwrap(KeyedCache.class);
    ObjectName name = name("operated");
    assertThat(MBeans.name(MBeans.Kind.KEYED, manager.getURI().toString(), "operated")).isEqualTo(name);
    assertThat(server.isRegistered(name)).isTrue();

    keyed.put(CacheKey.of("product", 1), "apple");
    keyed.put(CacheKey.of("product", 1, "reviews"), "good");
    keyed.put(CacheKey.of("product", 1, "price"), 2.5);
    keyed.put(CacheKey.of("product", 2), "pear");
    keyed.put(CacheKey.of("product", "1"), "the string one, not in the group");
    keyed.get(CacheKey.of("product", 1), null);
    keyed.get(CacheKey.of("product", 9), null);
    Function<Integer, String> f = keyed.function("f", Duration.ofMinutes(1), (Integer i) -> "f" + i);
    f.apply(1);

    assertThat(server.getAttribute(name, "Calls")).isEqualTo(3L);
    assertThat(server.getAttribute(name, "Hits")).isEqualTo(1L);
    assertThat(server.getAttribute(name, "Misses")).isEqualTo(2L);
    assertThat(server.getAttribute(name, "Computations")).isEqualTo(1L);
    assertThat((double) server.getAttribute(name, "HitRatio")).isEqualTo(1.0 / 3);
    assertThat(server.getAttribute(name, "KeyCount")).isEqualTo(6L);

    String[] signature = {String.class.getName(), int.class.getName()};
    assertThat((String[]) server.invoke(name, "keysUnder", new Object[] {"product::1", 10}, signature))
        .containsExactly("product::1", "product::1::price", "product::1::reviews");
    assertThat((String[]) server.invoke(name, "keysUnder", new Object[] {"product::1", 2}, signature))
        .hasSize(2);
    assertThat((String[]) server.invoke(name, "keysUnder", new Object[] {"product::1", 1}, signature))
        .containsExactly("product::1");

    assertThat(server.invoke(name, "deleteGroup", new Object[] {" product::1 "}, new String[] {"java.lang.String"}))
        .isEqualTo(3);
    assertThat(cache.containsKey(CacheKey.of("product", 1, "reviews"))).isFalse();
    assertThat(cache.containsKey(CacheKey.of("product", 2))).isTrue();
    assertThat(cache.containsKey(CacheKey.of("product", "1"))).isTrue();

    assertThat(server.getAttribute(name, "Enabled")).isEqualTo(true);
    server.setAttribute(name, new Attribute("Enabled", false));
    assertThat(keyed.isEnabled()).isFalse();
    assertThat(server.getAttribute(name, "Enabled")).isEqualTo(false);

    KeyedCacheMXBean proxy = JMX.newMXBeanProxy(server, name, KeyedCacheMXBean.class);
    proxy.setEnabled(true);
    assertThat(keyed.isEnabled()).isTrue();
    assertThat(proxy.deleteGroup("product::\"1\"")).isEqualTo(1);
    assertThat(cache.containsKey(CacheKey.of("product", "1"))).isFalse();
  }

  @Test
  void aCacheNameWithWildcardsStillGetsItsBeans() throws Exception {
    manager.createCache("what?*\"now\"", new MutableConfiguration<>().setManagementEnabled(true));
    assertThat(server.isRegistered(MBeans.name(MBeans.Kind.KEYED, manager.getURI().toString(), "what?*\"now\"")))
        .isTrue();
    assertThat(server.isRegistered(name("what...now."))).isTrue();
  }

  @Test
  void badInputIsNamedAndChangesNothing() throws Exception {
    Cache<Object, Object> cache = manager.createCache("guarded",
        new MutableConfiguration<>().setManagementEnabled(true));
    cache.put(CacheKey.of("a", 1), "v");
    KeyedCacheMXBean proxy = JMX.newMXBeanProxy(server, name("guarded"), KeyedCacheMXBean.class);
    // as JConsole sees it: the server wraps what the operation threw
    assertThatThrownBy(() -> server.invoke(name("guarded"), "deleteGroup", new Object[] {"a::\"1"},
        new String[] {"java.lang.String"}))
        .isInstanceOf(RuntimeMBeanException.class).cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read a CacheKey from 'a::\"1': at position 3, expected a closing \"");
    // a proxy unwraps it
    assertThatThrownBy(() -> proxy.keysUnder("a", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit must be 1 or more");
    assertThatThrownBy(() -> proxy.deleteGroup(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readable form");
    assertThat(cache.containsKey(CacheKey.of("a", 1))).isTrue();
  }

  @Test
  void registeredWhileManagementIsOnAndOnlyForKeyedCaches() throws Exception {
    manager.createCache("quiet", new MutableConfiguration<>());
    assertThat(server.isRegistered(name("quiet"))).isFalse();
    manager.enableManagement("quiet", true);
    assertThat(server.isRegistered(name("quiet"))).isTrue();
    manager.enableManagement("quiet", false);
    assertThat(server.isRegistered(name("quiet"))).isFalse();

    manager.createCache("strings", new MutableConfiguration<String, String>().setTypes(String.class, String.class)
        .setManagementEnabled(true));
    assertThat(server.isRegistered(name("strings"))).isFalse();
    assertThat(server.isRegistered(MBeans.name(MBeans.Kind.CONFIGURATION, manager.getURI().toString(), "strings")))
        .isTrue();

    manager.createCache("closing", new MutableConfiguration<>().setManagementEnabled(true));
    assertThat(server.isRegistered(name("closing"))).isTrue();
    manager.getCache("closing").close();
    assertThat(server.isRegistered(name("closing"))).isFalse();
  }

  @Test
  void unwrappedFromTheCacheWhetherOrNotManagementIsOn() {
    Cache<Object, Object> cache = manager.createCache("unwrapped", new MutableConfiguration<>());
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyed = cache.unwrap(KeyedCache.class);
    keyed.put(CacheKey.of("product", 1), "apple");
    keyed.put(CacheKey.of("product", 1, "price"), 2.5);
    KeyedCacheMXBean bean = cache.unwrap(KeyedCacheMXBean.class);
    assertThat(bean.keysUnder("product::1", 10)).containsExactly("product::1", "product::1::price");
    bean.setEnabled(false);
    assertThat(keyed.isEnabled()).isFalse();
    assertThat(bean.deleteGroup("product::1")).isEqualTo(2);
    assertThat(keyed.isCached(CacheKey.of("product", 1))).isFalse();

    Cache<String, String> strings = manager.createCache("strings",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    assertThatThrownBy(() -> strings.unwrap(KeyedCacheMXBean.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strings");
  }
}
