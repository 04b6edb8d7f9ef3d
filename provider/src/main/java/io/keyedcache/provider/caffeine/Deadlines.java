package io.keyedcache.provider.caffeine;

import java.util.PriorityQueue;

/**
 * The {@link Timed} entries of a store in the order their deadlines come. A replaced or removed entry stays here
 * until its deadline, when the store finds it is no longer the entry's value and drops it.
 */
final class Deadlines<K, V> {
  private final PriorityQueue<Timed<K, V>> queue = new PriorityQueue<>(
      (a, b) -> Long.signum(a.deadline - b.deadline));

  synchronized void add(Timed<K, V> timed) {
    queue.add(timed);
  }

  /** The earliest entry whose deadline has passed at {@code now}, taken out; or {@code null}. */
  synchronized Timed<K, V> pollDue(long now) {
    Timed<K, V> head = queue.peek();
    return (head == null || head.isLive(now)) ? null : queue.poll();
  }

  synchronized void clear() {
    queue.clear();
  }
}
