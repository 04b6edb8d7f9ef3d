package io.keyedcache;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One computation per key however many threads ask at once: the first caller computes, the others wait for its
 * value or its exception. Computations run outside every lock (the map only holds a future per key). A
 * computation that needs its own result fails fast instead of waiting for itself: on its own thread (it asks for
 * its own key), or across threads (its key's computation waits, through other computations of any
 * {@code SingleFlight}, for a computation that waits for it). Used by the cached functions of
 * {@link AbstractKeyedCache} and by the provider's read-through; thread-safe.
 *
 * <p>Waiting is not interruptible: an interrupted waiter keeps waiting for the value (which the other waiters
 * need too), and returns with its interrupt status still set.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class SingleFlight<K, V> {
  /** The computation each waiting thread waits for, across all instances: to find cycles of waits. */
  private static final ConcurrentHashMap<Thread, Flight<?>> WAITING = new ConcurrentHashMap<>();
  /** Longer chains of waits are not followed; a cycle longer than this is not detected. */
  private static final int MAX_CHAIN = 64;

  private final ConcurrentHashMap<K, Flight<V>> inFlight = new ConcurrentHashMap<>();

  /**
   * The value {@code compute} gives for {@code key}, computed once for all callers that arrive while it runs.
   *
   * @param recursion makes the exception for a computation that needs its own result
   * @throws RuntimeException the computation's own exception, for its caller and every waiter
   */
  public V compute(K key, Supplier<? extends V> compute, Function<? super K, ? extends RuntimeException> recursion) {
    return run(key, () -> null, compute, null, recursion);
  }

  /**
   * For a caller that has just missed {@code key} in a store: the value stored meanwhile, or the value
   * {@code compute} gives, stored with {@code store}, once for all callers that arrive while it runs. A caller
   * that arrives while the value is being stored looks the store up again after it, instead of taking that value:
   * a removal may have come between the store and its own miss, and then it computes again, as a call that
   * followed the removal must.
   *
   * @param lookup the value in the store, or {@code null}
   * @param store stores a computed value that is not {@code null}
   * @param recursion makes the exception for a computation that needs its own result
   * @throws RuntimeException the computation's own exception, for its caller and every waiter
   */
  public V computeAndStore(K key, Supplier<? extends V> lookup, Supplier<? extends V> compute,
      Consumer<? super V> store, Function<? super K, ? extends RuntimeException> recursion) {
    return run(key, lookup, compute, requireNonNull(store, "store"), recursion);
  }

  private V run(K key, Supplier<? extends V> lookup, Supplier<? extends V> compute, Consumer<? super V> store,
      Function<? super K, ? extends RuntimeException> recursion) {
    requireNonNull(key, "key");
    while (true) {
      Flight<V> mine = new Flight<>();
      Flight<V> running = inFlight.putIfAbsent(key, mine);
      if (running == null) {
        return fly(key, mine, lookup, compute, store);
      }
      if (running.owner == Thread.currentThread()) {
        throw recursion.apply(key);
      }
      // Read after the caller's miss: if the flight had not begun to store then, our miss came before its store.
      boolean storing = running.storing;
      V value = awaitUnlessCycle(key, running, recursion);
      if (!storing) {
        return value;
      }
      V current = lookup.get();
      if (current != null) {
        return current;
      }
      inFlight.remove(key, running);
    }
  }

  /**
   * Waits for another thread's computation, unless it waits, directly or through others, for a computation of
   * this thread: then waiting would never end. Each thread records what it waits for before it follows the chain,
   * so of two threads closing a cycle at the same time at least one sees it.
   */
  private V awaitUnlessCycle(K key, Flight<V> running, Function<? super K, ? extends RuntimeException> recursion) {
    Thread current = Thread.currentThread();
    WAITING.put(current, running);
    try {
      Thread owner = running.owner;
      for (int hops = 0; owner != null && hops < MAX_CHAIN; hops++) {
        if (owner == current) {
          throw recursion.apply(key);
        }
        Flight<?> next = WAITING.get(owner);
        owner = next == null ? null : next.owner;
      }
      return running.await();
    } finally {
      WAITING.remove(current);
    }
  }

  private V fly(K key, Flight<V> mine, Supplier<? extends V> lookup, Supplier<? extends V> compute,
      Consumer<? super V> store) {
    try {
      // Another caller may have stored the value between our caller's miss and our registration.
      V value = lookup.get();
      if (value == null) {
        value = compute.get();
        if (value != null && store != null) {
          mine.storing = true;
          store.accept(value);
        }
      }
      mine.complete(value);
      return value;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(key, mine);
    }
  }

  /** One computation under way, the thread running it, and whether it has begun to store its value. */
  private static final class Flight<V> extends CompletableFuture<V> {
    final Thread owner = Thread.currentThread();
    volatile boolean storing;

    V await() {
      return joined(this);
    }
  }

  /** {@code future}'s value once it completes, or the unchecked exception it failed with, unwrapped. */
  static <T> T joined(CompletableFuture<T> future) {
    try {
      return future.join();
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
