package io.keyedcache.spring.boot;

import io.keyedcache.KeyedCache;
import io.keyedcache.provider.KeyedCacheManager;
import io.keyedcache.provider.KeyedCachingProvider;
import java.io.IOException;
import java.net.URI;
import java.util.Properties;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;

/**
 * keyedcache in a Spring Boot application: the JCache {@link CacheManager} that Spring's cache abstraction wraps,
 * made by keyedcache's provider from {@code keyedcache.uri} and {@code keyedcache.properties} (or
 * {@code spring.cache.jcache.config}); {@link KeyedCaches}, and a {@link KeyedCache} bean for each cache named in
 * {@code spring.cache.cache-names} (inject it with {@code @Qualifier("<name>")}); with the actuator on the class
 * path, the endpoint {@code keyedcache} ({@link KeyedCacheEndpoint}), keyedcache's meters ({@link KeyedCacheMeters})
 * for every cache, those made after start-up included, and with the shared tier the health indicator
 * {@code keyedcache}. Runs before Spring Boot's own cache
 * auto-configuration, which then uses this manager; an application's own {@code javax.cache.CacheManager} bean wins.
 */
@AutoConfiguration(before = CacheAutoConfiguration.class)
@ConditionalOnClass({Caching.class, KeyedCachingProvider.class})
@EnableConfigurationProperties(KeyedCacheProperties.class)
public class KeyedCacheAutoConfiguration {

  /** The manager, closed with the application context. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(CacheManager.class)
  public CacheManager keyedCacheManager(KeyedCacheProperties settings, Environment environment) throws IOException {
    CachingProvider provider = Caching.getCachingProvider(KeyedCachingProvider.class.getName());
    ClassLoader classLoader = KeyedCacheAutoConfiguration.class.getClassLoader();
    URI uri = settings.getUri();
    if (uri == null) {
      String config = environment.getProperty("spring.cache.jcache.config");
      if (config != null && !config.isBlank()) {
        Resource resource = new DefaultResourceLoader(classLoader).getResource(config.strip());
        uri = resource.getURI();
      } else {
        uri = provider.getDefaultURI();
      }
    }
    Properties properties = new Properties();
    properties.putAll(settings.getProperties());
    CacheManager manager = provider.getCacheManager(uri, classLoader, properties);
    // what Spring Boot does for its own manager, which this one replaces: the caches of spring.cache.cache-names
    // exist from the start (with statistics, which the actuator's cache meters read)
    for (String name : cacheNames(environment)) {
      if (!name.isBlank() && manager.getCache(name.strip()) == null) {
        manager.createCache(name.strip(), new MutableConfiguration<>().setStatisticsEnabled(true));
      }
    }
    return manager;
  }

  static String[] cacheNames(Environment environment) {
    return Binder.get(environment).bind("spring.cache.cache-names", String[].class).orElse(new String[0]);
  }

  @Bean
  @ConditionalOnMissingBean
  public KeyedCaches keyedCaches(CacheManager manager) {
    return new KeyedCaches(manager);
  }

  /** A {@link KeyedCache} bean per name in {@code spring.cache.cache-names}, qualified by that name. */
  @Bean
  public static BeanDefinitionRegistryPostProcessor keyedCacheBeans() {
    return new CacheNameBeans();
  }

  /** The health indicator {@code keyedcache}, with the actuator and the shared tier on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.boot.actuate.health.HealthIndicator",
      "io.keyedcache.redis.SharedTierMXBean"})
  @ConditionalOnEnabledHealthIndicator("keyedcache")
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "keyedcacheHealthIndicator")
    KeyedCacheHealthIndicator keyedcacheHealthIndicator(CacheManager manager) {
      return new KeyedCacheHealthIndicator(manager);
    }
  }

  /** The actuator endpoint {@code keyedcache}, when the actuator is on the class path and the endpoint available. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
  @ConditionalOnAvailableEndpoint(KeyedCacheEndpoint.class)
  static class Operations {
    @Bean
    @ConditionalOnMissingBean
    KeyedCacheEndpoint keyedCacheEndpoint(CacheManager manager) {
      return new KeyedCacheEndpoint(manager);
    }
  }

  /** keyedcache's meters ({@link KeyedCacheMeters}), with Micrometer and the actuator on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"io.micrometer.core.instrument.MeterRegistry",
      "org.springframework.boot.actuate.metrics.cache.CacheMetricsRegistrar"})
  static class Meters {
    /** For an application's own manager of another provider, nothing: it has no keyed statistics to show. */
    @Bean
    io.micrometer.core.instrument.binder.MeterBinder keyedCacheMeters(CacheManager manager,
        ObjectProvider<org.springframework.boot.actuate.metrics.cache.CacheMetricsRegistrar> registrar,
        ListableBeanFactory beans) {
      KeyedCacheManager ours;
      try {
        ours = manager.unwrap(KeyedCacheManager.class);
      } catch (IllegalArgumentException otherProvider) {
        return registry -> { };
      }
      return new KeyedCacheMeters(ours, registrar, beans);
    }
  }

  static final class CacheNameBeans implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {
    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
      this.environment = environment;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
      for (String name : cacheNames(environment)) {
        String beanName = "keyedCache." + name;
        if (name.isBlank() || registry.containsBeanDefinition(beanName)) {
          continue;
        }
        RootBeanDefinition definition = new RootBeanDefinition();
        // raw: the value type is the injection point's to say (KeyedCache<Product>)
        definition.setTargetType(KeyedCache.class);
        definition.setFactoryBeanName("keyedCaches");
        definition.setFactoryMethodName("get");
        definition.getConstructorArgumentValues().addIndexedArgumentValue(0, name);
        definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
        definition.setLazyInit(true);
        registry.registerBeanDefinition(beanName, definition);
      }
    }

    @Override
    public void postProcessBeanFactory(
        org.springframework.beans.factory.config.ConfigurableListableBeanFactory beanFactory) {}
  }
}
