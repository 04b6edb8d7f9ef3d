package io.keyedcache.provider.processor;

import java.util.function.Function;
import javax.cache.processor.MutableEntry;

/**
 * The entry an {@link javax.cache.processor.EntryProcessor} works on. It records what the processor did
 * ({@link #action()}) and the cache applies that once the processor returns, as one atomic step.
 */
public final class ProcessorEntry<K, V> implements MutableEntry<K, V> {
  /** What the processor's calls amount to. */
  public enum Action {
    /** Nothing observable. */
    NONE,
    /** Read a present value. */
    ACCESS,
    /** Read an absent value that the loader supplied: stored, not written through, not counted as a put. */
    LOAD,
    /** Set a value where there was none. */
    CREATE,
    /** Replaced a present value. */
    UPDATE,
    /** Removed the entry: the writer deletes the key even if it was absent; a present value leaves the cache. */
    REMOVE
  }

  private final K key;
  private final V original;
  private final Function<K, V> loader;
  private V value;
  private Action action = Action.NONE;

  /**
   * @param key the entry's key
   * @param original the present value (already copied out for store-by-value), or {@code null}
   * @param loader loads an absent value for {@link #getValue()} under read-through, or {@code null}
   */
  public ProcessorEntry(K key, V original, Function<K, V> loader) {
    this.key = key;
    this.original = original;
    this.value = original;
    this.loader = loader;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    if (action == Action.NONE) {
      if (value != null) {
        action = Action.ACCESS;
      } else if (loader != null) {
        value = loader.apply(key);
        if (value != null) {
          action = Action.LOAD;
        }
      }
    }
    return value;
  }

  @Override
  public boolean exists() {
    return value != null;
  }

  @Override
  public void remove() {
    // Removing what this processor created or loaded undoes it; anything else is a removal to write through.
    action = (action == Action.CREATE || action == Action.LOAD) ? Action.NONE : Action.REMOVE;
    value = null;
  }

  @Override
  public void setValue(V newValue) {
    if (newValue == null) {
      throw new NullPointerException("An entry processor may not set a null value; use remove()");
    }
    value = newValue;
    action = (original == null) ? Action.CREATE : Action.UPDATE;
  }

  /** What the processor did. */
  public Action action() {
    return action;
  }

  /** The value after the processor ran; {@code null} if removed or absent. */
  public V value() {
    return value;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("A mutable entry cannot be unwrapped to " + clazz.getName());
  }
}
