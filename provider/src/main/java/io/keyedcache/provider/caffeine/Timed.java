package io.keyedcache.provider.caffeine;

/**
 * A value with a lifetime of its own in a store whose Caffeine cache keeps no lifetimes (built without variable
 * expiry, so that its hot paths read no clock). Only entries given their own lifetime pay for it; the deadline
 * is enforced on every read and by {@link Deadlines}, which removes the entry when its time has come.
 */
final class Timed<K, V> {
  final K key;
  final V value;
  /** In the ticker's nanoseconds; compared as {@code System.nanoTime()} values are, by difference. */
  final long deadline;

  Timed(K key, V value, long deadline) {
    this.key = key;
    this.value = value;
    this.deadline = deadline;
  }

  boolean isLive(long now) {
    return deadline - now > 0;
  }

  @Override
  public String toString() {
    return "Timed[" + value + " until " + deadline + "]";
  }
}
