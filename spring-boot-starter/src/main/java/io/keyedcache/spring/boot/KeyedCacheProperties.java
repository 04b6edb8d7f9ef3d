package io.keyedcache.spring.boot;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code keyedcache.*} properties of a Spring Boot application.
 *
 * <pre>{@code
 * keyedcache.uri = redis://127.0.0.1:6379#shop            # or classpath:caches.properties; none: the embedded tier
 * keyedcache.properties.serialization-filter = com.example.shop.**
 * keyedcache.properties.on-outage = degrade
 * }</pre>
 */
@ConfigurationProperties("keyedcache")
public class KeyedCacheProperties {
  /**
   * The cache manager's URI: a tier ({@code redis://host:port#namespace}, {@code redis-cluster://...}) or a
   * configuration file ({@code classpath:caches.properties}, {@code file:...}). When absent,
   * {@code spring.cache.jcache.config} names the file, and without it the manager is the embedded tier's default.
   */
  private URI uri;

  /**
   * The manager's properties, as {@code getCacheManager} takes them: the tier's settings ({@code namespace},
   * {@code serialization-filter}, {@code timeout}, {@code on-outage}, ... as docs/shared-tier.md lists them).
   */
  private Map<String, String> properties = new LinkedHashMap<>();

  public URI getUri() {
    return uri;
  }

  public void setUri(URI uri) {
    this.uri = uri;
  }

  public Map<String, String> getProperties() {
    return properties;
  }

  public void setProperties(Map<String, String> properties) {
    this.properties = properties;
  }
}
