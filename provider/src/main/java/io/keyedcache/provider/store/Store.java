package io.keyedcache.provider.store;

import io.keyedcache.CacheKey;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the entries of one cache live: the seam between the JCache layer ({@code KeyedJCache}) and a storage
 * engine. A store only stores; it knows nothing of JCache's rules. The layer decides every change in a
 * {@link Step} and the store applies it atomically per key, by a lock ({@code compute} of a local map) or by a
 * compare-and-set that retries; the step's contract keeps the layer's side effects at once per operation either
 * way.
 *
 * <p>Lifetimes are nanoseconds, or {@link Step#ETERNAL}, or {@link Step#UNCHANGED} (keep the entry's current
 * lifetime). A store that is not <em>expiring</em> (see {@link StoreSettings#expiring()}) still honours the
 * lifetimes that steps give, but may keep them at a cost per such entry.
 *
 * <p>The methods without a step ({@link #put}, {@link #putIfAbsent}, {@link #remove}) are the plain paths that
 * the layer takes when nobody watches the change: no listener, no writer, no expiry. Keys and values are never
 * {@code null}. Implementations are thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type, as the layer stores it (already copied for store-by-value)
 */
public interface Store<K, V> {

  /** The value of {@code key}, or {@code null}; does not count as an access for the entry's lifetime. */
  V peek(K key);

  /**
   * The value of {@code key}, or {@code null}; on an expiring store a present entry then lives as long as
   * {@link StoreOwner#lifetimeAfterRead()} says (asked only when the entry is present).
   */
  V read(K key);

  /**
   * {@link #read} of each key, as one batch where the store can: the values present, by the given key objects, in the
   * order of {@code keys}. The default reads them one by one.
   */
  default Map<K, V> readAll(Collection<? extends K> keys) {
    Map<K, V> found = new LinkedHashMap<>();
    for (K key : keys) {
      V value = read(key);
      if (value != null) {
        found.put(key, value);
      }
    }
    return found;
  }

  /** Whether {@code key} has a value now; not an access. */
  boolean contains(K key);

  /** Stores {@code value}, replacing any value, with the lifetime a new entry gets. */
  void put(K key, V value);

  /** Stores {@code value} if {@code key} has none; returns the present value, or {@code null} if it stored. */
  V putIfAbsent(K key, V value);

  /** Removes {@code key}; returns its value, or {@code null} if it had none. */
  V remove(K key);

  /**
   * Applies {@code step} to the entry of {@code key} as one atomic step: asks {@link Step#decide} what becomes of
   * the entry, calls {@link Step#commit()} once for the decision it applies, and applies it.
   *
   * @return {@code step}, which holds what it decided
   * @throws RuntimeException what {@code decide} or {@code commit} threw; the entry is then unchanged
   */
  <S extends Step<V>> S apply(K key, S step);

  /**
   * {@link #apply} of each step to its key ({@code keys.get(i)} takes {@code steps.get(i)}; the keys are distinct),
   * as few batches as the store can make of them: each step is atomic on its own entry and committed once, but the
   * batch is not atomic as a whole. The default applies them one by one, stopping at the first that throws.
   *
   * @throws RuntimeException what a step's {@code decide} or {@code commit} threw
   */
  default <S extends Step<V>> void applyAll(List<K> keys, List<S> steps) {
    for (int i = 0; i < keys.size(); i++) {
      apply(keys.get(i), steps.get(i));
    }
  }

  /** {@link #put} of each entry of {@code entries}, as one batch where the store can. */
  default void putAll(Map<K, V> entries) {
    entries.forEach(this::put);
  }

  /**
   * Gives a present entry a new lifetime (the access lifetime of an iteration); nothing if absent or
   * {@code lifetime} is {@link Step#UNCHANGED}.
   */
  void touch(K key, long lifetime);

  /** The entries present, weakly consistent (never a {@code ConcurrentModificationException}). */
  Iterator<Map.Entry<K, V>> iterator();

  /**
   * Whether every value the store hands out ({@link #peek}, {@link #read}, {@link #iterator}) is an object of its
   * own that nothing else holds, as from a store that decodes its values from bytes: the layer then does not copy it
   * again for store-by-value. False by default: the store hands out the object it holds.
   */
  default boolean readsAreCopies() {
    return false;
  }

  /** A snapshot of the keys present. */
  Set<K> keys();

  /**
   * Removes the entries that the store holds but cannot hand out (bytes this process cannot decode, written by
   * another), which {@link #keys()} does not list: after {@code removeAll()}, so that it leaves nothing behind. No
   * event can name them. Returns how many it removed; nothing to do by default.
   */
  default long removeUnreadable() {
    return 0;
  }

  /**
   * About how many entries the store holds, for monitoring: it may count entries whose lifetime has passed but
   * that the store has not removed yet.
   */
  long estimatedSize();

  /** Removes every entry, without steps: nothing is told of the removals. */
  void clear();

  /**
   * The {@link CacheKey} keys of {@code key}'s group (the key and its children) present now, in order; found
   * without a pass over the whole store.
   *
   * @throws UnsupportedOperationException if the store was not asked to index keys
   */
  List<CacheKey> group(CacheKey key);

  /**
   * Fences {@code key}'s group off before the layer deletes it: a store shared by several processes makes sure that
   * a cached function's computation that began before now cannot store into the group afterwards. Nothing by
   * default.
   */
  default void fence(CacheKey key) {}

  /** Whether {@link #computeOnce} elects one process among several; false for a store of one process. */
  default boolean sharesComputations() {
    return false;
  }

  /**
   * A cached function's value for {@code key}, computed once across every process that shares the store: the
   * process elected calls {@code compute} and hands a value that is not {@code null} to {@code put} (the layer's
   * put, so that events and the writer see it); the others wait for it and return the value it stored. The
   * default computes here.
   *
   * @return the value for the caller, {@code null} if the computation gave none
   * @throws RuntimeException what {@code compute} threw; nothing is then stored
   */
  default V computeOnce(K key, java.util.function.Supplier<? extends V> compute,
      java.util.function.Consumer<? super V> put) {
    V value = compute.get();
    if (value != null) {
      put.accept(value);
    }
    return value;
  }

  /**
   * An asynchronous cached function's value for {@code key}, computed once across every process that shares the
   * store, as {@link #computeOnce} does, without blocking a thread while it waits: the process elected starts
   * {@code compute} and hands a result that is not {@code null} to {@code put} when its stage completes; the others
   * complete when it lands (or the lease it held lapses and one of them takes over). Store calls run on
   * {@code executor}, never on the thread that completes {@code compute}'s stage. The default computes here.
   *
   * @return completes with the value for the caller ({@code null} if the computation gave none), or with what
   *     {@code compute} threw or its stage failed with; nothing is then stored
   */
  default java.util.concurrent.CompletableFuture<V> computeOnceAsync(K key,
      java.util.function.Supplier<? extends java.util.concurrent.CompletionStage<? extends V>> compute,
      java.util.function.Consumer<? super V> put, java.util.concurrent.Executor executor) {
    return compute.get().toCompletableFuture().thenApply(value -> {
      if (value != null) {
        put.accept(value);
      }
      return (V) value;
    });
  }

  /**
   * A refreshing cached function's background recomputation of {@code key}: if {@code due} still holds, the value
   * {@code compute} gives, handed to {@code put} when it is not {@code null}. A store shared by several processes does
   * it in at most one of them (one that finds the key's computation under way elsewhere returns at once), checks
   * {@code due} under its lease, and keeps a group deletion that overtakes it from being undone. The default runs it
   * here.
   *
   * @throws RuntimeException what {@code compute} threw; nothing is then stored
   */
  default void refreshOnce(K key, java.util.function.BooleanSupplier due,
      java.util.function.Supplier<? extends V> compute, java.util.function.Consumer<? super V> put) {
    if (due.getAsBoolean()) {
      V value = compute.get();
      if (value != null) {
        put.accept(value);
      }
    }
  }

  /**
   * How long {@code key}'s entry has left to live, in nanoseconds: {@code Long.MAX_VALUE} when it has no lifetime (or
   * the store cannot tell), negative when it has no live entry. Not an access.
   */
  default long remainingNanos(K key) {
    return contains(key) ? Long.MAX_VALUE : -1;
  }

  /**
   * A copy of {@code value} made through the store's own stored form (a codec), for store-by-value when the layer's
   * Java serialization cannot copy it; or {@code null} when the store has no form of its own (the default), and the
   * layer's error stands.
   *
   * @throws IllegalArgumentException if the store's form cannot copy it either; the message names its class
   */
  default Object copyAsStored(Object value) {
    return null;
  }

  /** The engine underneath, or {@code null} if it is not an instance of {@code type}. */
  <T> T unwrap(Class<T> type);

  /** Drops every entry and releases what the store holds; the store is not used again. */
  void close();
}
