package io.keyedcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Single flight at the moments a plain test of many threads rarely hits. */
class SingleFlightTest {
  private final SingleFlight<String, String> flights = new SingleFlight<>();
  private final Map<String, String> store = new ConcurrentHashMap<>();
  private final AtomicInteger computations = new AtomicInteger();

  /** A call as a cached function makes it: look up, and on a miss compute and store once. */
  private String call(String key, CountDownLatch storedThenWait) {
    String cached = store.get(key);
    if (cached != null) {
      return cached;
    }
    return flights.computeAndStore(key, () -> store.get(key), () -> "value-" + computations.incrementAndGet(),
        value -> {
          store.put(key, value);
          await(storedThenWait);
        }, k -> new IllegalStateException("recursion on " + k));
  }

  @Test
  void aCallerThatMissesAfterTheStoreAndARemovalComputesAgainInsteadOfTakingTheRemovedValue() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<String> first = new AtomicReference<>();
    Thread owner = new Thread(() -> first.set(call("k", release)));
    owner.start();
    waitUntil(() -> "value-1".equals(store.get("k")));
    // the owner has stored and is still in flight: a removal now, then a new caller misses
    store.remove("k");
    AtomicReference<String> second = new AtomicReference<>();
    Thread late = new Thread(() -> second.set(call("k", new CountDownLatch(0))));
    late.start();
    waitUntil(() -> late.getState() == Thread.State.WAITING);
    release.countDown();
    owner.join();
    late.join();

    assertEquals("value-1", first.get());
    assertEquals("value-2", second.get(), "the late caller followed the removal, so it computes");
    assertEquals("value-2", store.get("k"), "and what it returns is cached");
    assertEquals(2, computations.get());
  }

  @Test
  void anInterruptedWaiterKeepsWaitingKeepsItsInterruptStatusAndTheOthersGetTheValue() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch computing = new CountDownLatch(1);
    AtomicReference<String> ownerResult = new AtomicReference<>();
    Thread owner = new Thread(() -> ownerResult.set(flights.compute("k", () -> {
      computing.countDown();
      await(release);
      return "v";
    }, k -> new IllegalStateException())));
    owner.start();
    computing.await();
    AtomicReference<String> interruptedResult = new AtomicReference<>();
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    Thread interrupted = new Thread(() -> {
      interruptedResult.set(flights.compute("k", () -> "other", k -> new IllegalStateException()));
      stillInterrupted.set(Thread.currentThread().isInterrupted());
    });
    AtomicReference<String> otherResult = new AtomicReference<>();
    Thread other = new Thread(() -> otherResult.set(flights.compute("k", () -> "other", k -> new IllegalStateException())));
    interrupted.start();
    other.start();
    waitUntil(() -> interrupted.getState() == Thread.State.WAITING && other.getState() == Thread.State.WAITING);
    interrupted.interrupt();
    waitUntil(() -> interrupted.getState() == Thread.State.WAITING);
    release.countDown();
    owner.join();
    interrupted.join();
    other.join();

    assertEquals("v", ownerResult.get());
    assertEquals("v", interruptedResult.get());
    assertEquals("v", otherResult.get());
    assertTrue(stillInterrupted.get(), "the interrupt status is kept for the caller to see");
  }

  @Test
  void twoComputationsWaitingForEachOtherFailInsteadOfDeadlocking() throws Exception {
    CountDownLatch bothComputing = new CountDownLatch(2);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Thread first = new Thread(() -> run(failures, () -> flights.compute("a", () -> {
      bothComputing.countDown();
      await(bothComputing);
      return "a needs " + flights.compute("b", () -> "b", k -> new IllegalStateException("cycle at " + k));
    }, k -> new IllegalStateException("cycle at " + k))));
    Thread second = new Thread(() -> run(failures, () -> flights.compute("b", () -> {
      bothComputing.countDown();
      await(bothComputing);
      return "b needs " + flights.compute("a", () -> "a", k -> new IllegalStateException("cycle at " + k));
    }, k -> new IllegalStateException("cycle at " + k))));
    first.setDaemon(true);
    second.setDaemon(true);
    first.start();
    second.start();
    first.join(10_000);
    second.join(10_000);
    assertFalse(first.isAlive() || second.isAlive(), "the two computations deadlocked");
    // at least one sees the cycle; its failure then reaches the other, which waited for it
    assertEquals(2, failures.size());
    for (Throwable failure : failures) {
      assertTrue(failure instanceof IllegalStateException && failure.getMessage().startsWith("cycle at"), failure::toString);
    }
  }

  private static void run(List<Throwable> failures, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      failures.add(e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached in 10 s");
      }
      Thread.sleep(1);
    }
  }
}
