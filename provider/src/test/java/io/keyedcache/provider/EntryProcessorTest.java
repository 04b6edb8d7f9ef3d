package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What frameworks rely on: Spring's {@code @Cacheable(sync = true)} and Hibernate's region access. */
class EntryProcessorTest {
  private final CacheManager manager = TestCaches.manager(EntryProcessorTest.class);

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void argumentsNeedNotBeSerializableUnderStoreByValue() {
    Cache<String, String> cache = manager.createCache("args", new MutableConfiguration<String, String>());
    Supplier<String> loader = () -> "loaded"; // a lambda: not serializable, like Spring's value loader
    String value = cache.invoke("k", (entry, args) -> {
      if (!entry.exists()) {
        @SuppressWarnings("unchecked")
        Supplier<String> supplier = (Supplier<String>) args[0];
        entry.setValue(supplier.get());
      }
      return entry.getValue();
    }, loader);
    assertThat(value).isEqualTo("loaded");
    assertThat(cache.get("k")).isEqualTo("loaded");
  }

  @Test
  void anExceptionInsideIsWrappedExactlyOnce() {
    Cache<String, String> cache = manager.createCache("wrap", new MutableConfiguration<String, String>());
    IllegalStateException cause = new IllegalStateException("inner");
    assertThatThrownBy(() -> cache.invoke("k", (entry, args) -> {
      throw cause;
    })).isInstanceOf(EntryProcessorException.class).hasCause(cause);

    EntryProcessorException own = new EntryProcessorException("own");
    assertThatThrownBy(() -> cache.invoke("k", (entry, args) -> {
      throw own;
    })).isSameAs(own);
    assertThat(cache.containsKey("k")).isFalse();
  }

  @Test
  void invokeAllReportsEachKeysOutcome() {
    Cache<String, Integer> cache = manager.createCache("all", new MutableConfiguration<String, Integer>());
    cache.put("a", 1);
    cache.put("b", 2);
    Map<String, EntryProcessorResult<Integer>> results = cache.invokeAll(Set.of("a", "b", "c"), (entry, args) -> {
      if (entry.getKey().equals("b")) {
        throw new IllegalArgumentException("no b");
      }
      return entry.exists() ? entry.getValue() * 10 : null;
    });
    assertThat(results).containsOnlyKeys("a", "b");
    assertThat(results.get("a").get()).isEqualTo(10);
    assertThatThrownBy(() -> results.get("b").get()).isInstanceOf(EntryProcessorException.class)
        .hasRootCauseMessage("no b");
  }
}
