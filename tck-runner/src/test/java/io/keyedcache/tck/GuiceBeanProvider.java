package io.keyedcache.tck;

import com.google.inject.Guice;
import com.google.inject.Injector;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.annotation.BeanProvider;
import javax.cache.spi.CachingProvider;
import org.jsr107.ri.annotations.guice.module.CacheAnnotationsModule;

/**
 * Gives the TCK's annotation tests their beans from Guice, with the JSR-107 reference implementation's
 * annotation interceptors, so that {@code @CacheResult} and friends run against our provider. The TCK finds this
 * class through {@link java.util.ServiceLoader}; without it the annotation tests pass without running.
 *
 * <p>The interceptors resolve caches through the default cache manager they see when the injector is built.
 * Other TCK classes close every manager between tests, so the injector is rebuilt when the manager it was
 * built against has been closed.
 */
public final class GuiceBeanProvider implements BeanProvider {
  private Injector injector;
  private CacheManager manager;

  @Override
  public synchronized <T> T getBeanByType(Class<T> beanClass) {
    if (injector == null || manager.isClosed()) {
      CachingProvider provider = Caching.getCachingProvider();
      manager = provider.getCacheManager(provider.getDefaultURI(), provider.getDefaultClassLoader());
      injector = Guice.createInjector(new CacheAnnotationsModule());
    }
    return injector.getInstance(beanClass);
  }
}
