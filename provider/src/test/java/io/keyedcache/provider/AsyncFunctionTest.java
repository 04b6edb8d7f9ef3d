package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.CacheKey;
import io.keyedcache.KeyedCache;
import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Asynchronous cached functions on the embedded tier: one computation per key whatever the number of callers and no
 * thread per waiter, failures, {@code null}, a function that needs its own result, a deletion that overtakes a
 * computation, the switch, and refresh ahead (with a ticker moved by hand and refreshes run when the test says).
 */
class AsyncFunctionTest {
  private CacheManager manager;
  private TestCaches.FakeTicker ticker;
  private final Queue<Runnable> background = new ArrayDeque<>();
  private KeyedCache<Object> keyed;
  private final AtomicInteger computed = new AtomicInteger();

  @BeforeEach
  @SuppressWarnings("unchecked")
  void create() {
    manager = TestCaches.manager(AsyncFunctionTest.class);
    ticker = new TestCaches.FakeTicker();
    KeyedCacheConfiguration<Object, Object> config = new KeyedCacheConfiguration<>()
        .perEntryLifetimes(true).ticker(ticker).executor(task -> {
          if (task.getClass().getName().contains("Refreshes")) {
            background.add(task);
          } else {
            task.run();
          }
        });
    Cache<Object, Object> cache = manager.createCache("async", config);
    keyed = cache.unwrap(KeyedCache.class);
  }

  @AfterEach
  void destroy() {
    manager.close();
  }

  private Function<Integer, CompletableFuture<String>> price(CompletableFuture<String> stage) {
    return keyed.function("price").ttl(Duration.ofSeconds(10)).ofAsync((Integer id) -> {
      computed.incrementAndGet();
      return stage;
    });
  }

  @Test
  void aThousandCallersShareOneComputationAndNoThreadWaits() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Function<Integer, CompletableFuture<String>> price = price(stage);
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      calls.add(price.apply(1));
    }
    assertThat(calls).allMatch(call -> !call.isDone());
    assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).as("threads while 1,000 calls wait")
        .isLessThan(threads + 4);
    assertThat(computed).hasValue(1);
    stage.complete("price 1");
    for (CompletableFuture<String> call : calls) {
      assertThat(call).isCompletedWithValue("price 1");
    }
    assertThat(price.apply(1)).as("a hit completes at once").isCompletedWithValue("price 1");
    assertThat(keyed.statistics().computations()).isEqualTo(1);
    assertThat(keyed.statistics().hits()).isEqualTo(1);
    assertThat(keyed.statistics().misses()).isEqualTo(1_000);
    assertThat(keyed.get(CacheKey.of("func", "price", 1))).isEqualTo("price 1");
  }

  @Test
  void aCallerThatCancelsLeavesTheOthersWaiting() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Function<Integer, CompletableFuture<String>> price = price(stage);
    CompletableFuture<String> cancelled = price.apply(1);
    CompletableFuture<String> other = price.apply(1);
    cancelled.cancel(false);
    stage.complete("price 1");
    assertThat(other).isCompletedWithValue("price 1");
    assertThat(keyed.find(CacheKey.of("func", "price", 1))).contains("price 1");
  }

  @Test
  void aFailedStageFailsEveryWaiterAndTheNextCallComputesAgain() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Function<Integer, CompletableFuture<String>> price = price(stage);
    CompletableFuture<String> first = price.apply(1);
    CompletableFuture<String> second = price.apply(1);
    stage.completeExceptionally(new IllegalStateException("price service down"));
    for (CompletableFuture<String> call : List.of(first, second)) {
      assertThatThrownBy(call::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("price service down");
    }
    assertThat(keyed.find(CacheKey.of("func", "price", 1))).isEmpty();
    assertThat(price.apply(1)).as("computes again, and waits for the same (failed) stage").isCompletedExceptionally();
    assertThat(computed).hasValue(2);
  }

  @Test
  void aFunctionThatThrowsInsteadOfReturningAStageFailsItsFuture() {
    Function<Integer, CompletableFuture<String>> price = keyed.function("price").ofAsync((Integer id) -> {
      throw new IllegalArgumentException("no price for " + id);
    });
    assertThatThrownBy(() -> price.apply(3).get()).hasRootCauseMessage("no price for 3");
    Function<Integer, CompletableFuture<String>> none = keyed.function("none").ofAsync((Integer id) -> null);
    assertThatThrownBy(() -> none.apply(3).get()).hasMessageContaining("returned null instead of a CompletionStage");
  }

  @Test
  void aNullResultIsReturnedAndNotStored() {
    Supplier<CompletableFuture<String>> nothing = keyed.function("nothing").ofAsync(() -> {
      computed.incrementAndGet();
      return CompletableFuture.completedFuture((String) null);
    });
    assertThat(nothing.get()).isCompletedWithValue(null);
    assertThat(nothing.get()).isCompletedWithValue(null);
    assertThat(computed).hasValue(2);
  }

  @Test
  void aFunctionThatNeedsItsOwnResultFailsFast() {
    List<Function<Integer, CompletableFuture<String>>> self = new ArrayList<>();
    self.add(keyed.function("self").ofAsync((Integer id) -> self.get(0).apply(id).thenApply(v -> v + "!")));
    assertThatThrownBy(() -> self.get(0).apply(1).get(5, java.util.concurrent.TimeUnit.SECONDS)).hasRootCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs its own result");
  }

  @Test
  void aGroupDeletionWhileTheStageRunsStands() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Function<Integer, CompletableFuture<String>> price = price(stage);
    CompletableFuture<String> call = price.apply(1);
    keyed.deleteFunction("price");
    stage.complete("price 1");
    assertThat(call).as("the callers get the result").isCompletedWithValue("price 1");
    assertThat(keyed.find(CacheKey.of("func", "price", 1))).as("not stored after the deletion").isEmpty();
  }

  @Test
  void twoArgumentsAndTheSwitch() throws Exception {
    BiFunction<Integer, String, CompletableFuture<String>> quote = keyed.function("quote")
        .ofAsync((Integer id, String currency) -> {
          computed.incrementAndGet();
          return CompletableFuture.completedFuture(id + " " + currency);
        });
    assertThat(quote.apply(1, "EUR")).isCompletedWithValue("1 EUR");
    assertThat(keyed.get(CacheKey.of("func", "quote", 1, "EUR"))).isEqualTo("1 EUR");
    keyed.setEnabled(false);
    assertThat(quote.apply(1, "EUR")).isCompletedWithValue("1 EUR");
    assertThat(computed).as("off: computes every call").hasValue(2);
  }

  @Test
  void refreshAheadAnswersAtOnceAndRecomputesInTheBackground() {
    AtomicInteger version = new AtomicInteger();
    Function<Integer, CompletableFuture<String>> price = keyed.function("price").ttl(Duration.ofSeconds(10))
        .refreshAfter(Duration.ofSeconds(5)).ofAsync((Integer id) ->
            CompletableFuture.completedFuture("price " + id + " v" + version.incrementAndGet()));
    assertThat(price.apply(1)).isCompletedWithValue("price 1 v1");
    ticker.advance(Duration.ofSeconds(6));
    assertThat(price.apply(1)).as("at once, the current result").isCompletedWithValue("price 1 v1");
    assertThat(background).hasSize(1);
    background.poll().run();
    assertThat(price.apply(1)).isCompletedWithValue("price 1 v2");
    assertThat(keyed.statistics().refreshes()).isEqualTo(1);
  }
}
