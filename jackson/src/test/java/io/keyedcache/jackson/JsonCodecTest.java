package io.keyedcache.jackson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.provider.KeyedCachingProvider;
import io.keyedcache.redis.RedisServer;
import io.keyedcache.redis.ValueCodec;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The json codec on a real redis-server: values of an application's classes stored as JSON, read back as equal
 * objects; managers of the json and java codecs sharing one cache; a class outside the filter a miss that stays for
 * the JVMs that may read it; a property added by a later version ignored by an earlier one.
 */
class JsonCodecTest {
  private static final CachingProvider PROVIDER = Caching.getCachingProvider(KeyedCachingProvider.class.getName());
  private static final String FILTER = "io.keyedcache.jackson.*";
  private static RedisServer server;
  private final List<CacheManager> open = new ArrayList<>();

  /** A value as an application caches it: a record with text, a number, an instant and a list. */
  public record Product(String name, BigDecimal price, Instant updated, List<String> tags)
      implements java.io.Serializable {}

  /** Not Serializable, and its properties are declared as interfaces and Object: their JSON names their classes. */
  public static final class Basket {
    public List<Object> items = new ArrayList<>();
    public Map<String, Object> notes = new java.util.TreeMap<>();

    @Override
    public boolean equals(Object other) {
      return other instanceof Basket basket && items.equals(basket.items) && notes.equals(basket.notes);
    }

    @Override
    public int hashCode() {
      return items.hashCode();
    }
  }

  @BeforeAll
  static void start() throws IOException {
    server = RedisServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void close() {
    open.forEach(CacheManager::close);
  }

  private Cache<Object, Object> cache(String query, String namespace) {
    CacheManager manager = PROVIDER.getCacheManager(URI.create(server.uri() + query + "#" + namespace),
        getClass().getClassLoader(), new Properties());
    open.add(manager);
    Cache<Object, Object> cache = manager.getCache("c");
    return cache != null ? cache : manager.createCache("c", new MutableConfiguration<>());
  }

  private static Product apple() {
    return new Product("apple", new BigDecimal("2.50"), Instant.parse("2026-12-04T10:15:30Z"), List.of("fruit"));
  }

  @Test
  void applicationValuesAreStoredAsJsonAndReadBackEqual() {
    Cache<Object, Object> cache = cache("?codec=json&serialization-filter=" + FILTER + "&near-cache-size=0", "json");
    Basket basket = new Basket();
    basket.items.add(apple());
    basket.items.add(42L);
    basket.notes.put("when", Instant.parse("2026-12-04T10:15:30Z"));
    cache.put("product", apple());
    cache.put("list", List.of(apple(), apple()));
    cache.put("basket", basket);
    cache.put("count", 7);
    assertThat(cache.get("product")).isEqualTo(apple());
    assertThat(cache.get("list")).isEqualTo(List.of(apple(), apple()));
    assertThat(cache.get("basket")).isEqualTo(basket);
    assertThat(cache.get("count")).isEqualTo(7);
    assertThat(server.bulk("GET json:{json:c}:v:sproduct")).contains("json", Product.class.getName(),
        "\"name\":\"apple\"", "\"updated\":\"2026-12-04T10:15:30Z\"");
    assertThat(cache.replace("product", apple(), new Product("pear", BigDecimal.ONE, Instant.EPOCH, List.of())))
        .as("a conditional write compares values, not JSON").isTrue();
  }

  @Test
  void managersOfTheJsonAndJavaCodecsShareACache() {
    Cache<Object, Object> json = cache("?codec=json&serialization-filter=" + FILTER, "mixed");
    Cache<Object, Object> java = cache("?serialization-filter=" + FILTER, "mixed");
    json.put("from json", apple());
    java.put("from java", apple());
    assertThat(java.get("from json")).isEqualTo(apple());
    assertThat(json.get("from java")).isEqualTo(apple());
  }

  @Test
  void aClassOutsideTheFilterIsAMissLeftForTheOthers() {
    Cache<Object, Object> allowed = cache("?codec=json&serialization-filter=" + FILTER, "filtered");
    Cache<Object, Object> narrow = cache("?codec=json&near-cache-size=0", "filtered");
    allowed.put("k", apple());
    assertThat(narrow.get("k")).isNull();
    assertThat(allowed.get("k")).as("left in place").isEqualTo(apple());
  }

  @Test
  void aPropertyOfALaterVersionIsIgnored() throws Exception {
    JsonCodec codec = new JsonCodec();
    byte[] later = (Product.class.getName() + "\n{\"name\":\"apple\",\"price\":2.50,\"updated\":"
        + "\"2026-12-04T10:15:30Z\",\"tags\":[\"java.util.ImmutableCollections$List12\",[\"fruit\"]],"
        + "\"colour\":\"red\"}").getBytes(StandardCharsets.UTF_8);
    assertThat(codec.decode(later, decoding(true))).isEqualTo(apple());
    assertThat(codec.decode(codec.encode(apple()), decoding(true))).isEqualTo(apple());
    assertThatThrownBy(() -> codec.decode(codec.encode(apple()), decoding(false))).hasMessageContaining(
        "serialization-filter");
    // a class named inside the JSON is checked too: the basket is allowed here, the product in it is not
    Basket basket = new Basket();
    basket.items.add(apple());
    ValueCodec.Decoding basketsOnly = new ValueCodec.Decoding() {
      @Override
      public ClassLoader classLoader() {
        return JsonCodecTest.class.getClassLoader();
      }

      @Override
      public boolean allows(Class<?> type) {
        return type == Basket.class || type.getName().startsWith("java.");
      }
    };
    assertThatThrownBy(() -> codec.decode(codec.encode(basket), basketsOnly)).hasMessageContaining(
        Product.class.getName());
    assertThat(codec.decode(codec.encode(basket), decoding(true))).isEqualTo(basket);
  }

  private static ValueCodec.Decoding decoding(boolean allowAll) {
    return new ValueCodec.Decoding() {
      @Override
      public ClassLoader classLoader() {
        return JsonCodecTest.class.getClassLoader();
      }

      @Override
      public boolean allows(Class<?> type) {
        return allowAll || type.getName().startsWith("java.");
      }
    };
  }

  @Test
  void aCodecThatIsNotThereIsNamedWithThoseThatAre() {
    assertThatThrownBy(() -> cache("?codec=yaml", "unknown")).isInstanceOf(CacheException.class)
        .hasMessageContaining("'yaml'").hasMessageContaining("java, json");
  }

  @Test
  void aValueJacksonCannotWriteIsRefusedWithItsClass() {
    Cache<Object, Object> cache = cache("?codec=json", "unwritable");
    assertThatThrownBy(() -> cache.put("k", new Object())).hasMessageContaining("java.lang.Object")
        .hasMessageContaining("codec json");
    assertThat(cache.get("k")).isNull();
  }
}
