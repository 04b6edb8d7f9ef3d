package io.keyedcache;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One computation per key however many threads ask at once: the first caller computes, the others wait for its
 * value or its exception. Computations run outside every lock (the map only holds a future per key), and a
 * computation that asks for its own key on its own thread fails fast instead of waiting for itself. Used by the
 * cached functions of {@link AbstractKeyedCache} and by the provider's read-through; thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class SingleFlight<K, V> {
  private final ConcurrentHashMap<K, Flight<V>> inFlight = new ConcurrentHashMap<>();

  /**
   * The value {@code compute} gives for {@code key}, computed once for all callers that arrive while it runs.
   *
   * @param recursion makes the exception for a computation that asks for its own key on its own thread
   * @throws RuntimeException the computation's own exception, for its caller and every waiter
   */
  public V compute(K key, Supplier<? extends V> compute, Function<? super K, ? extends RuntimeException> recursion) {
    requireNonNull(key, "key");
    Flight<V> mine = new Flight<>();
    Flight<V> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      if (running.owner == Thread.currentThread()) {
        throw recursion.apply(key);
      }
      return running.await();
    }
    try {
      V value = compute.get();
      mine.complete(value);
      return value;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(key, mine);
    }
  }

  /** One computation under way, and the thread running it. */
  private static final class Flight<V> extends CompletableFuture<V> {
    final Thread owner = Thread.currentThread();

    V await() {
      try {
        return join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException) {
          throw (RuntimeException) cause;
        }
        if (cause instanceof Error) {
          throw (Error) cause;
        }
        throw e;
      }
    }
  }
}
