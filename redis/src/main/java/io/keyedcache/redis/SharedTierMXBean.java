package io.keyedcache.redis;

/**
 * The state of one cache manager's shared tier: whether it reaches its server, and under {@code on-outage=degrade}
 * since when it has not and what it will replay once it does. Read it from code with
 * {@code cacheManager.unwrap(SharedTierMXBean.class)} (a manager of the embedded tier throws
 * {@link IllegalArgumentException} there), or over JMX under
 * {@code io.keyedcache:type=SharedTier,Namespace=<namespace>,Server="<scheme://host:port>"} (with
 * {@code ,Instance=<n>} added when one JVM has several managers of the same namespace and server). The attributes
 * are snapshots, safe to read from any thread; none waits for the server.
 */
public interface SharedTierMXBean {

  /** Where the server is: scheme, host and port, never a password. */
  String getServer();

  /** The prefix of the manager's keys on the server. */
  String getNamespace();

  /** The setting {@code on-outage}: {@code fail} or {@code degrade}. */
  String getOnOutage();

  /**
   * Whether the caches reach the server now. Under {@code degrade}, false from the first call that could not reach it
   * until the server answers again and every removal made meanwhile is replayed; under {@code fail}, whether the
   * manager's connection is open (a paused server, its socket open, still counts as connected).
   */
  boolean isConnected();

  /** When the present outage began, in epoch milliseconds; 0 when there is none (always 0 under {@code fail}). */
  long getDegradedSince();

  /**
   * What waits to be replayed once the server is back: each key removed or written during the outage, each group
   * deleted, and 1 for each cache to be cleared. Always 0 under {@code fail}.
   */
  long getPendingRemovals();

  /** How many outages began since the manager was created (always 0 under {@code fail}). */
  long getOutages();

  // The counts below start at 0 when the manager is created and only grow; they cover all the manager's caches.

  /** How many times a connection of the manager to its server was made again after it was lost. */
  long getReconnects();

  /** Reads answered from a near cache, without a round trip. */
  long getNearCacheHits();

  /**
   * Reads that found no usable near entry (none, its lifetime over, or the near caches bypassed while tracking is
   * not armed) and went to the server. Caches without a near cache (store-by-reference, or {@code near-cache-size=0})
   * count neither hits nor misses.
   */
  long getNearCacheMisses();

  /** How many entries the near caches keep now, all together. */
  long getNearCacheSize();

  /** Near entries evicted to keep within {@code near-cache-size} or {@code near-cache-weight}. */
  long getNearCacheEvictions();

  /** Invalidations of near entries that the server pushed: a write to one of their keys, by any JVM. */
  long getInvalidations();

  /**
   * Calls that found a key's lease held by another JVM or thread and waited for it: a step (a writer, an entry
   * processor, an expiry policy) or a cached function's computation under way elsewhere.
   */
  long getLeaseWaits();

  /**
   * Cached-function computations this JVM took over from one that went silent: its flight lease lapsed without the
   * computation landing (the JVM died, stopped or lost the server).
   */
  long getLeaseTakeovers();
}
