package io.keyedcache.redis;

import io.keyedcache.provider.store.Plan;
import io.keyedcache.provider.store.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * The bulk writes of one cache: {@code putAll}, {@code removeAll(keys)} and {@code getAll} under an access-based
 * expiry, as one run of {@code write.lua} per shard and per {@value #CHUNK} entries (one server: one; a cluster: one
 * per shard the keys fall in, all sent before any reply is awaited), each entry with its own JCache semantics. Steps
 * that need Java inside them (a writer, a custom expiry policy, a fenced write) go one by one, under their leases.
 */
final class Batches<K, V> {
  /** The most entries one script takes, so that it does not hold the server up for long. */
  static final int CHUNK = 256;

  private final CacheLink<K, V> link;
  private final Writes<K, V> writes;

  Batches(CacheLink<K, V> link, Writes<K, V> writes) {
    this.link = link;
    this.writes = writes;
  }

  /**
   * Applies each planned step of {@code steps} in batches; returns the indexes of those it could not (no plan, a plan
   * unlike the first, an entry it cannot read), which the caller applies one by one.
   */
  <S extends Step<V>> List<Integer> applyAll(List<K> keys, List<S> steps) {
    List<Integer> rest = new ArrayList<>();
    List<Integer> batched = new ArrayList<>();
    List<Plan<V>> plans = new ArrayList<>();
    Plan<V> first = null;
    for (int i = 0; i < keys.size(); i++) {
      Plan<V> plan = steps.get(i).plan();
      if (plan == null || plan.expected() != null || Steps.fenced(keys.get(i))) {
        rest.add(i);
      } else if (first == null || alike(first, plan)) {
        first = first == null ? plan : first;
        batched.add(i);
        plans.add(plan);
      } else {
        rest.add(i);
      }
    }
    if (batched.size() < 2) {
      rest.addAll(batched);
      rest.sort(null);
      return rest;
    }
    Plan<V> plan = first;
    byte[] mode = Writes.mode(plan.kind());
    List<V> values = new ArrayList<>(batched.size());
    List<K> batchKeys = new ArrayList<>(batched.size());
    for (int j = 0; j < batched.size(); j++) {
      values.add(plans.get(j).value());
      batchKeys.add(keys.get(batched.get(j)));
    }
    run(batchKeys, values, mode, plan.creation(), plan.update(), plan.access(), true, (at, outcome) -> {
      int i = batched.get(at);
      if (!writes.settle(keys.get(i), steps.get(i), outcome.now(), outcome.outcome())) {
        rest.add(i);
      }
    });
    rest.sort(null);
    return rest;
  }

  private static boolean alike(Plan<?> a, Plan<?> b) {
    return a.kind() == b.kind() && a.creation() == b.creation() && a.update() == b.update()
        && a.access() == b.access();
  }

  /**
   * Plain puts, each with the lifetime of a new entry: of entries that never expire, one MSET per hash tag and
   * {@value #CHUNK} entries (put_all.lua, with the registry's and the index's ZADD), else write.lua's put.
   */
  void putAll(Map<K, V> entries) {
    long lifetime = link.expiring ? link.owner.lifetimeAtCreation() : Step.ETERNAL;
    List<K> keys = new ArrayList<>(entries.keySet());
    try {
      if (lifetime == Step.ETERNAL) {
        List<List<Integer>> chunks = chunks(keys);
        List<byte[][]> allKeys = new ArrayList<>(chunks.size());
        List<byte[][]> allArgs = new ArrayList<>(chunks.size());
        for (List<Integer> chunk : chunks) {
          byte[][] names = new byte[chunk.size() + 2][];
          byte[][] args = new byte[chunk.size() * 2][];
          K first = keys.get(chunk.get(0));
          names[0] = link.names.registry(first);
          names[1] = link.names.index(first);
          for (int j = 0; j < chunk.size(); j++) {
            K key = keys.get(chunk.get(j));
            names[j + 2] = link.valueName(key);
            args[j] = link.envelope.encode(key, entries.get(key), Envelope.NO_DEADLINE);
            args[chunk.size() + j] = link.member(key);
          }
          allKeys.add(names);
          allArgs.add(args);
        }
        link.connection.runAll(Script.PUT_ALL, allKeys, allArgs);
      } else {
        List<V> values = new ArrayList<>(keys.size());
        keys.forEach(key -> values.add(entries.get(key)));
        run(keys, values, Writes.mode(Plan.Kind.PUT), lifetime, lifetime, Step.UNCHANGED, false, (at, outcome) -> { });
      }
      link.connection.replicatedEverywhere();
    } finally {
      keys.forEach(link::invalidateNear);
    }
  }

  /** The indexes of {@code keys} in chunks of one shard (so one hash tag) each, at most {@value #CHUNK} to a chunk. */
  private List<List<Integer>> chunks(List<K> keys) {
    Map<Integer, List<Integer>> byTag = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      int tag = link.names.sharded() ? link.names.shardOf(keys.get(i)) : 0;
      byTag.computeIfAbsent(tag, t -> new ArrayList<>()).add(i);
    }
    List<List<Integer>> chunks = new ArrayList<>();
    for (List<Integer> tagged : byTag.values()) {
      for (int from = 0; from < tagged.size(); from += CHUNK) {
        chunks.add(tagged.subList(from, Math.min(tagged.size(), from + CHUNK)));
      }
    }
    return chunks;
  }

  /** Reads that give each live entry the access lifetime {@code lifetime}; the outcome of each, by index. */
  void readAccessedAll(List<K> keys, long lifetime, BiConsumer<Integer, Stamped> each) {
    List<V> none = new ArrayList<>(keys.size());
    keys.forEach(key -> none.add(null));
    run(keys, none, Writes.accessMode(), Step.ETERNAL, Step.UNCHANGED, lifetime, true, each);
  }

  /** An outcome of write.lua and the time its deadlines were counted from. */
  record Stamped(long now, Writes.Outcome outcome) {}

  /**
   * Runs write.lua on {@code keys} in chunks of one hash tag each, under the local locks of every key's stripe when a
   * listener hears the cache (so that this JVM's events of a key keep the server's order), and hands each entry's
   * outcome to {@code each}.
   */
  private void run(List<K> keys, List<V> values, byte[] mode, long creation, long update, long access,
      boolean answerOlds, BiConsumer<Integer, Stamped> each) {
    List<List<Integer>> chunks = chunks(keys);
    TreeSet<Integer> stripes = new TreeSet<>();
    if (link.owner.listened()) {
      keys.forEach(key -> stripes.add(link.stripe(key)));
    }
    List<ReentrantLock> held = new ArrayList<>(stripes.size());
    try {
      for (int stripe : stripes) {
        ReentrantLock lock = link.lockOfStripe(stripe);
        lock.lock();
        held.add(lock);
      }
      long now = link.now();
      byte[][] lifetimes = Writes.lifetimes(now, creation, update, access);
      byte[] at = Envelope.digits(now);
      long created = CacheLink.deadline(now, creation, Envelope.NO_DEADLINE);
      List<byte[][]> allKeys = new ArrayList<>(chunks.size());
      List<byte[][]> allArgs = new ArrayList<>(chunks.size());
      for (List<Integer> chunk : chunks) {
        List<K> chunkKeys = new ArrayList<>(chunk.size());
        byte[][] args = new byte[10 + chunk.size() * 2][];
        args[0] = mode;
        args[1] = at;
        System.arraycopy(lifetimes, 0, args, 2, 6);
        args[8] = CacheLink.EMPTY;
        args[9] = answerOlds ? Writes.ANSWER_OLDS : Writes.STATES_ONLY;
        for (int j = 0; j < chunk.size(); j++) {
          K key = keys.get(chunk.get(j));
          V value = values.get(chunk.get(j));
          chunkKeys.add(key);
          args[10 + 2 * j] = value == null ? CacheLink.EMPTY : link.envelope.encode(key, value, created);
          args[11 + 2 * j] = link.member(key);
        }
        allKeys.add(link.writeKeys(chunkKeys));
        allArgs.add(args);
      }
      List<List<Object>> replies = link.connection.runAll(Script.WRITE, allKeys, allArgs);
      for (int c = 0; c < chunks.size(); c++) {
        List<Object> reply = replies.get(c);
        if (CacheLink.held(reply)) {
          // a step of some JVM holds one of the chunk's keys: this chunk waits for it (for at most lease-timeout)
          byte[][] names = allKeys.get(c);
          byte[][] args = allArgs.get(c);
          K waited = keys.get(chunks.get(c).get(((Number) reply.get(1)).intValue() - 1));
          reply = link.waitingForLease(waited, () -> Script.WRITE.run(link.commands, names, args));
        }
        List<Integer> chunk = chunks.get(c);
        for (int j = 0; j < chunk.size(); j++) {
          Writes.Outcome outcome = Writes.outcome(reply, j);
          each.accept(chunk.get(j), new Stamped(now, outcome));
          if (outcome.wrote()) {
            link.invalidateNear(keys.get(chunk.get(j)));
          }
        }
      }
    } finally {
      for (int i = held.size() - 1; i >= 0; i--) {
        held.get(i).unlock();
      }
    }
  }
}
