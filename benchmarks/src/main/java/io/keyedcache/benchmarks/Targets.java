package io.keyedcache.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.io.Serializable;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import org.cache2k.Cache2kBuilder;
import org.cache2k.jcache.ExtendedMutableConfiguration;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.jsr107.Eh107Configuration;

/** Builds the same cache on every provider: statistics off, no listeners, bounded or not. */
public final class Targets {
  /** No bound. */
  public static final long UNBOUNDED = -1;
  private static final AtomicInteger NAMES = new AtomicInteger();

  private Targets() {}

  /** Runs maintenance on the caller, so that a bounded Caffeine cache never holds more than its bound for long. */
  public static final class DirectExecutor implements Executor, Serializable {
    @Override
    public void execute(Runnable command) {
      command.run();
    }
  }

  /**
   * @param bound maximum entries, or {@link #UNBOUNDED}
   * @param sameThread run Caffeine's maintenance on the calling thread (hit-ratio runs)
   */
  public static Target create(Provider provider, boolean storeByValue, long bound, boolean sameThread) {
    return create(provider, storeByValue, bound, sameThread, false);
  }

  /**
   * As {@link #create(Provider, boolean, long, boolean)}; with {@code typed}, a JCache cache declares
   * {@code Integer} keys and values ({@code setTypes}), which a keyedcache cache takes as a sign that no key of it
   * can be a {@code CacheKey}.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Target create(Provider provider, boolean storeByValue, long bound, boolean sameThread,
      boolean typed) {
    if (provider == Provider.RAW_CAFFEINE) {
      Caffeine<Object, Object> builder = Caffeine.newBuilder();
      if (bound != UNBOUNDED) {
        builder.maximumSize(bound);
      }
      if (sameThread) {
        builder.executor(Runnable::run);
      }
      return new CaffeineTarget(builder.build());
    }
    if (bound != UNBOUNDED && !provider.boundable) {
      throw new IllegalArgumentException(provider + " cannot be bounded");
    }
    // Each provider's own default URI: Ehcache reads a URI as a configuration file, cache2k wants a bare name.
    javax.cache.spi.CachingProvider jcache = Caching.getCachingProvider(provider.providerClass);
    CacheManager manager = jcache.getCacheManager(jcache.getDefaultURI(), Targets.class.getClassLoader());
    Configuration<Object, Object> configuration = configuration(provider, storeByValue, bound, sameThread);
    if (typed) {
      if (!(configuration instanceof MutableConfiguration)) {
        throw new IllegalArgumentException(provider + " is measured untyped only");
      }
      ((MutableConfiguration) configuration).setTypes(Integer.class, Integer.class);
    }
    Cache<Object, Object> cache = manager.createCache("c" + NAMES.incrementAndGet(), configuration);
    return new JCacheTarget(cache);
  }

  private static Configuration<Object, Object> configuration(Provider provider, boolean storeByValue, long bound,
      boolean sameThread) {
    switch (provider) {
      case KEYEDCACHE: {
        KeyedCacheConfiguration<Object, Object> config = new KeyedCacheConfiguration<>();
        if (bound != UNBOUNDED) {
          config.maximumSize(bound);
        }
        if (sameThread) {
          config.executor(Runnable::run);
        }
        config.setStoreByValue(storeByValue);
        return config;
      }
      case CAFFEINE_JCACHE: {
        CaffeineConfiguration<Object, Object> config = new CaffeineConfiguration<>();
        if (bound != UNBOUNDED) {
          config.setMaximumSize(OptionalLong.of(bound));
        }
        if (sameThread) {
          config.setExecutorFactory(() -> Runnable::run);
        }
        config.setStoreByValue(storeByValue);
        return config;
      }
      case EHCACHE:
        if (bound == UNBOUNDED) {
          return new MutableConfiguration<>().setStoreByValue(storeByValue);
        }
        if (storeByValue) {
          throw new IllegalArgumentException("bounded Ehcache is measured by reference only");
        }
        return Eh107Configuration.fromEhcacheCacheConfiguration(CacheConfigurationBuilder
            .newCacheConfigurationBuilder(Object.class, Object.class, ResourcePoolsBuilder.heap(bound)));
      case CACHE2K: {
        // A plain configuration silently caps cache2k at about 1,800 entries: always give the capacity.
        ExtendedMutableConfiguration<Object, Object> config = ExtendedMutableConfiguration.of(
            Cache2kBuilder.of(Object.class, Object.class).entryCapacity(bound == UNBOUNDED ? Long.MAX_VALUE : bound));
        config.setStoreByValue(storeByValue);
        return config;
      }
      case RI:
        return new MutableConfiguration<>().setStoreByValue(storeByValue);
      default:
        throw new IllegalArgumentException(provider.toString());
    }
  }

  static final class CaffeineTarget implements Target {
    private final com.github.benmanes.caffeine.cache.Cache<Object, Object> cache;

    CaffeineTarget(com.github.benmanes.caffeine.cache.Cache<Object, Object> cache) {
      this.cache = cache;
    }

    @Override
    public Object get(Object key) {
      return cache.getIfPresent(key);
    }

    @Override
    public void put(Object key, Object value) {
      cache.put(key, value);
    }

    @Override
    public Map<Object, Object> getAll(Set<Object> keys) {
      return cache.getAllPresent(keys);
    }

    @Override
    public void putAll(Map<Object, Object> entries) {
      cache.putAll(entries);
    }

    @Override
    public long size() {
      cache.cleanUp();
      return cache.estimatedSize();
    }

    @Override
    public void close() {
      cache.invalidateAll();
    }
  }

  static final class JCacheTarget implements Target {
    private final Cache<Object, Object> cache;

    JCacheTarget(Cache<Object, Object> cache) {
      this.cache = cache;
    }

    @Override
    public Object get(Object key) {
      return cache.get(key);
    }

    @Override
    public void put(Object key, Object value) {
      cache.put(key, value);
    }

    @Override
    public Map<Object, Object> getAll(Set<Object> keys) {
      return cache.getAll(keys);
    }

    @Override
    public void putAll(Map<Object, Object> entries) {
      cache.putAll(entries);
    }

    @Override
    public long size() {
      try {
        cache.unwrap(com.github.benmanes.caffeine.cache.Cache.class).cleanUp();
      } catch (IllegalArgumentException e) {
        // not Caffeine underneath
      }
      long count = 0;
      for (Cache.Entry<Object, Object> ignored : cache) {
        count++;
      }
      return count;
    }

    @Override
    public void close() {
      cache.getCacheManager().destroyCache(cache.getName());
    }
  }
}
