package io.keyedcache.redis;

import io.keyedcache.CacheKey;
import io.keyedcache.provider.store.Plan;
import io.keyedcache.provider.store.Step;
import io.keyedcache.provider.store.Store;
import io.keyedcache.provider.store.StoreOwner;
import io.keyedcache.provider.store.StoreSettings;
import io.lettuce.core.KeyValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shared tier's {@link Store}: each entry one Redis string (an {@link Envelope}) with a deadline in its header
 * and a Redis TTL a grace period beyond it, so that an entry whose deadline has passed is still there to be reported
 * as expired when a JVM next looks at it.
 *
 * <p>Reads are one {@code GET}, or none for a near hit ({@link NearCache}). Writes whose decision the JCache layer can
 * write out in advance (a {@link Plan}: built-in expiry policies, no writer) are one round trip ({@link Writes});
 * the rest are steps under a lease on the key ({@link Steps}). Groups and cached functions are {@link Groups}';
 * iteration, size and clear are {@link Scans}'.
 *
 * <p>Thread-safe.
 */
final class RedisStore<K, V> implements Store<K, V> {
  private final CacheLink<K, V> link;
  private final Writes<K, V> writes;
  private final Steps<K, V> steps;
  private final Groups<K, V> groups;
  private final Scans<K, V> scans;
  private final Batches<K, V> batches;
  /** Recent reads of this JVM, evicted by the server's invalidations; null when the manager keeps none. */
  private final NearCache<K, V> near;

  RedisStore(RedisStores connection, StoreSettings<K, V> settings, StoreOwner<K, V> owner, Envelope envelope) {
    this.link = new CacheLink<>(connection, settings, owner, envelope);
    this.near = link.near;
    this.writes = new Writes<>(link);
    this.steps = new Steps<>(link);
    this.groups = new Groups<>(link);
    this.scans = new Scans<>(link);
    this.batches = new Batches<>(link, writes);
  }

  // ---------------------------------------------------------------------------------------------- reads

  @Override
  public V peek(K key) {
    // the near hit of an entry without a deadline first, kept small enough for the JIT to inline: the near cache is
    // read once, and everything else is one call
    NearCache<K, V> near = this.near;
    if (near != null) {
      Object hit = near.hit(key);
      if (hit != null && !(hit instanceof NearCache.Timed)) {
        @SuppressWarnings("unchecked")
        V value = (V) hit;
        return value;
      }
      return peekFurther(key, hit);
    }
    return load(key, false);
  }

  private V peekFurther(K key, Object hit) {
    return hit != null && beforeDeadline((NearCache.Timed) hit) ? NearCache.value(hit) : load(key, false);
  }

  @Override
  public V read(K key) {
    Object hit = liveNear(key);
    if (hit == null) {
      return load(key, true);
    }
    long lifetime = link.expiring ? link.owner.lifetimeAfterRead() : Step.UNCHANGED;
    if (lifetime == Step.UNCHANGED) {
      return NearCache.value(hit);
    }
    return readAccessed(key, lifetime);
  }

  /**
   * A read from the server, kept near unless an invalidation of the key came meanwhile; {@code access}: it counts as
   * an access for the expiry policy, and one that gives the entry a new lifetime keeps nothing near (every such read
   * writes).
   */
  private V load(K key, boolean access) {
    if (access && link.expiring && link.owner.lifetimesFixed()) {
      long lifetime = link.owner.lifetimeAfterRead();
      if (lifetime != Step.UNCHANGED) {
        return writes.readAccessed(key, lifetime); // read and retimed in one round trip
      }
    }
    long epoch = near == null ? 0 : near.epoch();
    long stamp = near == null ? 0 : near.stamp(key);
    byte[] stored = fromServer(key);
    Envelope.Entry entry = live(key, stored);
    if (entry == null) {
      return null;
    }
    if (access && link.expiring) {
      long lifetime = link.owner.lifetimeAfterRead();
      if (lifetime != Step.UNCHANGED) {
        retime(key, stored, entry, lifetime);
        return link.value(entry);
      }
    }
    if (near != null && NearCache.nameable(key)) {
      near.populate(key, link.value(entry), entry.deadline(), stored.length, epoch, stamp);
    }
    return link.value(entry);
  }

  /** A read that gives the entry its access lifetime: one script when the lifetime is known in advance. */
  private V readAccessed(K key, long lifetime) {
    if (link.owner.lifetimesFixed()) {
      return writes.readAccessed(key, lifetime);
    }
    byte[] stored = fromServer(key);
    Envelope.Entry entry = live(key, stored);
    if (entry == null) {
      return null;
    }
    retime(key, stored, entry, lifetime);
    return link.value(entry);
  }

  @Override
  public Map<K, V> readAll(Collection<? extends K> keys) {
    if (keys.size() < 2 || link.expiring && !link.owner.lifetimesFixed()) {
      return Store.super.readAll(keys); // a custom expiry policy is asked once per entry found, as read asks it
    }
    List<K> all = new ArrayList<>(keys);
    Object[] values = new Object[all.size()];
    long access = link.expiring ? link.owner.lifetimeAfterRead() : Step.UNCHANGED;
    if (access != Step.UNCHANGED) {
      batches.readAccessedAll(all, access, (at, stamped) -> values[at] = accessed(all.get(at), access, stamped));
    } else {
      List<Integer> fetched = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        Object hit = liveNear(all.get(i));
        if (hit != null) {
          values[i] = NearCache.value(hit);
        } else {
          fetched.add(i);
        }
      }
      if (!fetched.isEmpty()) {
        long epoch = near == null ? 0 : near.epoch();
        long[] stamps = new long[fetched.size()];
        byte[][] names = new byte[fetched.size()][];
        for (int j = 0; j < fetched.size(); j++) {
          K key = all.get(fetched.get(j));
          stamps[j] = near == null ? 0 : near.stamp(key);
          names[j] = link.names.value(key);
        }
        List<KeyValue<byte[], byte[]>> stored = link.connection.call(() -> link.commands.mget(names));
        for (int j = 0; j < fetched.size(); j++) {
          K key = all.get(fetched.get(j));
          byte[] bytes = stored.get(j).hasValue() ? stored.get(j).getValue() : null;
          Envelope.Entry entry = live(key, bytes);
          if (entry != null) {
            if (near != null && NearCache.nameable(key)) {
              near.populate(key, link.value(entry), entry.deadline(), bytes.length, epoch, stamps[j]);
            }
            values[fetched.get(j)] = link.value(entry);
          }
        }
      }
    }
    Map<K, V> found = new LinkedHashMap<>();
    for (int i = 0; i < all.size(); i++) {
      if (values[i] != null) {
        @SuppressWarnings("unchecked")
        V value = (V) values[i];
        found.put(all.get(i), value);
      }
    }
    return found;
  }

  /** The value a batched read with an access lifetime found, reporting what it found expired. */
  private V accessed(K key, long lifetime, Batches.Stamped stamped) {
    Writes.Outcome outcome = stamped.outcome();
    if (outcome.state() == Writes.ABSENT || outcome.state() == Writes.FOREIGN) {
      return null;
    }
    Envelope.Entry entry = link.decodeOrLog(key, outcome.old());
    if (entry == null) {
      return null;
    }
    if (outcome.state() == Writes.EXPIRED
        || CacheLink.deadline(stamped.now(), lifetime, entry.deadline()) <= stamped.now()) {
      link.owner.expired(key, link.value(entry));
      return outcome.state() == Writes.EXPIRED ? null : link.value(entry);
    }
    return link.value(entry);
  }

  private byte[] fromServer(K key) {
    byte[] name = link.names.value(key);
    return link.connection.call(() -> link.commands.get(name));
  }

  /** The near entry of {@code key} if there is one before its deadline (past it, the server read reports it). */
  private Object liveNear(K key) {
    if (near == null) {
      return null;
    }
    Object hit = near.hit(key);
    if (hit == null) {
      return null;
    }
    return !(hit instanceof NearCache.Timed) || beforeDeadline((NearCache.Timed) hit) ? hit : null;
  }

  /** How many entries the near cache keeps now (0 without one), for tests. */
  long nearSize() {
    return near == null ? 0 : near.size();
  }

  /** Before its deadline (past it, the server read reports it). */
  private boolean beforeDeadline(NearCache.Timed hit) {
    if (hit.deadline() > link.now()) {
      return true;
    }
    near.lapsed();
    return false;
  }

  @Override
  public boolean contains(K key) {
    return liveNear(key) != null || fetch(key) != null;
  }

  /** The live entry of {@code key}, or null; an expired one is removed and reported. */
  private Envelope.Entry fetch(K key) {
    return live(key, fromServer(key));
  }

  private Envelope.Entry live(K key, byte[] stored) {
    if (stored == null) {
      return null;
    }
    Envelope.Entry entry = decode(key, stored);
    if (entry == null) {
      return null;
    }
    if (!entry.isLive(link.now())) {
      expire(key, stored, entry);
      return null;
    }
    return entry;
  }

  /**
   * Decodes, or answers null, a miss: an entry this JVM cannot read is left in place, for another version may (a
   * class outside its filter or class path, another format); only corrupt bytes, which nobody can read, are removed.
   */
  private Envelope.Entry decode(K key, byte[] stored) {
    try {
      return link.envelope.decode(stored);
    } catch (Envelope.Undecodable e) {
      boolean removed = e.corrupt() && removeIfSame(key, stored);
      link.connection.undecodable(link.names.value(key), e, removed);
      return null;
    }
  }

  private void expire(K key, byte[] stored, Envelope.Entry entry) {
    if (removeIfSame(key, stored)) {
      link.owner.expired(key, link.value(entry));
    }
  }

  private boolean removeIfSame(K key, byte[] stored) {
    try {
      List<Object> reply = link.connection.call(() -> Script.REMOVE_IF_SAME.run(link.commands, link.keys(key),
          stored, link.member(key)));
      return CacheLink.status(reply) == 1;
    } finally {
      link.invalidateNear(key);
    }
  }

  /** The entry with a new lifetime, unless another write came first. */
  private void retime(K key, byte[] stored, Envelope.Entry entry, long lifetime) {
    long now = link.now();
    long deadline = CacheLink.deadline(now, lifetime, entry.deadline());
    if (deadline <= now) {
      expire(key, stored, entry);
      return;
    }
    try {
      link.connection.call(() -> Script.TOUCH.run(link.commands, new byte[][] {link.names.value(key),
          link.names.registry(key)}, Envelope.digits(deadline), CacheLink.px(now, deadline),
          java.util.Arrays.copyOfRange(stored, 3, Envelope.HEADER)));
    } finally {
      link.invalidateNear(key);
    }
  }

  // ---------------------------------------------------------------------------------------------- writes

  @Override
  public void put(K key, V value) {
    if (Steps.fenced(key)) {
      steps.apply(key, new Replacing<>(value, lifetimeAtCreation(), true));
      return;
    }
    try {
      writes.put(key, value);
      link.replicated(key);
    } finally {
      link.invalidateNear(key);
    }
  }

  @Override
  public V putIfAbsent(K key, V value) {
    if (Steps.fenced(key)) {
      return steps.apply(key, new Replacing<>(value, lifetimeAtCreation(), false)).present;
    }
    try {
      V present = writes.putIfAbsent(key, value);
      if (present == null) {
        link.replicated(key);
      }
      return present;
    } finally {
      link.invalidateNear(key);
    }
  }

  private long lifetimeAtCreation() {
    return link.expiring ? link.owner.lifetimeAtCreation() : Step.ETERNAL;
  }

  /** A plain put as a step: for a cached function's value, whose write its groups' fences must check. */
  private static final class Replacing<V> implements Step<V> {
    private final V value;
    private final long lifetime;
    private final boolean replace;
    V present;

    Replacing(V value, long lifetime, boolean replace) {
      this.value = value;
      this.lifetime = lifetime;
      this.replace = replace;
    }

    @Override
    public V decide(V present) {
      this.present = present;
      return present != null && !replace ? present : value;
    }

    @Override
    public long lifetime() {
      return present != null && !replace ? UNCHANGED : lifetime;
    }
  }

  @Override
  public V remove(K key) {
    try {
      V removed = writes.remove(key);
      if (removed != null) {
        link.replicated(key);
      }
      return removed;
    } finally {
      link.invalidateNear(key);
    }
  }

  @Override
  public <S extends Step<V>> S apply(K key, S step) {
    Plan<V> plan = step.plan();
    if (plan != null && !Steps.fenced(key) && writes.apply(key, step, plan)) {
      return step;
    }
    return steps.apply(key, step);
  }

  @Override
  public <S extends Step<V>> void applyAll(List<K> keys, List<S> steps) {
    for (int i : batches.applyAll(keys, steps)) {
      apply(keys.get(i), steps.get(i));
    }
  }

  @Override
  public void putAll(Map<K, V> entries) {
    if (entries.size() < 2 || entries.keySet().stream().anyMatch(Steps::fenced)) {
      Store.super.putAll(entries);
      return;
    }
    batches.putAll(entries);
  }

  @Override
  public void touch(K key, long lifetime) {
    if (lifetime == Step.UNCHANGED) {
      return;
    }
    byte[] stored = fromServer(key);
    Envelope.Entry entry = live(key, stored);
    if (entry != null) {
      retime(key, stored, entry, lifetime);
      link.replicated(key);
    }
  }

  // ---------------------------------------------------------------------------------------------- groups, functions

  @Override
  public List<CacheKey> group(CacheKey key) {
    if (!link.indexed) {
      throw new UnsupportedOperationException("This store keeps no index of CacheKey keys");
    }
    return groups.group(key, this::liveAll);
  }

  /** Whether each key has a live entry, read in one batch; one past its deadline is removed and reported. */
  @SuppressWarnings("unchecked")
  private boolean[] liveAll(List<CacheKey> keys) {
    byte[][] names = new byte[keys.size()][];
    for (int i = 0; i < names.length; i++) {
      names[i] = link.names.value(keys.get(i));
    }
    List<KeyValue<byte[], byte[]>> stored = link.connection.call(() -> link.commands.mget(names));
    boolean[] live = new boolean[names.length];
    for (int i = 0; i < names.length; i++) {
      live[i] = live((K) keys.get(i), stored.get(i).hasValue() ? stored.get(i).getValue() : null) != null;
    }
    return live;
  }

  @Override
  public void fence(CacheKey key) {
    groups.fence(key);
  }

  @Override
  public boolean sharesComputations() {
    return true;
  }

  @Override
  public V computeOnce(K key, java.util.function.Supplier<? extends V> compute,
      java.util.function.Consumer<? super V> put) {
    return groups.computeOnce(key, compute, put, this::fetch);
  }

  @Override
  public java.util.concurrent.CompletableFuture<V> computeOnceAsync(K key,
      java.util.function.Supplier<? extends java.util.concurrent.CompletionStage<? extends V>> compute,
      java.util.function.Consumer<? super V> put, java.util.concurrent.Executor executor) {
    return groups.computeOnceAsync(key, compute, put, this::fetch, executor);
  }

  @Override
  public void refreshOnce(K key, java.util.function.BooleanSupplier due,
      java.util.function.Supplier<? extends V> compute, java.util.function.Consumer<? super V> put) {
    groups.refreshOnce(key, due, compute, put);
  }

  @Override
  public long remainingNanos(K key) {
    // a near entry with a deadline carries it (a look, not counted: the read it follows counted); otherwise one GET
    Object hit = near == null ? null : near.look(key);
    if (hit instanceof NearCache.Timed && ((NearCache.Timed) hit).deadline() <= link.now()) {
      hit = null;
    }
    long deadline;
    if (hit != null) {
      deadline = hit instanceof NearCache.Timed ? ((NearCache.Timed) hit).deadline() : Envelope.NO_DEADLINE;
    } else {
      Envelope.Entry entry = fetch(key);
      if (entry == null) {
        return -1;
      }
      deadline = entry.deadline();
    }
    if (deadline == Envelope.NO_DEADLINE) {
      return Long.MAX_VALUE;
    }
    long left = deadline - link.now();
    return left > 0 ? java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(left) : -1;
  }

  // ---------------------------------------------------------------------------------------------- all entries

  @Override
  public Object copyAsStored(Object value) {
    return link.envelope.copyThroughCodec(value);
  }

  @Override
  public boolean readsAreCopies() {
    return near == null; // every read decodes a new object from the server's bytes, unless it is kept near
  }

  @Override
  public Iterator<Map.Entry<K, V>> iterator() {
    return scans.iterator();
  }

  @Override
  public Set<K> keys() {
    Set<K> keys = new LinkedHashSet<>();
    for (Iterator<Map.Entry<K, V>> it = iterator(); it.hasNext(); ) {
      keys.add(it.next().getKey());
    }
    return keys;
  }

  @Override
  public long removeUnreadable() {
    return scans.removeUndecodable();
  }

  @Override
  public long estimatedSize() {
    return scans.estimatedSize();
  }

  @Override
  public void clear() {
    scans.clear();
  }

  /** The manager's near-cache link, null when near caches are off (for tests). */
  Tracking tracking() {
    return link.connection.tracking();
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    return type.isInstance(this) ? type.cast(this) : null;
  }

  @Override
  public void close() {
    // the connection is the manager's; the entries stay on the server for the other JVMs
    if (near != null) {
      link.connection.dropNearCache(link.names.tag());
      near.clear();
    }
  }

  static void pause(int attempt) {
    try {
      Thread.sleep(Math.min(20, 1 + attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new javax.cache.CacheException("Interrupted while waiting for a step of another JVM", e);
    }
  }
}
