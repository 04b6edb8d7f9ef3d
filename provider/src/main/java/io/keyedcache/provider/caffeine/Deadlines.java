package io.keyedcache.provider.caffeine;

import java.util.PriorityQueue;

/**
 * The {@link Timed} entries of a store in the order their deadlines come. A replaced or removed entry stays here
 * until its deadline, when the store finds it is no longer the entry's value and drops it.
 */
final class Deadlines<K, V> {
  private final PriorityQueue<Timed<K, V>> queue = new PriorityQueue<>(
      (a, b) -> Long.signum(a.deadline - b.deadline));
  /** Whether the queue holds anything, and its earliest deadline: read without the lock, as a hint. */
  private volatile boolean empty = true;
  private volatile long earliest;

  synchronized void add(Timed<K, V> timed) {
    queue.add(timed);
    note();
  }

  /** Whether an entry may be due at {@code now}; cheap, so that reads can ask it every time. */
  boolean mayBeDue(long now) {
    return !empty && earliest - now <= 0;
  }

  /** The earliest entry whose deadline has passed at {@code now}, taken out; or {@code null}. */
  synchronized Timed<K, V> pollDue(long now) {
    Timed<K, V> head = queue.peek();
    if (head == null || head.isLive(now)) {
      return null;
    }
    queue.poll();
    note();
    return head;
  }

  synchronized void clear() {
    queue.clear();
    note();
  }

  private void note() {
    Timed<K, V> head = queue.peek();
    if (head != null) {
      earliest = head.deadline;
    }
    empty = head == null;
  }
}
