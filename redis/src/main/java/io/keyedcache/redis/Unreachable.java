package io.keyedcache.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.CacheException;

/**
 * The server could not be reached, or did not answer in time: the failures that {@code on-outage=degrade} rides
 * out. Every other failure (a refused password, a full server, a missing permission) stays a plain
 * {@link CacheException}, since waiting does not mend it.
 */
final class Unreachable extends CacheException {
  private static final long serialVersionUID = 1L;

  Unreachable(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * An asynchronous cached function's flight on the server under {@code on-outage=degrade}: what {@code onServer}
   * completes with, unless the server could not be reached before the computation began; then {@code tier} learns
   * of the outage and the computation runs here without being stored, as a synchronous one does.
   */
  static <V> CompletableFuture<V> orHere(SharedTier tier,
      Function<Supplier<? extends CompletionStage<? extends V>>, CompletableFuture<V>> onServer,
      Supplier<? extends CompletionStage<? extends V>> compute) {
    AtomicBoolean ran = new AtomicBoolean();
    Supplier<CompletionStage<? extends V>> marked = () -> {
      ran.set(true);
      return compute.get();
    };
    CompletableFuture<V> flight;
    try {
      flight = onServer.apply(marked);
    } catch (RuntimeException e) {
      flight = CompletableFuture.failedFuture(e);
    }
    return flight.handle((value, error) -> {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (cause == null) {
        return CompletableFuture.completedFuture(value);
      }
      if (cause instanceof Unreachable && !ran.get()) {
        tier.lost((Unreachable) cause);
        return compute.get().toCompletableFuture().<V>thenApply(v -> v);
      }
      return CompletableFuture.<V>failedFuture(cause);
    }).thenCompose(Function.identity());
  }
}
