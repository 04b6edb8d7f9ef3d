package io.keyedcache.redis;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The tests' one bounded wait: for a condition, polled, at most so many seconds. */
final class Waiting {
  private Waiting() {}

  /** Returns once {@code condition} holds; throws an {@link AssertionError} naming {@code what} after the bound. */
  static void until(String what, BooleanSupplier condition, long seconds) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - until > 0) {
        throw new AssertionError("waited " + seconds + " s for " + what);
      }
      Thread.sleep(5);
    }
  }
}
