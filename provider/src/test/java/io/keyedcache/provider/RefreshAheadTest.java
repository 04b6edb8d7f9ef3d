package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.KeyedCache;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Refresh ahead and stale results of cached functions on the embedded tier, with a ticker moved by hand and the
 * background recomputations run by the test when it says so.
 */
class RefreshAheadTest {
  private CacheManager manager;
  private TestCaches.FakeTicker ticker;
  private final Queue<Runnable> background = new ArrayDeque<>();
  private KeyedCache<Object> keyed;
  private final AtomicInteger computed = new AtomicInteger();

  @BeforeEach
  @SuppressWarnings("unchecked")
  void create() {
    manager = TestCaches.manager(RefreshAheadTest.class);
    ticker = new TestCaches.FakeTicker();
    KeyedCacheConfiguration<Object, Object> config = new KeyedCacheConfiguration<>()
        .perEntryLifetimes(true).ticker(ticker).executor(task -> {
          if (task.getClass().getName().contains("Refreshes")) {
            background.add(task); // a refresh: run when the test says
          } else {
            task.run(); // Caffeine's maintenance
          }
        });
    Cache<Object, Object> cache = manager.createCache("refreshed", config);
    keyed = cache.unwrap(KeyedCache.class);
  }

  @AfterEach
  void destroy() {
    manager.close();
  }

  private void runBackground() {
    for (Runnable task = background.poll(); task != null; task = background.poll()) {
      task.run();
    }
  }

  private Function<Integer, String> price(Function<Integer, String> fn) {
    return keyed.function("price").ttl(Duration.ofSeconds(10)).refreshAfter(Duration.ofSeconds(5)).of(fn);
  }

  @Test
  void afterTheRefreshPointTheCurrentResultAnswersAndOneRecomputationRunsInTheBackground() {
    Function<Integer, String> price = price(id -> "price " + id + " v" + computed.incrementAndGet());
    assertThat(price.apply(1)).isEqualTo("price 1 v1");
    ticker.advance(Duration.ofSeconds(4));
    assertThat(price.apply(1)).isEqualTo("price 1 v1");
    assertThat(background).as("not due before the refresh point").isEmpty();

    ticker.advance(Duration.ofSeconds(2));
    assertThat(price.apply(1)).as("at once, the current result").isEqualTo("price 1 v1");
    assertThat(price.apply(1)).isEqualTo("price 1 v1");
    assertThat(background).as("one refresh per key however many calls").hasSize(1);
    runBackground();
    assertThat(price.apply(1)).isEqualTo("price 1 v2");
    assertThat(keyed.statistics().refreshes()).isEqualTo(1);
    assertThat(keyed.statistics().computations()).isEqualTo(2);
    assertThat(keyed.statistics().misses()).as("only the first call missed").isEqualTo(1);

    ticker.advance(Duration.ofSeconds(4));
    assertThat(price.apply(1)).as("the refreshed result lives its own ttl").isEqualTo("price 1 v2");
    assertThat(background).isEmpty();
  }

  @Test
  void aFailedRefreshKeepsTheCurrentResultUntilItsLifetimeEndsAndIsTriedAgainAfterABackOff() {
    Function<Integer, String> price = price(id -> {
      if (computed.incrementAndGet() > 1) {
        throw new IllegalStateException("the backend is down");
      }
      return "price " + id;
    });
    assertThat(price.apply(1)).isEqualTo("price 1");
    ticker.advance(Duration.ofSeconds(6));
    assertThat(price.apply(1)).isEqualTo("price 1");
    runBackground();
    assertThat(keyed.statistics().failedRefreshes()).isEqualTo(1);
    assertThat(price.apply(1)).as("kept after the failure").isEqualTo("price 1");
    assertThat(background).as("not again within the back-off").isEmpty();
    // the back-off is a quarter of ttl - refreshAfter, in the JVM's own time
    sleep(1_300);
    assertThat(price.apply(1)).isEqualTo("price 1");
    assertThat(background).as("tried again after it").hasSize(1);
    runBackground();
    assertThat(keyed.statistics().failedRefreshes()).isEqualTo(2);

    ticker.advance(Duration.ofSeconds(5));
    assertThatThrownBy(() -> price.apply(1)).as("past its lifetime the next call computes, and waits, as today")
        .hasMessageContaining("the backend is down");
  }

  @Test
  void withStaleForAResultPastItsLifetimeAnswersWhileOneRecomputes() {
    Function<Integer, String> price = keyed.function("price").ttl(Duration.ofSeconds(10))
        .staleFor(Duration.ofSeconds(5)).of(id -> "price " + id + " v" + computed.incrementAndGet());
    assertThat(price.apply(1)).isEqualTo("price 1 v1");
    ticker.advance(Duration.ofSeconds(9));
    price.apply(1);
    assertThat(background).as("no refreshAfter: nothing before the lifetime ends").isEmpty();
    ticker.advance(Duration.ofSeconds(2));
    assertThat(price.apply(1)).as("stale, within staleFor").isEqualTo("price 1 v1");
    assertThat(keyed.statistics().staleHits()).isEqualTo(1);
    runBackground();
    assertThat(price.apply(1)).isEqualTo("price 1 v2");

    ticker.advance(Duration.ofSeconds(16));
    assertThat(price.apply(1)).as("past ttl + staleFor: computed while the caller waits").isEqualTo("price 1 v3");
  }

  @Test
  void aDeletionWhileARefreshRunsKeepsItsResultFromBeingStored() {
    Function<Integer, String>[] price = new Function[1];
    price[0] = price(id -> {
      if (computed.incrementAndGet() == 2) {
        keyed.deleteFunction("price"); // overtakes the refresh that is computing
      }
      return "price " + id + " v" + computed.get();
    });
    assertThat(price[0].apply(1)).isEqualTo("price 1 v1");
    ticker.advance(Duration.ofSeconds(6));
    price[0].apply(1);
    runBackground();
    assertThat(keyed.isCached(KeyedCache.functionKey("price").child(1))).as("the deletion stands").isFalse();
    assertThat(keyed.statistics().refreshes()).isZero();
    assertThat(price[0].apply(1)).isEqualTo("price 1 v3");
  }

  @Test
  void optionsThatCannotWorkAreRefusedWhenTheFunctionIsMade() {
    assertThatThrownBy(() -> keyed.function("f").ttl(Duration.ofSeconds(5)).refreshAfter(Duration.ofSeconds(5))
        .of((Integer x) -> x)).isInstanceOf(IllegalStateException.class).hasMessageContaining("not less than its ttl");
    assertThatThrownBy(() -> keyed.function("f").refreshAfter(Duration.ofSeconds(5)).of((Integer x) -> x))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no ttl");
    assertThatThrownBy(() -> keyed.function("f").ttl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    Function<Integer, Integer> plain = keyed.function("f").ttl(Duration.ofSeconds(5)).of((Integer x) -> x * 2);
    assertThat(plain.apply(4)).isEqualTo(8);
    assertThat(keyed.isCached(KeyedCache.functionKey("f").child(4))).isTrue();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
