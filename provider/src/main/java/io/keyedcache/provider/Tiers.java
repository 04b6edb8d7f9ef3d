package io.keyedcache.provider;

import io.keyedcache.provider.store.StoreFactory;
import io.keyedcache.provider.store.StoreTier;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import javax.cache.CacheException;

/** Finds the {@link StoreTier} a manager URI selects, and writes URIs without their passwords. */
final class Tiers {
  /** Schemes of the shared tier: known even when its module is missing, to say which module is. */
  private static final Set<String> SHARED = Set.of("redis", "rediss", "redis-socket", "redis-sentinel");

  private Tiers() {}

  /** The tier that serves {@code scheme}, or {@code null} when the scheme is not a tier's. */
  static StoreTier find(String scheme, ClassLoader classLoader) {
    if (scheme == null) {
      return null;
    }
    String lower = scheme.toLowerCase(Locale.ROOT);
    StoreTier tier = find(lower, ServiceLoader.load(StoreTier.class, classLoader));
    if (tier == null && classLoader != Tiers.class.getClassLoader()) {
      tier = find(lower, ServiceLoader.load(StoreTier.class, Tiers.class.getClassLoader()));
    }
    return tier;
  }

  private static StoreTier find(String scheme, ServiceLoader<StoreTier> tiers) {
    for (StoreTier tier : tiers) {
      if (tier.schemes().contains(scheme)) {
        return tier;
      }
    }
    return null;
  }

  /** Whether {@code scheme} selects a tier, found or not. */
  static boolean isTierScheme(String scheme, ClassLoader classLoader) {
    return scheme != null && (SHARED.contains(scheme.toLowerCase(Locale.ROOT)) || find(scheme, classLoader) != null);
  }

  /** Connects to the tier {@code uri} selects. */
  static StoreFactory connect(URI uri, Properties settings, ClassLoader classLoader) {
    StoreTier tier = find(uri.getScheme(), classLoader);
    if (tier == null) {
      throw new CacheException("The URI " + redact(uri) + " selects keyedcache's shared tier, which needs the"
          + " module io.keyedcache:redis on the class path (it is not there)");
    }
    return tier.connect(uri, settings, classLoader);
  }

  /** {@code uri} with the password of its user information, if any, written as {@code ***}. */
  static String redact(URI uri) {
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null) {
      return uri.toString();
    }
    int colon = userInfo.indexOf(':');
    String safe = colon < 0 ? "***" : userInfo.substring(0, colon) + ":***";
    try {
      return new URI(uri.getScheme(), safe, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
          uri.getFragment()).toString();
    } catch (URISyntaxException e) {
      return uri.getScheme() + "://***@" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }
  }
}
