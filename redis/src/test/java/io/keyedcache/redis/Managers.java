package io.keyedcache.redis;

import io.keyedcache.provider.KeyedCachingProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The cache managers a test opens, each closed after it: {@code @RegisterExtension final Managers managers}. */
final class Managers implements AfterEachCallback {
  private static final CachingProvider PROVIDER = Caching.getCachingProvider(KeyedCachingProvider.class.getName());
  private final List<CacheManager> open = new ArrayList<>();

  /** A manager of its own for {@code uri} (a fragment of its own makes a connection of its own). */
  CacheManager open(URI uri, Properties properties) {
    CacheManager manager = PROVIDER.getCacheManager(uri, Managers.class.getClassLoader(), properties);
    open.add(manager);
    return manager;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    open.forEach(CacheManager::close);
    open.clear();
  }
}
