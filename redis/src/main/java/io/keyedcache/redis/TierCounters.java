package io.keyedcache.redis;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one manager's shared tier counts for {@link SharedTierMXBean}: kept by the tier, not by a connection, so that
 * the counts run on across an outage under {@code degrade}. Every count only grows; increments are cheap enough for
 * the near cache's hit path (a {@link LongAdder} each).
 */
final class TierCounters {
  final LongAdder nearHits = new LongAdder();
  final LongAdder nearMisses = new LongAdder();
  final LongAdder nearEvictions = new LongAdder();
  final LongAdder invalidations = new LongAdder();
  final LongAdder leaseWaits = new LongAdder();
  final LongAdder leaseTakeovers = new LongAdder();
  final LongAdder reconnects = new LongAdder();
  /** The client's connections seen connected, so that a second connect of one counts as a reconnect. */
  private final Set<Object> connected = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /** A connection of the manager's client connected: a reconnect if it had been connected before. */
  void connected(Object connection) {
    if (!connected.add(connection)) {
      reconnects.increment();
    }
  }
}
