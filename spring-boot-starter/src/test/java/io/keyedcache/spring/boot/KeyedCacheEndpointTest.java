package io.keyedcache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.redis.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Two instances of a Spring Boot web service on one redis-server, as operators reach them: the endpoint
 * {@code keyedcache} over HTTP (listing, keys of a group, group deletion seen by the other instance, the switch), the
 * meters of a cache made on demand after start-up, and the tier's meters.
 */
class KeyedCacheEndpointTest {
  private static final AtomicInteger RATED = new AtomicInteger();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  /** A service as an application writes it; its cache is not named anywhere, so it is made on demand. */
  public static class Ratings {
    @Cacheable("ratings")
    public Integer rating(int product) {
      RATED.incrementAndGet();
      return product % 5;
    }
  }

  @SpringBootApplication
  @EnableCaching
  static class Service {
    @Bean
    Ratings ratings() {
      return new Ratings();
    }
  }

  @Test
  void operatorsSeeDeleteAndSwitchThroughTheEndpointAndEveryCacheHasMeters(@TempDir Path folder) throws Exception {
    try (RedisServer server = RedisServer.start()) {
      // a file each: one manager per file URI and class loader, and these are two instances
      try (ConfigurableApplicationContext first = start(file(folder, server, "first"), "first");
           ConfigurableApplicationContext second = start(file(folder, server, "second"), "second")) {
        KeyedCache<String> products = first.getBean(KeyedCaches.class).get("products");
        products.put(CacheKey.of("product", 1), "apple");
        products.put(CacheKey.of("product", 1, "price"), "2.50");
        products.put(CacheKey.of("product", 2), "pear");
        products.find(CacheKey.of("product", 1));
        products.find(CacheKey.of("product", 3));

        JsonNode all = get(first, "/actuator/keyedcache", 200);
        assertThat(all.at("/manager/tier").asText()).isEqualTo("shared");
        assertThat(all.at("/manager/namespace").asText()).isEqualTo("web");
        assertThat(all.at("/manager/connected").asBoolean()).isTrue();
        JsonNode described = all.at("/caches/products");
        System.out.println("GET /actuator/keyedcache, cache products: " + described);
        assertThat(described.at("/tier").asText()).isEqualTo("shared");
        assertThat(described.at("/enabled").asBoolean()).isTrue();
        assertThat(described.at("/entries").asLong()).isEqualTo(3);
        assertThat(described.at("/keyedStatistics/hits").asLong()).isEqualTo(1);
        assertThat(described.at("/keyedStatistics/misses").asLong()).isEqualTo(1);
        assertThat(described.at("/statistics/puts").asLong()).isEqualTo(3);
        assertThat(described.at("/keyedStatistics/refreshes").isNumber()).isTrue();
        assertThat(described.at("/keyedStatistics/staleHits").isNumber()).isTrue();

        JsonNode group = get(second, "/actuator/keyedcache/products?group=product::1&limit=10", 200);
        assertThat(group.at("/keys").toString()).isEqualTo("[\"product::1\",\"product::1::price\"]");
        assertThat(get(second, "/actuator/keyedcache/products?group=product::1&limit=1", 200).at("/keys").size())
            .isEqualTo(1);
        get(second, "/actuator/keyedcache/no-such-cache", 404);
        get(second, "/actuator/keyedcache/products?group=", 400);

        JsonNode deleted = send(second, "DELETE", "/actuator/keyedcache/products?group=product::1", null, 200);
        assertThat(deleted.at("/deleted").asInt()).isEqualTo(2);
        assertThat(products.find(CacheKey.of("product", 1, "price"))).as("deleted for the other instance").isEmpty();
        assertThat(products.find(CacheKey.of("product", 2))).contains("pear");

        JsonNode switched = send(first, "POST", "/actuator/keyedcache/products", "{\"enabled\": false}", 200);
        assertThat(switched.at("/enabled").asBoolean()).isFalse();
        assertThat(products.isEnabled()).isFalse();
        send(first, "POST", "/actuator/keyedcache/products", "{\"enabled\": true}", 200);
        assertThat(products.isEnabled()).isTrue();

        // a cache that nothing names: made on demand from default. when @Cacheable first asks for it
        Ratings ratings = first.getBean(Ratings.class);
        ratings.rating(7);
        ratings.rating(7);
        assertThat(second.getBean(Ratings.class).rating(7)).isEqualTo(2);
        assertThat(RATED.get()).as("computed once for both instances").isEqualTo(1);
        assertThat(measure(first, "cache.gets?tag=cache:ratings&tag=result:hit")).isEqualTo(1);
        assertThat(measure(first, "cache.gets?tag=cache:ratings&tag=result:miss")).isEqualTo(1);
        assertThat(measure(first, "cache.puts?tag=cache:ratings")).isEqualTo(1);
        products.function("price", Duration.ofMinutes(1), (Integer id) -> "price " + id).apply(4);
        assertThat(measure(first, "keyedcache.computations?tag=cache:products")).isEqualTo(1);
        // hits: product::1 before the deletion, product::2 after it; misses: product::3, product::1::price after the
        // deletion, and the function's first call
        assertThat(measure(first, "keyedcache.calls?tag=cache:products&tag=result:hit")).isEqualTo(2);
        assertThat(measure(first, "keyedcache.calls?tag=cache:products&tag=result:miss")).isEqualTo(3);
        assertThat(measure(first, "keyedcache.enabled?tag=cache:products")).isEqualTo(1);
        assertThat(measure(first, "keyedcache.tier.connected?tag=namespace:web")).isEqualTo(1);
        // a read kept near once no invalidation of its key crossed it: the next read of it is a near hit
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (measure(first, "keyedcache.near.gets?tag=result:hit") < 1 && System.nanoTime() - until < 0) {
          products.find(CacheKey.of("product", 2));
          Thread.sleep(20);
        }
        assertThat(measure(first, "keyedcache.near.gets?tag=result:hit")).isGreaterThanOrEqualTo(1);
        assertThat(measure(first, "keyedcache.near.gets?tag=result:miss")).isGreaterThanOrEqualTo(1);
        assertThat(measure(second, "keyedcache.near.invalidations")).isGreaterThanOrEqualTo(1);
        for (String meter : List.of("keyedcache.refreshes?tag=cache:products&tag=result:stored",
            "keyedcache.refreshes?tag=cache:products&tag=result:failed", "keyedcache.stale.hits?tag=cache:products",
            "keyedcache.tier.reconnects", "keyedcache.tier.outages",
            "keyedcache.tier.pending.removals", "keyedcache.near.size", "keyedcache.near.evictions",
            "keyedcache.lease.waits", "keyedcache.lease.takeovers")) {
          assertThat(measure(first, meter)).as(meter).isGreaterThanOrEqualTo(0);
        }
        assertThat(get(first, "/actuator/health/keyedcache", 200).at("/status").asText()).isEqualTo("UP");
      }
    }
  }

  private static Path file(Path folder, RedisServer server, String instance) throws java.io.IOException {
    return Files.write(folder.resolve(instance + ".properties"), List.of("tier = " + server.uri(),
        "namespace = web", "client-name = " + instance, "timeout = 1000",
        "caches.products.store-by-value = true", "caches.products.statistics = true",
        "default.store-by-value = true", "default.statistics = true"));
  }

  private static ConfigurableApplicationContext start(Path file, String name) {
    return new SpringApplicationBuilder(Service.class).properties(
        "spring.main.banner-mode=off",
        "spring.application.name=" + name,
        "server.address=127.0.0.1",
        "server.port=0",
        "keyedcache.uri=" + file.toUri(),
        "management.endpoints.web.exposure.include=health,keyedcache,metrics",
        "management.endpoint.health.show-details=always").run();
  }

  private double measure(ConfigurableApplicationContext context, String meter) throws Exception {
    JsonNode reply = get(context, "/actuator/metrics/" + meter, 200);
    return reply.at("/measurements/0/value").asDouble();
  }

  private JsonNode get(ConfigurableApplicationContext context, String path, int status) throws Exception {
    return send(context, "GET", path, null, status);
  }

  private JsonNode send(ConfigurableApplicationContext context, String method, String path, String body, int status)
      throws Exception {
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(status);
    return response.body().isEmpty() ? json.nullNode() : json.readTree(response.body());
  }
}
