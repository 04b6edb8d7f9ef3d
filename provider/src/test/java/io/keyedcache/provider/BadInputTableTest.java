package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.spi.CachingProvider;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bad-input table of {@code docs/reliability.md}, row by row: each row is a call with a bad input, the
 * exception it must get, a part of the message that names the problem, and a check that the cache is as it was.
 * The messages actually seen are written to {@code target/bad-input.md}, and every row must appear in the document,
 * so that the table and these checks cannot drift apart.
 */
class BadInputTableTest {
  private final CachingProvider provider = Caching.getCachingProvider(KeyedCachingProvider.class.getName());
  private final CacheManager manager = TestCaches.manager(BadInputTableTest.class);
  private final List<String> seen = new ArrayList<>();

  @AfterEach
  void close() {
    manager.close();
  }

  /** One row: what was tried, the exception expected, the words its message must hold. */
  private void row(String input, String call, Class<? extends Throwable> expected, String words,
      ThrowingCallable action, Runnable unchanged) {
    Throwable thrown = catchThrowable(action);
    assertThat(thrown).as(input).isInstanceOf(expected);
    assertThat(thrown.getMessage()).as(input).containsIgnoringCase(words);
    if (unchanged != null) {
      unchanged.run();
    }
    seen.add("| " + input + " | `" + call + "` | `" + expected.getSimpleName() + "` | "
        + firstLine(thrown.getMessage()) + " |");
  }

  /** A row of an input that is accepted: what it gives instead of an exception. */
  private void accepted(String input, String call, String result, Runnable check) {
    check.run();
    seen.add("| " + input + " | `" + call + "` | accepted | " + result + " |");
  }

  private static String firstLine(String message) {
    String line = message.lines().findFirst().orElse("");
    line = line.length() > 160 ? line.substring(0, 157) + "..." : line;
    return line.replace("|", "\\|");
  }

  private Cache<String, String> holding(String name) {
    Cache<String, String> cache = manager.createCache(name, new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class));
    cache.put("k", "v");
    return cache;
  }

  private static Runnable stillHolds(Cache<String, String> cache) {
    return () -> {
      assertThat(cache.get("k")).isEqualTo("v");
      int size = 0;
      for (Cache.Entry<String, String> ignored : cache) {
        size++;
      }
      assertThat(size).isEqualTo(1);
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Cache<Object, Object> raw(Cache<?, ?> cache) {
    return (Cache) cache;
  }

  /** Serializable, but its copy cannot be read back. */
  static final class FailsToDeserialize implements Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(ObjectInputStream in) throws IOException {
      throw new InvalidObjectException("refuses to be read back");
    }
  }

  /** Neither serializable nor immutable. */
  static final class Plain {}

  /** Blocks loadAll until released, so that the cache can be closed while getAll loads. */
  public static final class BlockingLoader implements CacheLoader<String, String>, Serializable {
    static volatile CountDownLatch loading = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(1);

    @Override
    public String load(String key) {
      return "loaded";
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      loading.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Map<String, String> loaded = new HashMap<>();
      keys.forEach(key -> loaded.put(key, "loaded"));
      return loaded;
    }
  }

  @Test
  void everyBadInputGetsAnExceptionThatNamesItAndChangesNothing() throws Exception {
    Cache<String, String> cache = holding("table");
    Runnable unchanged = stillHolds(cache);

    // ------------------------------------------------------------------ nulls
    row("null key", "get(null)", NullPointerException.class, "key", () -> cache.get(null), unchanged);
    row("null key in a set", "getAll({null})", NullPointerException.class, "key",
        () -> cache.getAll(new HashSet<>(Arrays.asList("k", null))), unchanged);
    row("null value", "put(\"k\", null)", NullPointerException.class, "value", () -> cache.put("k", null), unchanged);
    Map<String, String> withNull = new HashMap<>();
    withNull.put("other", "x");
    withNull.put("k", null);
    row("null value in a map", "putAll({k=null, other=x})", NullPointerException.class, "value",
        () -> cache.putAll(withNull), unchanged);
    row("null entry processor", "invoke(\"k\", null)", NullPointerException.class, "entryProcessor",
        () -> cache.invoke("k", null), unchanged);
    row("null configuration", "createCache(\"x\", null)", NullPointerException.class, "configuration",
        () -> manager.createCache("x", null), () -> assertThat(manager.getCache("x")).isNull());
    row("null listener configuration", "registerCacheEntryListener(null)", NullPointerException.class,
        "listener", () -> cache.registerCacheEntryListener(null), unchanged);
    row("listener configuration without a listener factory",
        "registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(null, null, false, false))",
        IllegalArgumentException.class, "listener factory",
        () -> cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(null, null, false, false)),
        unchanged);
    accepted("null expiry policy factory", "createCache(\"x\", config.setExpiryPolicyFactory(null))",
        "the spec's default: entries never expire", () -> {
          Cache<String, String> eternal = manager.createCache("eternal",
              new MutableConfiguration<String, String>().setExpiryPolicyFactory(null));
          eternal.put("k", "v");
          assertThat(eternal.get("k")).isEqualTo("v");
          manager.destroyCache("eternal");
        });
    row("expiry policy factory that gives null", "createCache(\"x\", config.setExpiryPolicyFactory(() -> null))",
        NullPointerException.class, "expiry policy",
        () -> manager.createCache("x", new MutableConfiguration<String, String>().setExpiryPolicyFactory(() -> null)),
        () -> assertThat(manager.getCache("x")).isNull());

    // ------------------------------------------------------------------ types
    row("key of the wrong type", "put(1, \"v\") on a String-keyed cache", ClassCastException.class,
        "java.lang.String", () -> raw(cache).put(1, "v"), unchanged);
    row("value of the wrong type", "put(\"k\", 1) on a String-valued cache", ClassCastException.class,
        "java.lang.String", () -> raw(cache).put("k", 1), unchanged);
    row("types asked that the cache does not have", "getCache(\"table\", Integer.class, String.class)",
        ClassCastException.class, "table", () -> manager.getCache("table", Integer.class, String.class), unchanged);
    row("unwrap to an unrelated class", "unwrap(StringBuilder.class)", IllegalArgumentException.class,
        "java.lang.StringBuilder", () -> cache.unwrap(StringBuilder.class), unchanged);

    // ------------------------------------------------------------------ store by value
    Cache<String, Object> values = manager.createCache("values", new MutableConfiguration<String, Object>());
    values.put("k", "v");
    Runnable valuesUnchanged = () -> assertThat(values.get("k")).isEqualTo("v");
    row("value that cannot be serialized (by value)", "put(\"k\", new Plain())", IllegalArgumentException.class,
        Plain.class.getName(), () -> values.put("k", new Plain()), valuesUnchanged);
    row("value whose copy fails to read back (by value)", "put(\"k\", new FailsToDeserialize())",
        IllegalArgumentException.class, FailsToDeserialize.class.getName(),
        () -> values.put("k", new FailsToDeserialize()), valuesUnchanged);

    // ------------------------------------------------------------------ keyed extensions
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyed = manager.createCache("keyed",
        new KeyedCacheConfiguration<Object, Object>()).unwrap(KeyedCache.class);
    keyed.put(CacheKey.of("k"), "v");
    Runnable keyedUnchanged = () -> assertThat(keyed.get(CacheKey.of("k"), null)).isEqualTo("v");
    row("null CacheKey part", "CacheKey.of(\"product\", null)", NullPointerException.class, "part 1 is null",
        () -> CacheKey.of("product", null), keyedUnchanged);
    row("CacheKey part of an unsupported type", "CacheKey.of(\"product\", new Plain())",
        IllegalArgumentException.class, Plain.class.getName(), () -> CacheKey.of("product", new Plain()),
        keyedUnchanged);
    row("null CacheKey", "keyed.put(null, \"v\")", NullPointerException.class, "key",
        () -> keyed.put(null, "v"), keyedUnchanged);
    row("time to live of zero", "keyed.put(key, \"v\", Duration.ZERO)", IllegalArgumentException.class,
        "timeToLive must be positive", () -> keyed.put(CacheKey.of("k"), "w", Duration.ZERO), keyedUnchanged);
    accepted("per-entry lifetime on a cache not configured for them", "keyed.put(key2, \"v\", Duration.ofMinutes(1))",
        "stored with its own lifetime, kept with that value (no vendor configuration needed)", () -> {
          keyed.put(CacheKey.of("k2"), "w", Duration.ofMinutes(1));
          assertThat(keyed.get(CacheKey.of("k2"), null)).isEqualTo("w");
          keyedUnchanged.run();
        });
    row("keyed view of a cache whose keys cannot be CacheKeys", "unwrap(KeyedCache.class) on a String-keyed cache",
        IllegalArgumentException.class, "java.lang.String", () -> cache.unwrap(KeyedCache.class), unchanged);
    String huge = "x".repeat(1 << 20);
    accepted("CacheKey part of 1 MB", "keyed.put(CacheKey.of(\"doc\", huge), \"v\")",
        "stored and read back; the key renders at full length", () -> {
          keyed.put(CacheKey.of("doc", huge), "big");
          assertThat(keyed.get(CacheKey.of("doc", huge), null)).isEqualTo("big");
          assertThat(CacheKey.of("doc", huge).toString()).hasSizeGreaterThan(1 << 20);
          assertThat(keyed.delete(CacheKey.of("doc", huge))).isTrue();
        });
    accepted("CacheKey parts holding the delimiter and the escape", "CacheKey.of(\"a::b\") vs CacheKey.of(\"a\", \"b\")",
        "different keys with different renderings", () -> {
          assertThat(CacheKey.of("a::b")).isNotEqualTo(CacheKey.of("a", "b"));
          assertThat(CacheKey.of("a::b").toString()).isNotEqualTo(CacheKey.of("a", "b").toString());
          assertThat(CacheKey.of("a\\", ":b")).isNotEqualTo(CacheKey.of("a\\:", "b"));
          keyed.put(CacheKey.of("a::b"), "one");
          keyed.put(CacheKey.of("a", "b"), "two");
          assertThat(keyed.get(CacheKey.of("a::b"), null)).isEqualTo("one");
          assertThat(keyed.get(CacheKey.of("a", "b"), null)).isEqualTo("two");
        });

    // ------------------------------------------------------------------ closed caches and managers
    Cache<String, String> closing = holding("closing");
    closing.close();
    row("operation on a closed cache", "put(\"k\", \"v\") after close()", IllegalStateException.class, "closed",
        () -> closing.put("k", "v"), null);

    BlockingLoader.loading = new CountDownLatch(1);
    BlockingLoader.release = new CountDownLatch(1);
    Cache<String, String> loading = manager.createCache("loading", new MutableConfiguration<String, String>()
        .setReadThrough(true).setCacheLoaderFactory(FactoryBuilder.factoryOf(BlockingLoader.class)));
    Throwable[] midway = new Throwable[1];
    Thread reader = new Thread(() -> midway[0] = catchThrowable(() -> loading.getAll(Set.of("a", "b"))));
    reader.start();
    BlockingLoader.loading.await();
    loading.close();
    BlockingLoader.release.countDown();
    reader.join();
    row("cache closed by another thread during getAll", "getAll({a, b}) while another thread calls close()",
        IllegalStateException.class, "closed", () -> {
          if (midway[0] != null) {
            throw midway[0];
          }
        }, () -> assertThat(manager.getCache("loading")).isNull());

    CacheManager closedManager = provider.getCacheManager(URI.create("keyedcache:closed-manager"),
        BadInputTableTest.class.getClassLoader());
    closedManager.close();
    row("operation on a closed manager", "createCache(\"x\", config) after close()", IllegalStateException.class,
        "closed", () -> closedManager.createCache("x", new MutableConfiguration<>()), null);

    // ------------------------------------------------------------------ manager URIs
    row("manager URI of an unknown scheme", "getCacheManager(URI.create(\"http://example.com/caches\"), loader)",
        CacheException.class, "http://example.com/caches",
        () -> provider.getCacheManager(URI.create("http://example.com/caches"), getClass().getClassLoader()), null);
    row("manager URI naming no file", "getCacheManager(URI.create(\"file:///no/such/caches.properties\"), loader)",
        CacheException.class, "cannot be read",
        () -> provider.getCacheManager(URI.create("file:///no/such/caches.properties"), getClass().getClassLoader()),
        null);
    row("manager URI of a relative path naming no file", "getCacheManager(URI.create(\"no-such-caches.properties\"), loader)",
        CacheException.class, "no-such-caches.properties",
        () -> provider.getCacheManager(URI.create("no-such-caches.properties"), getClass().getClassLoader()), null);
    URI directory = Path.of("target").toAbsolutePath().toUri();
    row("manager URI naming a directory", "getCacheManager(Path.of(\"target\").toUri(), loader)",
        CacheException.class, directory.toString(),
        () -> provider.getCacheManager(directory, getClass().getClassLoader()), null);

    writeTableAndCheckTheDocumentHasEveryRow();
  }

  private void writeTableAndCheckTheDocumentHasEveryRow() throws IOException {
    Path target = Path.of("target", "bad-input.md");
    Files.createDirectories(target.getParent());
    List<String> lines = new ArrayList<>();
    lines.add("| Input | Call | Gets | Message (first line) |");
    lines.add("|---|---|---|---|");
    lines.addAll(seen);
    Files.write(target, lines, StandardCharsets.UTF_8);
    String document = Files.readString(Path.of("..", "docs", "reliability.md"), StandardCharsets.UTF_8);
    for (String row : seen) {
      String input = row.substring(2, row.indexOf(" | "));
      assertThat(document).as("docs/reliability.md has the row '" + input + "' (see target/bad-input.md)")
          .contains("| " + input + " |");
    }
  }
}
