package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.integration.CacheLoader;
import javax.cache.spi.CachingProvider;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * Cycles of create a manager and a cache (management, statistics, a listener of each kind, a read-through loader),
 * use it (including the keyed view and a cached function), destroy the cache and close the manager. Afterwards no
 * MBean of ours is registered, no thread started by the cycles is alive, every manager and cache of the cycles can
 * be collected, and the heap retained after a full collection has not grown. Size with {@code -Dleak.cycles}.
 */
class LeakTest {
  private static final int CYCLES = Integer.getInteger("leak.cycles", 1_000);

  /** Loads the key's text. */
  public static final class Loader implements CacheLoader<Object, Object>, Serializable {
    @Override
    public Object load(Object key) {
      return "loaded " + key;
    }

    @Override
    public java.util.Map<Object, Object> loadAll(Iterable<?> keys) {
      java.util.Map<Object, Object> loaded = new java.util.HashMap<>();
      keys.forEach(key -> loaded.put(key, load(key)));
      return loaded;
    }
  }

  /** Counts nothing, keeps nothing: a listener is enough to make the cache build and deliver events. */
  public static final class Listener implements CacheEntryCreatedListener<Object, Object>, Serializable {
    @Override
    public void onCreated(Iterable<CacheEntryEvent<?, ?>> events) {
      events.forEach(event -> event.getValue());
    }
  }

  private final CachingProvider provider = Caching.getCachingProvider(KeyedCachingProvider.class.getName());
  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

  @Test
  void createUseDestroyAndCloseAThousandTimesLeavesNothingBehind() throws Exception {
    ObjectName ours = new ObjectName("javax.cache:CacheManager=keyedcache.leak,*");
    Set<Thread> threadsBefore = new HashSet<>(Thread.getAllStackTraces().keySet());
    // the first cycles warm up, and are the ones followed to collection (a reference kept per cycle would itself
    // be retained heap that grows with the cycles)
    List<WeakReference<Object>> created = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      created.addAll(cycle(i));
    }
    long heapBefore = retainedHeap();
    for (int i = 0; i < CYCLES; i++) {
      cycle(i);
    }
    assertThat(server.queryNames(ours, null)).as("MBeans of the cycles' caches").isEmpty();
    assertThat(ForkJoinPool.commonPool().awaitQuiescence(30, TimeUnit.SECONDS)).isTrue();
    long heapAfter = retainedHeap();

    long alive = created.stream().filter(ref -> ref.get() != null).count();
    assertThat(alive).as("managers and caches of the cycles still reachable after a full collection").isZero();
    Set<Thread> threadsAfter = new HashSet<>(Thread.getAllStackTraces().keySet());
    threadsAfter.removeAll(threadsBefore);
    threadsAfter.removeIf(thread -> !thread.isAlive() || thread.getName().startsWith("ForkJoinPool.commonPool-worker"));
    assertThat(threadsAfter).as("threads started by the cycles").isEmpty();
    long growth = heapAfter - heapBefore;
    System.out.printf("leaks: %,d cycles, retained heap %,d -> %,d bytes (%+,d)%n", CYCLES, heapBefore, heapAfter,
        growth);
    // 100 bytes a cycle would show as 100 KB over 1,000 cycles
    assertThat(growth).as("retained heap growth over %d cycles", CYCLES).isLessThan(CYCLES * 64L);
  }

  private List<WeakReference<Object>> cycle(int i) throws Exception {
    CacheManager manager = provider.getCacheManager(URI.create("keyedcache:leak"), LeakTest.class.getClassLoader());
    KeyedCacheConfiguration<Object, Object> configuration = new KeyedCacheConfiguration<>();
    configuration.setManagementEnabled(true).setStatisticsEnabled(true).setReadThrough(true)
        .setCacheLoaderFactory(FactoryBuilder.factoryOf(Loader.class));
    configuration.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(Listener.class), null, true, true));
    configuration.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(Listener.class), null, false, false));
    Cache<Object, Object> cache = manager.createCache("leaky", configuration);
    assertThat(server.queryNames(new ObjectName("javax.cache:Cache=leaky,*"), null)).hasSize(2);
    cache.put("k" + i, "v");
    cache.get("missing" + i);
    cache.getAll(Set.of("a", "b"));
    cache.invoke("k" + i, (entry, args) -> {
      entry.setValue("w");
      return null;
    });
    @SuppressWarnings("unchecked")
    KeyedCache<Object> keyed = cache.unwrap(KeyedCache.class);
    keyed.put(CacheKey.of("product", i), "p");
    Function<Integer, Object> twice = keyed.function("twice", Duration.ofMinutes(1), (Integer x) -> 2 * x);
    twice.apply(i);
    keyed.deleteGroup(CacheKey.of("product"));
    List<WeakReference<Object>> refs = List.of(new WeakReference<>(manager), new WeakReference<>(cache),
        new WeakReference<>(keyed));
    manager.destroyCache("leaky");
    manager.close();
    return refs;
  }

  private static long retainedHeap() throws InterruptedException {
    long used = Long.MAX_VALUE;
    // collect until the figure stops falling: one System.gc() may leave finalizable or soft garbage
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(50);
      long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (now >= used && i >= 3) {
        return Math.min(now, used);
      }
      used = Math.min(used, now);
    }
    return used;
  }
}
