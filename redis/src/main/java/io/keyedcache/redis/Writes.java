package io.keyedcache.redis;

import io.keyedcache.provider.store.Plan;
import io.keyedcache.provider.store.Step;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writes of one cache that take one round trip: each is one command or one run of {@code write.lua}, which
 * decides on the server what the JCache layer's step would decide (a {@link Plan}) and answers with what the entry
 * held, from which the layer then records the step's events and statistics in this JVM. Scripted writes wait for a
 * step's lease on the key (see {@link Leases}); a {@code SET} of a plain put does not.
 */
final class Writes<K, V> {
  private static final byte[] PUT = ascii("put");
  private static final byte[] PUT_IF_ABSENT = ascii("putIfAbsent");
  private static final byte[] REPLACE = ascii("replace");
  private static final byte[] REMOVE = ascii("remove");
  private static final byte[] ACCESS = ascii("access");
  private static final byte[] EMPTY = CacheLink.EMPTY;
  private static final byte[] INFINITE = ascii("inf");

  /** The entry's state before a write, as write.lua reports it. */
  static final int ABSENT = 0;
  static final int LIVE = 1;
  static final int EXPIRED = 2;
  static final int FOREIGN = 3;

  private final CacheLink<K, V> link;

  Writes(CacheLink<K, V> link) {
    this.link = link;
  }

  /** What write.lua did to one entry. */
  record Outcome(int state, byte[] old, boolean wrote) {}

  /** The lifetimes of a write, as deadlines and PX for write.lua. */
  static byte[][] lifetimes(long now, long creation, long update, long access) {
    byte[][] args = new byte[6][];
    long created = CacheLink.deadline(now, creation, Envelope.NO_DEADLINE);
    args[0] = Envelope.digits(created);
    args[1] = CacheLink.px(now, created);
    dated(args, 2, now, update);
    dated(args, 4, now, access);
    return args;
  }

  private static void dated(byte[][] args, int at, long now, long lifetime) {
    if (lifetime == Step.UNCHANGED) {
      args[at] = EMPTY;
      args[at + 1] = EMPTY;
    } else {
      long deadline = CacheLink.deadline(now, lifetime, Envelope.NO_DEADLINE);
      args[at] = Envelope.digits(deadline);
      args[at + 1] = CacheLink.px(now, deadline);
    }
  }

  /** write.lua's argument that asks for the envelopes the entries had, and the one that does not. */
  static final byte[] ANSWER_OLDS = ascii("1");
  static final byte[] STATES_ONLY = EMPTY;

  /** Runs write.lua on one entry, whose new envelope (if any) is dated with the creation deadline. */
  Outcome run(K key, byte[] mode, long now, byte[][] lifetimes, byte[] expected, byte[] envelope) {
    byte[][] keys = link.writeKeys(List.of(key));
    byte[][] args = {mode, Envelope.digits(now), lifetimes[0], lifetimes[1], lifetimes[2], lifetimes[3],
        lifetimes[4], lifetimes[5], expected, ANSWER_OLDS, envelope, link.member(key)};
    List<Object> reply = link.waitingForLease(key, () -> Script.WRITE.run(link.commands, keys, args));
    return outcome(reply, 0);
  }

  /** Entry {@code i}'s outcome in a reply of write.lua; its old envelope is null unless the script was asked for it. */
  static Outcome outcome(List<Object> reply, int i) {
    int code = ((byte[]) reply.get(0))[i] - '0';
    byte[] old = reply.size() > 1 ? (byte[]) reply.get(i + 1) : null;
    return new Outcome(code >> 1, old, (code & 1) == 1);
  }

  /** A new entry's envelope for write.lua: dated with the deadline that {@code creation} gives it now. */
  byte[] envelope(K key, V value, long now, long creation) {
    return link.envelope.encode(key, value, CacheLink.deadline(now, creation, Envelope.NO_DEADLINE));
  }

  // ---------------------------------------------------------------------------------------------- plain writes

  /** Stores {@code value} with the lifetime of a new entry; one {@code SET} for a key outside every group. */
  void put(K key, V value) {
    long now = link.now();
    long lifetime = link.expiring ? link.owner.lifetimeAtCreation() : Step.ETERNAL;
    byte[] member = link.member(key);
    if (member.length == 0) {
      // One script of one SET and one ZADD (the registry): it does not wait for a step's lease, and a step that
      // finds it landed under its lease drops its own write (commit.lua), as if it had happened just before this put.
      long deadline = CacheLink.deadline(now, lifetime, Envelope.NO_DEADLINE);
      byte[] stored = link.envelope.encode(key, value, deadline);
      byte[][] names = {link.valueName(key), link.names.registry(key)};
      byte[] px = CacheLink.px(now, deadline);
      byte[] score = deadline == Envelope.NO_DEADLINE ? INFINITE
          : ascii(Long.toString(deadline));
      link.connection.call(() -> Script.SET.run(link.commands, names, stored, px, score));
      return;
    }
    // a key of a group joins its index in the same script, which waits for a step's lease as group deletion does
    for (int attempt = 1; ; attempt++) {
      Outcome outcome = run(key, PUT, now, lifetimes(now, lifetime, lifetime, Step.UNCHANGED), EMPTY,
          envelope(key, value, now, lifetime));
      if (outcome.state() != FOREIGN) {
        return;
      }
      replaceUnreadable(key, outcome, attempt);
      now = link.now();
    }
  }

  /** Stores {@code value} if the key has no live entry; returns the present value, or null if it stored. */
  V putIfAbsent(K key, V value) {
    long lifetime = link.expiring ? link.owner.lifetimeAtCreation() : Step.ETERNAL;
    for (int attempt = 1; ; attempt++) {
      long now = link.now();
      Outcome outcome = run(key, PUT_IF_ABSENT, now, lifetimes(now, lifetime, lifetime, Step.UNCHANGED), EMPTY,
          envelope(key, value, now, lifetime));
      if (outcome.state() == ABSENT || outcome.state() == EXPIRED) {
        return null;
      }
      Envelope.Entry present = outcome.state() == LIVE ? link.decodeOrLog(key, outcome.old()) : null;
      if (present != null) {
        return link.value(present);
      }
      replaceUnreadable(key, outcome, attempt);
    }
  }

  /**
   * Removes the entry that a write found and this JVM cannot read (another format, a class outside its filter), so
   * that the write, tried again, replaces it as it would a missing one (a read leaves it for the JVMs that can read
   * it; a write replaces it): unless it changed meanwhile. Gives up after three tries.
   */
  private void replaceUnreadable(K key, Outcome outcome, int attempt) {
    if (attempt == 3) {
      throw new javax.cache.CacheException("Cache '" + link.cacheName + "': the entry of key " + key + " on "
          + link.connection.server() + " changed three times into one this JVM cannot read while it wrote");
    }
    link.connection.call(() -> Script.REMOVE_IF_SAME.run(link.commands, link.keys(key), outcome.old(),
        link.member(key)));
    link.invalidateNear(key);
  }

  /** Removes the key's entry; returns its live value, or null. */
  V remove(K key) {
    long now = link.now();
    Outcome outcome = run(key, REMOVE, now, lifetimes(now, Step.ETERNAL, Step.UNCHANGED, Step.UNCHANGED), EMPTY,
        EMPTY);
    if (outcome.state() != LIVE) {
      return null;
    }
    Envelope.Entry removed = link.decodeOrLog(key, outcome.old());
    return removed == null ? null : link.value(removed);
  }

  /**
   * A read that gives a live entry the access lifetime {@code lifetime} in the same round trip; an entry past its
   * deadline is removed and reported. The value, or null.
   */
  V readAccessed(K key, long lifetime) {
    long now = link.now();
    Outcome outcome;
    ReentrantLock lock = link.orderingLock(key);
    try {
      outcome = run(key, ACCESS, now, lifetimes(now, Step.ETERNAL, Step.UNCHANGED, lifetime), EMPTY, EMPTY);
    } finally {
      if (lock != null) {
        lock.unlock();
      }
    }
    if (outcome.wrote()) {
      link.invalidateNear(key);
    }
    if (outcome.state() == ABSENT || outcome.state() == FOREIGN) {
      return null;
    }
    Envelope.Entry entry = link.decodeOrLog(key, outcome.old());
    if (entry == null) {
      return null;
    }
    if (outcome.state() == EXPIRED) {
      link.owner.expired(key, link.value(entry));
      return null;
    }
    long deadline = CacheLink.deadline(now, lifetime, entry.deadline());
    if (deadline <= now) {
      link.owner.expired(key, link.value(entry)); // an access lifetime of zero: expired now
    }
    if (outcome.wrote()) {
      link.replicated(key);
    }
    return link.value(entry);
  }

  // ---------------------------------------------------------------------------------------------- planned steps

  /**
   * Applies {@code step} by its plan in one round trip: write.lua decides on the server, then the step decides the
   * same from the value the entry had, and commits (its events), under the key's local lock when a listener hears
   * them, so that this JVM's events of one key come in the server's order.
   *
   * @return false when the plan cannot be run here (an expected value whose bytes are not equal exactly when the
   *     values are, or an entry this JVM cannot read): nothing was written, and the caller applies the step under a
   *     lease
   */
  boolean apply(K key, Step<V> step, Plan<V> plan) {
    byte[] expected = EMPTY;
    if (plan.expected() != null) {
      expected = Values.exact(plan.expected()) ? link.envelope.valueBytes(plan.expected()) : null;
      if (expected == null) {
        return false;
      }
    }
    byte[] mode = mode(plan.kind());
    ReentrantLock lock = link.orderingLock(key);
    Outcome outcome = null;
    try {
      long now = link.now();
      byte[] envelope = plan.value() == null ? EMPTY : envelope(key, plan.value(), now, plan.creation());
      outcome = run(key, mode, now, lifetimes(now, plan.creation(), plan.update(), plan.access()), expected,
          envelope);
      return settle(key, step, now, outcome);
    } finally {
      if (lock != null) {
        lock.unlock();
      }
      if (outcome != null && outcome.wrote()) {
        link.invalidateNear(key);
      }
    }
  }

  /** write.lua's mode for a plan of {@code kind}. */
  static byte[] mode(Plan.Kind kind) {
    switch (kind) {
      case PUT:
        return PUT;
      case PUT_IF_ABSENT:
        return PUT_IF_ABSENT;
      case REPLACE:
        return REPLACE;
      default:
        return REMOVE;
    }
  }

  static byte[] accessMode() {
    return ACCESS;
  }

  /** The step's decision and events from what write.lua found; false to apply the step under a lease instead. */
  boolean settle(K key, Step<V> step, long now, Outcome outcome) {
    int state = outcome.state();
    if (state == FOREIGN) {
      return false;
    }
    Envelope.Entry entry = state == ABSENT ? null : link.decodeOrLog(key, outcome.old());
    if (entry == null && state != ABSENT && !outcome.wrote()) {
      return false; // an entry this JVM cannot read, which the script kept: the step decides under the lease
    }
    V present = state == LIVE && entry != null ? link.value(entry) : null;
    V next = step.decide(present);
    long lifetime = next == null ? 0L : step.lifetime();
    step.commit();
    if (outcome.wrote()) {
      link.replicated(key);
    }
    if (state == EXPIRED && entry != null) {
      link.owner.expired(key, link.value(entry));
    }
    if (next != null) {
      long deadline = CacheLink.deadline(now, lifetime, present != null ? entry.deadline() : Envelope.NO_DEADLINE);
      if (deadline <= now) {
        link.owner.expired(key, next); // a lifetime of zero: expired at once, as an embedded store reports it
      }
    }
    return true;
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
