package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.kotlinx.lincheck.verifier.linearizability.LinearizabilityVerifier;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the provider's {@link Cache} operations against a {@link HashMap} run one operation at a
 * time. Lincheck creates an instance of an operations class per scenario; the class and its operations must be
 * public for it to see them. Each variant stores a different way: by reference in an unbounded Caffeine cache,
 * by value, and bounded (Caffeine's bounded cache, with its buffers and maintenance, as the store).
 */
public class CacheLincheckTest {
  @Test
  void byReferenceModelChecking() {
    LincheckSettings.modelCheck(ByReference.class, Specification.class);
  }

  @Test
  void byReferenceStress() {
    LincheckSettings.stress(ByReference.class, Specification.class);
  }

  @Test
  void byValueModelChecking() {
    LincheckSettings.modelCheck(ByValue.class, Specification.class);
  }

  @Test
  void boundedModelChecking() {
    LincheckSettings.modelCheck(Bounded.class, Specification.class);
  }

  @Test
  void boundedStress() {
    LincheckSettings.stress(Bounded.class, Specification.class);
  }

  @Test
  void catchesAPlantedNonAtomicPutIfAbsent() {
    assertThatThrownBy(() -> LincheckSettings.modelCheckUnminimized(PlantedBug.class, Specification.class,
        LinearizabilityVerifier.class))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Invalid execution results")
        .hasMessageContaining("putIfAbsent");
  }

  /** Unbounded, by reference: the fastest paths. */
  public static class ByReference extends Operations {
    public ByReference() {
      super(new KeyedCacheConfiguration<>());
    }
  }

  /** By value, statistics on: the copying and counting paths. */
  public static class ByValue extends Operations {
    public ByValue() {
      super(byValue());
    }

    private static KeyedCacheConfiguration<Integer, Integer> byValue() {
      KeyedCacheConfiguration<Integer, Integer> configuration = new KeyedCacheConfiguration<>();
      configuration.setStoreByValue(true);
      configuration.setStatisticsEnabled(true);
      return configuration;
    }
  }

  /** Bounded far above the key space, so that nothing is evicted but the bounded store is used. */
  public static class Bounded extends Operations {
    public Bounded() {
      super(new KeyedCacheConfiguration<Integer, Integer>().maximumSize(100));
    }
  }

  /** A check-then-act putIfAbsent, which two threads can both win: the checks above must see it. */
  public static class PlantedBug extends ByReference {
    @Override
    @Operation
    public boolean putIfAbsent(@Param(name = "key") int key, @Param(name = "value") int value) {
      if (cache.containsKey(key)) {
        return false;
      }
      cache.put(key, value);
      return true;
    }
  }

  /** The operations Lincheck calls, on a cache of the configuration a subclass gives. */
  @Param(name = "key", gen = IntGen.class, conf = "1:3")
  @Param(name = "value", gen = IntGen.class, conf = "1:3")
  public abstract static class Operations {
    /** The cache under test. */
    protected final Cache<Integer, Integer> cache;

    protected Operations(KeyedCacheConfiguration<Integer, Integer> configuration) {
      configuration.setTypes(Integer.class, Integer.class);
      // maintenance on the caller's thread: no pool threads that Lincheck would have to follow
      configuration.executor(Runnable::run);
      configuration.validate();
      cache = new KeyedJCache<>((KeyedCacheManager) TestCaches.manager(CacheLincheckTest.class), "lincheck",
          configuration, io.keyedcache.provider.caffeine.CaffeineStore.FACTORY);
    }

    @Operation
    public Integer get(@Param(name = "key") int key) {
      return cache.get(key);
    }

    @Operation
    public void put(@Param(name = "key") int key, @Param(name = "value") int value) {
      cache.put(key, value);
    }

    @Operation
    public boolean putIfAbsent(@Param(name = "key") int key, @Param(name = "value") int value) {
      return cache.putIfAbsent(key, value);
    }

    @Operation
    public Integer getAndPut(@Param(name = "key") int key, @Param(name = "value") int value) {
      return cache.getAndPut(key, value);
    }

    @Operation
    public boolean replace(@Param(name = "key") int key, @Param(name = "value") int value) {
      return cache.replace(key, value);
    }

    @Operation
    public boolean replaceIfEquals(@Param(name = "key") int key, @Param(name = "value") int oldValue,
        @Param(name = "value") int newValue) {
      return cache.replace(key, oldValue, newValue);
    }

    @Operation
    public boolean remove(@Param(name = "key") int key) {
      return cache.remove(key);
    }

    @Operation
    public boolean removeIfEquals(@Param(name = "key") int key, @Param(name = "value") int value) {
      return cache.remove(key, value);
    }

    @Operation
    public Integer getAndRemove(@Param(name = "key") int key) {
      return cache.getAndRemove(key);
    }

    @Operation
    public boolean containsKey(@Param(name = "key") int key) {
      return cache.containsKey(key);
    }

    @Operation
    public Integer increment(@Param(name = "key") int key) {
      return cache.invoke(key, new Increment());
    }
  }

  /** Adds one to the value, starting from 1 when there is none; returns the new value. */
  static final class Increment implements EntryProcessor<Integer, Integer, Integer>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer process(MutableEntry<Integer, Integer> entry, Object... arguments) {
      int next = entry.exists() ? entry.getValue() + 1 : 1;
      entry.setValue(next);
      return next;
    }
  }

  /** The sequential specification: what each operation does to a map, one at a time. */
  public static class Specification {
    private final Map<Integer, Integer> map = new HashMap<>();

    public Integer get(int key) {
      return map.get(key);
    }

    public void put(int key, int value) {
      map.put(key, value);
    }

    public boolean putIfAbsent(int key, int value) {
      return map.putIfAbsent(key, value) == null;
    }

    public Integer getAndPut(int key, int value) {
      return map.put(key, value);
    }

    public boolean replace(int key, int value) {
      return map.replace(key, value) != null;
    }

    public boolean replaceIfEquals(int key, int oldValue, int newValue) {
      return map.replace(key, oldValue, newValue);
    }

    public boolean remove(int key) {
      return map.remove(key) != null;
    }

    public boolean removeIfEquals(int key, int value) {
      return map.remove(key, value);
    }

    public Integer getAndRemove(int key) {
      return map.remove(key);
    }

    public boolean containsKey(int key) {
      return map.containsKey(key);
    }

    public Integer increment(int key) {
      return map.merge(key, 1, Integer::sum);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Specification && ((Specification) o).map.equals(map);
    }

    @Override
    public int hashCode() {
      return Objects.hash(map);
    }
  }
}
