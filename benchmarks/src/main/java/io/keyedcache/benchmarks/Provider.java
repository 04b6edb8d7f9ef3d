package io.keyedcache.benchmarks;

/** The caches measured side by side: raw Caffeine (the ceiling, through its own API) and five JCache providers. */
public enum Provider {
  RAW_CAFFEINE(null, true),
  KEYEDCACHE("io.keyedcache.provider.KeyedCachingProvider", true),
  CAFFEINE_JCACHE("com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider", true),
  EHCACHE("org.ehcache.jsr107.EhcacheCachingProvider", true),
  CACHE2K("org.cache2k.jcache.provider.JCacheProvider", true),
  RI("org.jsr107.ri.spi.RICachingProvider", false);

  final String providerClass;
  final boolean boundable;

  Provider(String providerClass, boolean boundable) {
    this.providerClass = providerClass;
    this.boundable = boundable;
  }
}
