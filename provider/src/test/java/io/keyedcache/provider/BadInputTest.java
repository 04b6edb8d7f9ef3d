package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BadInputTest {
  private final CacheManager manager = TestCaches.manager(BadInputTest.class);

  @AfterEach
  void close() {
    manager.close();
  }

  /** Neither serializable nor immutable: store-by-value cannot copy it. */
  static final class Unserializable {
    int state;
  }

  @Test
  void aValueThatCannotBeCopiedIsRefusedByNameAndTheCacheIsUnchanged() {
    Cache<String, Object> cache = manager.createCache("byValue", new MutableConfiguration<String, Object>());
    cache.put("k", "before");

    assertThatThrownBy(() -> cache.put("k", new Unserializable()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Unserializable.class.getName())
        .hasMessageContaining("not serializable");
    Map<String, Object> mixed = new java.util.LinkedHashMap<>();
    mixed.put("fine", "copyable");
    mixed.put("k", new Unserializable());
    assertThatThrownBy(() -> cache.putAll(mixed))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(cache.containsKey("fine")).as("putAll stores nothing when one value cannot be copied").isFalse();
    assertThatThrownBy(() -> cache.replace("k", new Unserializable()))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(cache.get("k")).isEqualTo("before");
  }

  @Test
  void aValueWithAnUnserializableFieldIsRefusedToo() {
    Cache<String, Object> cache = manager.createCache("nested", new MutableConfiguration<String, Object>());
    Holder holder = new Holder();
    assertThatThrownBy(() -> cache.put("k", holder))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Holder.class.getName());
    assertThat(cache.containsKey("k")).isFalse();
  }

  static final class Holder implements java.io.Serializable {
    final Object inside = new Unserializable();
  }

  @Test
  void storeByValueCopiesMutableValuesBothWays() {
    Cache<String, java.util.ArrayList<String>> cache =
        manager.createCache("copies", new MutableConfiguration<String, java.util.ArrayList<String>>());
    java.util.ArrayList<String> list = new java.util.ArrayList<>(java.util.List.of("a"));
    cache.put("k", list);
    list.add("changed after put");
    java.util.ArrayList<String> read = cache.get("k");
    read.add("changed after get");
    assertThat(cache.get("k")).containsExactly("a");
  }

  @Test
  void nullsAreRefusedWithTheirName() {
    Cache<String, String> cache = manager.createCache("nulls", new MutableConfiguration<String, String>());
    assertThatThrownBy(() -> cache.get(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
    assertThatThrownBy(() -> cache.put("k", null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("value");
    assertThatThrownBy(() -> cache.put(null, "v")).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
    Set<String> keys = new HashSet<>();
    keys.add(null);
    assertThatThrownBy(() -> cache.getAll(keys)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cache.invoke("k", null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("entryProcessor");
    assertThatThrownBy(() -> manager.createCache("x", null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("configuration");
  }

  @Test
  void configuredTypesAreEnforced() {
    MutableConfiguration<String, Integer> config =
        new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class);
    Cache<Object, Object> raw = rawView(manager.createCache("typed", config));
    assertThatThrownBy(() -> raw.put(1, 1))
        .isInstanceOf(ClassCastException.class).hasMessageContaining("java.lang.String");
    assertThatThrownBy(() -> raw.put("k", "v"))
        .isInstanceOf(ClassCastException.class).hasMessageContaining("java.lang.Integer");
    assertThat(raw.containsKey("k")).isFalse();
    assertThatThrownBy(() -> manager.getCache("typed", Integer.class, Integer.class))
        .isInstanceOf(ClassCastException.class);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Cache<Object, Object> rawView(Cache<?, ?> cache) {
    return (Cache) cache;
  }

  @Test
  void aClosedCacheSaysSoWithItsName() {
    Cache<String, String> cache = manager.createCache("closing", new MutableConfiguration<String, String>());
    cache.close();
    assertThatThrownBy(() -> cache.put("k", "v"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closing").hasMessageContaining("closed");
    assertThatThrownBy(cache::iterator).isInstanceOf(IllegalStateException.class);
    // Closed comes before null, as the TCK asks.
    assertThatThrownBy(() -> cache.get(null)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> cache.put(null, null)).isInstanceOf(IllegalStateException.class);
    assertThat(manager.getCache("closing")).isNull();
  }

  @Test
  void aSecondCacheOfTheSameNameIsRefused() {
    manager.createCache("twice", new MutableConfiguration<String, String>());
    assertThatThrownBy(() -> manager.createCache("twice", new MutableConfiguration<String, String>()))
        .isInstanceOf(javax.cache.CacheException.class).hasMessageContaining("twice");
  }
}
