package io.keyedcache.redis;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The log of the entries a manager could not decode. During a rolling deploy every read of an entry that the other
 * version wrote fails the same way, so one line per entry would flood the log, and one per key for the life of the JVM
 * would say it once and grow without bound: this says it at most once a {@link #PERIOD_MILLIS period} for each reason
 * and class, with how many reads met it since, and names the setting that changes it.
 */
final class Unreadable {
  static final long PERIOD_MILLIS = TimeUnit.MINUTES.toMillis(1);
  /** Reasons and classes tracked apart; past this many, the rest share one count. */
  private static final int TRACKED = 256;

  private static final System.Logger LOG = System.getLogger(RedisStores.class.getName());

  private final String server;
  private final String filter;
  private final ConcurrentHashMap<String, Count> counts = new ConcurrentHashMap<>();

  private static final class Count {
    final AtomicLong since = new AtomicLong();
    /** When this reason was last logged (nanoTime), or 0 for never. */
    long loggedAt;
  }

  /**
   * @param server where the entries are, as messages name it
   * @param filter the manager's serialization-filter setting, or null
   */
  Unreadable(String server, String filter) {
    this.server = server;
    this.filter = filter;
  }

  /**
   * Notes a read of the entry {@code name} that it could not decode; logs it unless its reason was logged within
   * the period. {@code removed}: the caller removed the entry (its bytes are corrupt, so no JVM can read it).
   */
  void note(byte[] name, Envelope.Undecodable why, boolean removed) {
    String reason = why.why() + (why.className() == null ? "" : " " + why.className()) + (removed ? " removed" : "");
    Count count = counts.get(reason);
    if (count == null) {
      count = counts.computeIfAbsent(counts.size() < TRACKED ? reason : "other", r -> new Count());
    }
    count.since.incrementAndGet();
    long now = System.nanoTime();
    long reads;
    synchronized (count) {
      if (count.loggedAt != 0 && now - count.loggedAt < TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS)) {
        return;
      }
      count.loggedAt = now;
      reads = count.since.getAndSet(0);
    }
    LOG.log(System.Logger.Level.WARNING, message(new String(name, StandardCharsets.UTF_8), why, removed, reads));
  }

  private String message(String name, Envelope.Undecodable why, boolean removed, long reads) {
    String count = reads > 1 ? " (" + reads + " reads of entries like it since this was last said)" : "";
    if (removed) {
      return "keyedcache removed the entry " + name + " from Redis at " + server + ": " + why.getMessage()
          + ", so no JVM can read it" + count;
    }
    String start = "keyedcache cannot read the entry " + name + " on Redis at " + server + count + ": ";
    String end = ". A read in this JVM takes it as a miss (a write replaces it); it is left in place for the JVMs"
        + " that can read it.";
    switch (why.why()) {
      case FILTERED:
        return start + "it holds the class " + why.className() + ", which this manager's serialization-filter"
            + " does not allow (" + (filter == null || filter.isBlank() ? "none set" : "set to '" + filter + "'")
            + "). Add the class or its package to serialization-filter (in the configuration file, the manager's"
            + " properties, ?serialization-filter= in the URI, or the system property "
            + RedisTier.FILTER_PROPERTY + "), for example " + example(why.className()) + end;
      case MISSING_CLASS:
        return start + "it holds the class " + why.className() + ", which is not on this JVM's class path (written"
            + " by another version of the application?)" + end;
      case CHANGED_CLASS:
        return start + "it holds the class " + why.className() + " in another version than this JVM's (their"
            + " serialVersionUIDs differ: give a class that a shared cache keeps across versions a fixed"
            + " serialVersionUID)" + end;
      case CODEC:
        return start + why.getMessage() + end;
      default:
        return start + why.getMessage() + " (written by another version of keyedcache, or by something else under"
            + " this namespace)" + end;
    }
  }

  private static String example(String className) {
    int dot = className == null ? -1 : className.lastIndexOf('.');
    return "serialization-filter = " + (dot < 0 ? className : className.substring(0, dot) + ".*");
  }
}
