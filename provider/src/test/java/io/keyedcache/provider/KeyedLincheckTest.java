package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import javax.cache.Cache;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.kotlinx.lincheck.verifier.quiescent.QuiescentConsistencyVerifier;
import org.jetbrains.kotlinx.lincheck.verifier.quiescent.QuiescentConsistent;
import org.junit.jupiter.api.Test;

/**
 * The keyed operations of the native view against a sorted map run one operation at a time: {@code put} (with
 * and without a lifetime of its own), {@code get}, {@code delete} and a cached function are linearizable; {@code deleteGroup} and
 * {@code deleteFunction} are checked for quiescent consistency, which is their documented contract ("every key of
 * the group present when the call starts is gone when it returns"): a group deletion removes its keys one by one,
 * without blocking readers or writers of the group, so a concurrent observer may see part of it done.
 *
 * <p>Keys are {@code k::a} and {@code k::a::b}; the cached function squares its argument and each call says
 * whether it computed, so that a second computation of a cached key shows; {@code forget} deletes one
 * of its results, so that a call that takes the value of a computation whose result was deleted in between shows
 * as a result missing from the cache.
 */
public class KeyedLincheckTest {
  @Test
  void modelChecking() {
    LincheckSettings.modelCheck(Operations.class, Specification.class, QuiescentConsistencyVerifier.class);
  }

  @Test
  void stress() {
    LincheckSettings.stress(Operations.class, Specification.class, QuiescentConsistencyVerifier.class);
  }

  @Test
  void catchesAPlantedCachedFunctionWithoutSingleFlight() {
    assertThatThrownBy(() -> LincheckSettings.modelCheckUnminimized(PlantedBug.class, Specification.class,
        QuiescentConsistencyVerifier.class))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Invalid execution results")
        .hasMessageContaining("square");
  }

  static CacheKey key(int a, int b) {
    return b == 0 ? CacheKey.of("k", a) : CacheKey.of("k", a, b);
  }

  static String render(List<CacheKey> keys) {
    List<String> texts = new ArrayList<>();
    for (CacheKey key : keys) {
      texts.add(key.toString());
    }
    texts.sort(null);
    return texts.toString();
  }

  /** The operations Lincheck calls, on a fresh native keyed cache per scenario. */
  @Param(name = "a", gen = IntGen.class, conf = "1:2")
  @Param(name = "b", gen = IntGen.class, conf = "0:2")
  @Param(name = "value", gen = IntGen.class, conf = "1:3")
  public static class Operations {
    protected final KeyedCache<Integer> keyed;
    /** Set by the function on the thread that computes, so that a call can tell it computed. */
    protected final ThreadLocal<Boolean> computed = ThreadLocal.withInitial(() -> false);
    private final Function<Integer, Integer> square;

    @SuppressWarnings("unchecked")
    public Operations() {
      KeyedCacheConfiguration<Object, Integer> configuration = new KeyedCacheConfiguration<>();
      configuration.executor(Runnable::run);
      Cache<Object, Integer> cache = new KeyedJCache<>(
          (KeyedCacheManager) TestCaches.manager(KeyedLincheckTest.class), "keyed-lincheck", configuration,
          io.keyedcache.provider.caffeine.CaffeineStore.FACTORY);
      keyed = cache.unwrap(KeyedCache.class);
      square = keyed.function("square", null, (Integer x) -> {
        computed.set(true);
        return x * x;
      });
    }

    @Operation
    public void put(@Param(name = "a") int a, @Param(name = "b") int b, @Param(name = "value") int value) {
      keyed.put(key(a, b), value);
    }

    /**
     * A put with a lifetime of its own (an hour: it never passes during a run). The cache keeps no lifetimes, so
     * the first such put sends the cache's reads and writes to the path that handles them, while other threads
     * are on the fast path: the switch must lose nothing.
     */
    @Operation
    public void putFor(@Param(name = "a") int a, @Param(name = "b") int b, @Param(name = "value") int value) {
      keyed.put(key(a, b), value, java.time.Duration.ofHours(1));
    }

    @Operation
    public Integer get(@Param(name = "a") int a, @Param(name = "b") int b) {
      return keyed.find(key(a, b)).orElse(null);
    }

    @Operation
    public boolean delete(@Param(name = "a") int a, @Param(name = "b") int b) {
      return keyed.delete(key(a, b));
    }

    @Operation
    @QuiescentConsistent
    public String deleteGroup(@Param(name = "a") int a) {
      return render(keyed.deleteGroup(CacheKey.of("k", a)));
    }

    /** The square, marked {@code *} when this call computed it. */
    @Operation
    public String square(@Param(name = "value") int x) {
      computed.set(false);
      int value = square.apply(x);
      return computed.get() ? value + "*" : String.valueOf(value);
    }

    @Operation
    public boolean forget(@Param(name = "value") int x) {
      return keyed.delete(KeyedCache.functionKey("square").child(x));
    }

    @Operation
    @QuiescentConsistent
    public String deleteFunction() {
      return render(keyed.deleteFunction("square"));
    }
  }

  /** A cached function built as find-then-put, without single flight: two callers can both compute. */
  public static class PlantedBug extends Operations {
    @Override
    @Operation
    public String square(@Param(name = "value") int x) {
      CacheKey key = KeyedCache.functionKey("square").child(x);
      Integer cached = keyed.find(key).orElse(null);
      if (cached != null) {
        return String.valueOf(cached);
      }
      keyed.put(key, x * x);
      return x * x + "*";
    }
  }

  /** The sequential specification: a sorted map; the function computes what is not in it. */
  public static class Specification {
    private final TreeMap<CacheKey, Integer> map = new TreeMap<>();

    public void put(int a, int b, int value) {
      map.put(key(a, b), value);
    }

    public void putFor(int a, int b, int value) {
      map.put(key(a, b), value);
    }

    public Integer get(int a, int b) {
      return map.get(key(a, b));
    }

    public boolean delete(int a, int b) {
      return map.remove(key(a, b)) != null;
    }

    public String deleteGroup(int a) {
      return removeGroup(CacheKey.of("k", a));
    }

    public String square(int x) {
      CacheKey key = KeyedCache.functionKey("square").child(x);
      Integer value = map.get(key);
      if (value != null) {
        return String.valueOf(value);
      }
      map.put(key, x * x);
      return x * x + "*";
    }

    public boolean forget(int x) {
      return map.remove(KeyedCache.functionKey("square").child(x)) != null;
    }

    public String deleteFunction() {
      return removeGroup(KeyedCache.functionKey("square"));
    }

    private String removeGroup(CacheKey group) {
      List<CacheKey> removed = new ArrayList<>();
      for (Map.Entry<CacheKey, Integer> entry : map.entrySet()) {
        if (group.isGroupOf(entry.getKey())) {
          removed.add(entry.getKey());
        }
      }
      removed.forEach(map::remove);
      return render(removed);
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
