package io.keyedcache.redis;

import io.keyedcache.provider.store.Step;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The steps of one cache that must run Java inside the atomic step (a writer, an entry processor, a custom expiry
 * policy, a loader under {@code invoke}, a cached function's fenced write): each holds a lease on its key
 * ({@link Leases}) from before it reads the entry to its closing script, {@code commit.lua}, which writes the decision
 * only if the lease is still the step's. A {@code SET} of a plain put does not wait for the lease: when one landed
 * during the step, the step writes nothing, and is taken to have happened just before that put.
 */
final class Steps<K, V> {
  private static final byte[] SET = ascii("set");
  private static final byte[] DEL = ascii("del");
  private static final byte[] KEEP = ascii("keep");
  private static final byte[] EMPTY = CacheLink.EMPTY;

  /** What a computed value's write must find unchanged: the generations of the key's groups when it began. */
  static final class Fence {
    final Object key;
    final byte[][] generations;
    final byte[][] expected;

    Fence(Object key, byte[][] generations, byte[][] expected) {
      this.key = key;
      this.generations = generations;
      this.expected = expected;
    }
  }

  /** A computed value that a group deletion fenced off: it is the caller's, and is not stored. */
  static final class FencedOff extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FencedOff() {
      super(null, null, false, false);
    }
  }

  /** The fence of the computation this thread is storing, if any. */
  static final ThreadLocal<Fence> FENCE = new ThreadLocal<>();

  private final CacheLink<K, V> link;

  Steps(CacheLink<K, V> link) {
    this.link = link;
  }

  /** Whether this thread stores a cached function's value for {@code key}, which its groups' fences must check. */
  static boolean fenced(Object key) {
    Fence fence = FENCE.get();
    return fence != null && fence.key.equals(key);
  }

  <S extends Step<V>> S apply(K key, S step) {
    ReentrantLock lock = link.lock(key);
    lock.lock();
    try {
      byte[][] keys = link.keys(key);
      Leases.Held lease = link.connection.leases().acquire(keys[1], link.cacheName, key);
      boolean released = false;
      boolean unchanged = false;
      try {
        byte[] stored = link.connection.call(() -> link.commands.get(keys[0]));
        long now = link.now();
        // an entry this JVM cannot decode is a miss that the step overwrites (logged)
        Envelope.Entry entry = stored == null ? null : link.decodeOrLog(key, stored);
        boolean expired = entry != null && !entry.isLive(now);
        V present = entry == null || expired ? null : link.value(entry);
        V next = step.decide(present);
        long lifetime = next == null ? 0L : step.lifetime();
        Fence fence = FENCE.get();
        if (fence != null && next != null && fence.key.equals(key)) {
          prepare(key, fence);
        }
        step.commit();
        byte[] write;
        byte[] mode;
        long deadline = Envelope.NO_DEADLINE;
        if (next == null) {
          mode = stored == null ? KEEP : DEL;
          write = EMPTY;
        } else {
          deadline = CacheLink.deadline(now, lifetime, present != null ? entry.deadline() : Envelope.NO_DEADLINE);
          if (deadline <= now) {
            mode = stored == null ? KEEP : DEL;
            write = EMPTY;
          } else if (next == present && deadline == entry.deadline()) {
            mode = KEEP;
            write = EMPTY;
          } else if (next == present) {
            mode = SET;
            write = Envelope.withDeadline(stored, deadline);
          } else {
            mode = SET;
            write = link.envelope.encode(key, next, deadline);
          }
        }
        unchanged = mode == KEEP;
        byte[] px = mode == SET ? CacheLink.px(now, deadline) : ascii("0");
        byte[] seen = stored == null ? EMPTY : stored;
        List<Object> reply = link.connection.call(() -> Script.COMMIT.run(link.commands, keys, lease.token, mode,
            write, px, link.member(key), seen));
        released = true;
        if (CacheLink.status(reply) == -1) {
          throw new javax.cache.CacheException("The step on key " + key + " of cache '" + link.cacheName
              + "' outlived its lease on " + link.connection.server() + " (lease-timeout "
              + link.connection.leases().timeoutMillis() + " ms); its change was not written");
        }
        if (!unchanged) {
          link.replicated(key);
        }
        if (expired) {
          link.owner.expired(key, link.value(entry));
        }
        if (next != null && deadline <= now) {
          link.owner.expired(key, next); // a lifetime of zero: expired at once, as an embedded store reports it
        }
        return step;
      } finally {
        if (released) {
          link.connection.leases().stopRenewing(lease);
        } else {
          link.connection.leases().release(lease);
        }
        if (!unchanged) {
          link.invalidateNear(key); // a step that only read leaves the near entry as it was
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void prepare(K key, Fence fence) {
    byte[][] keys = new byte[fence.generations.length + 1][];
    byte[][] args = new byte[fence.generations.length + 1][];
    keys[0] = link.names.index(key);
    args[0] = link.member(key);
    for (int i = 0; i < fence.generations.length; i++) {
      keys[i + 1] = fence.generations[i];
      args[i + 1] = fence.expected[i] == null ? EMPTY : fence.expected[i];
    }
    if (CacheLink.status(link.connection.call(() -> Script.PREPARE.run(link.commands, keys, args))) == -2) {
      throw new FencedOff();
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
