package io.keyedcache.redis;

import io.keyedcache.CacheKey;
import io.keyedcache.provider.store.Plan;
import io.keyedcache.provider.store.Step;
import io.keyedcache.provider.store.Store;
import io.keyedcache.provider.store.StoreOwner;
import io.keyedcache.provider.store.StoreSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A cache's store under {@code on-outage=degrade}: the {@link RedisStore} while the server is reached, and while it is
 * not (see {@link SharedTier}) a cache that holds nothing, so that no call throws for the outage:
 * <ul>
 *   <li>reads miss, iteration and group listings are empty, the size is 0;
 *   <li>writes are not stored: a step is decided as for an absent entry and committed (the cache's writer and
 *       listeners hear of it as they would of a write to an empty cache), and its key is remembered;
 *   <li>removals, group deletions and clears are remembered; a cached function computes without storing.
 * </ul>
 * What is remembered is removed from the server before the cache uses it again (reads of those keys miss until then),
 * so that no value written before or during the outage by another JVM, and removed here, is readable afterwards. Past
 * {@code outage-backlog} keys the cache is cleared instead. A call that was under way when the server went away may
 * or may not have reached it: its key is remembered too.
 */
final class DegradingStore<K, V> implements Store<K, V> {
  private final SharedTier tier;
  private final StoreSettings<K, V> settings;
  private final StoreOwner<K, V> owner;
  /** The cache on the server: null until the manager first reaches it. */
  private volatile Store<K, V> server;
  private final Set<K> pendingKeys = ConcurrentHashMap.newKeySet();
  private final Set<CacheKey> pendingGroups = ConcurrentHashMap.newKeySet();
  /** Groups whose deletion has begun (fenced) and whose members are not listed yet. */
  private final Set<CacheKey> deleting = ConcurrentHashMap.newKeySet();
  /** Clears asked for during outages, and the last of them done on the server. */
  private final AtomicLong clearsAsked = new AtomicLong();
  private volatile long clearsDone;
  private volatile boolean closed;

  DegradingStore(SharedTier tier, StoreSettings<K, V> settings, StoreOwner<K, V> owner) {
    this.tier = tier;
    this.settings = settings;
    this.owner = owner;
  }

  /** The manager has reached its server: the cache's store there. */
  void connected(RedisStores stores) {
    if (!closed && server == null) {
      server = stores.create(settings, owner);
    }
  }

  /** The store on the server if calls go there now; else null. */
  private Store<K, V> reached() {
    return tier.up() ? server : null;
  }

  /** Whether {@code key} has a removal waiting to be replayed, so that the server's value must not be read. */
  private boolean unsettled(Object key) {
    if (clearsAsked.get() != clearsDone || !pendingKeys.isEmpty() && pendingKeys.contains(key)) {
      return true;
    }
    if (!pendingGroups.isEmpty() && key instanceof CacheKey) {
      for (CacheKey group : pendingGroups) {
        if (group.isGroupOf((CacheKey) key)) {
          return true;
        }
      }
    }
    return false;
  }

  private void remember(K key) {
    if (pendingKeys.size() >= tier.settings().outageBacklog()) {
      clearsAsked.incrementAndGet();
    } else {
      pendingKeys.add(key);
    }
  }

  private void rememberAll(Collection<? extends K> keys) {
    keys.forEach(this::remember);
  }

  /** What waits to be replayed: keys, groups, and 1 for a clear. */
  long pending() {
    return pendingKeys.size() + pendingGroups.size() + (clearsAsked.get() != clearsDone ? 1 : 0);
  }

  /**
   * Removes from the server what was remembered during the outage; how many removals (a clear counting one).
   *
   * @throws Unreachable if the server cannot be reached again; what is left stays remembered
   */
  long replay() {
    Store<K, V> store = server;
    if (store == null || closed) {
      return 0;
    }
    long replayed = 0;
    long asked = clearsAsked.get();
    if (asked != clearsDone) {
      List<K> keys = new ArrayList<>(pendingKeys);
      List<CacheKey> groups = new ArrayList<>(pendingGroups);
      store.clear();
      clearsDone = asked;
      keys.forEach(pendingKeys::remove);
      groups.forEach(pendingGroups::remove);
      replayed++;
    }
    for (K key : new ArrayList<>(pendingKeys)) {
      store.remove(key);
      pendingKeys.remove(key);
      replayed++;
    }
    for (CacheKey group : new ArrayList<>(pendingGroups)) {
      store.fence(group);
      @SuppressWarnings("unchecked")
      Store<CacheKey, V> indexed = (Store<CacheKey, V>) store;
      for (CacheKey member : indexed.group(group)) {
        indexed.remove(member);
      }
      pendingGroups.remove(group);
      replayed++;
    }
    return replayed;
  }

  // ---------------------------------------------------------------------------------------------- reads

  /** {@code call} on the server for a key that has nothing to replay, or {@code away} while that cannot be. */
  private <T> T settled(K key, T away, java.util.function.Function<Store<K, V>, T> call) {
    Store<K, V> store = reached();
    if (store == null || unsettled(key)) {
      return away;
    }
    try {
      return call.apply(store);
    } catch (Unreachable e) {
      tier.lost(e);
      return away;
    }
  }

  @Override
  public V peek(K key) {
    return settled(key, null, store -> store.peek(key));
  }

  @Override
  public V read(K key) {
    return settled(key, null, store -> store.read(key));
  }

  @Override
  public Map<K, V> readAll(Collection<? extends K> keys) {
    Store<K, V> store = reached();
    if (store == null) {
      return Collections.emptyMap();
    }
    List<K> settled = new ArrayList<>(keys.size());
    for (K key : keys) {
      if (!unsettled(key)) {
        settled.add(key);
      }
    }
    try {
      return settled.isEmpty() ? new LinkedHashMap<>() : store.readAll(settled);
    } catch (Unreachable e) {
      tier.lost(e);
      return Collections.emptyMap();
    }
  }

  @Override
  public boolean contains(K key) {
    return settled(key, false, store -> store.contains(key));
  }

  // ---------------------------------------------------------------------------------------------- writes

  @Override
  public void put(K key, V value) {
    Store<K, V> store = reached();
    if (store == null) {
      remember(key);
      return;
    }
    try {
      store.put(key, value);
    } catch (Unreachable e) {
      tier.lost(e);
      remember(key);
    }
  }

  @Override
  public V putIfAbsent(K key, V value) {
    Store<K, V> store = reached();
    if (store == null) {
      remember(key);
      return null;
    }
    try {
      return store.putIfAbsent(key, value);
    } catch (Unreachable e) {
      tier.lost(e);
      remember(key);
      return null;
    }
  }

  @Override
  public V remove(K key) {
    Store<K, V> store = reached();
    if (store == null) {
      remember(key);
      return null;
    }
    try {
      return store.remove(key);
    } catch (Unreachable e) {
      tier.lost(e);
      remember(key);
      return null;
    }
  }

  @Override
  public <S extends Step<V>> S apply(K key, S step) {
    Store<K, V> store = reached();
    if (store == null) {
      remember(key);
      return asIfAbsent(step);
    }
    Watched<V> watched = new Watched<>(step);
    try {
      store.apply(key, watched);
    } catch (Unreachable e) {
      tier.lost(e);
      remember(key);
      if (!watched.committed) {
        asIfAbsent(step);
      }
    }
    return step;
  }

  @Override
  public <S extends Step<V>> void applyAll(List<K> keys, List<S> steps) {
    Store<K, V> store = reached();
    if (store == null) {
      rememberAll(keys);
      steps.forEach(DegradingStore::asIfAbsent);
      return;
    }
    List<Watched<V>> watched = new ArrayList<>(steps.size());
    for (S step : steps) {
      watched.add(new Watched<>(step));
    }
    try {
      store.applyAll(keys, watched);
    } catch (Unreachable e) {
      tier.lost(e);
      rememberAll(keys);
      for (Watched<V> one : watched) {
        if (!one.committed) {
          asIfAbsent(one.step);
        }
      }
    }
  }

  /** Decides and commits {@code step} as a store would for an absent entry, storing nothing. */
  private static <V, S extends Step<V>> S asIfAbsent(S step) {
    step.decide(null);
    step.commit();
    return step;
  }

  @Override
  public void putAll(Map<K, V> entries) {
    Store<K, V> store = reached();
    if (store == null) {
      rememberAll(entries.keySet());
      return;
    }
    try {
      store.putAll(entries);
    } catch (Unreachable e) {
      tier.lost(e);
      rememberAll(entries.keySet());
    }
  }

  @Override
  public void touch(K key, long lifetime) {
    Store<K, V> store = reached();
    if (store == null) {
      return;
    }
    try {
      store.touch(key, lifetime);
    } catch (Unreachable e) {
      tier.lost(e);
    }
  }

  // ---------------------------------------------------------------------------------------------- all entries

  @Override
  public Iterator<Map.Entry<K, V>> iterator() {
    Store<K, V> store = reached();
    if (store == null) {
      return Collections.emptyIterator();
    }
    try {
      return new Settled(store.iterator());
    } catch (Unreachable e) {
      tier.lost(e);
      return Collections.emptyIterator();
    }
  }

  @Override
  public Set<K> keys() {
    Store<K, V> store = reached();
    if (store == null) {
      return Set.of();
    }
    try {
      Set<K> keys = new LinkedHashSet<>(store.keys());
      keys.removeIf(this::unsettled);
      return keys;
    } catch (Unreachable e) {
      tier.lost(e);
      return Set.of();
    }
  }

  @Override
  public long removeUnreadable() {
    Store<K, V> store = reached();
    if (store == null) {
      // after removeAll(), whose removals were remembered one by one if there were any to see: a clear covers the
      // entries it could not list
      clearsAsked.incrementAndGet();
      return 0;
    }
    try {
      return store.removeUnreadable();
    } catch (Unreachable e) {
      tier.lost(e);
      clearsAsked.incrementAndGet();
      return 0;
    }
  }

  @Override
  public long estimatedSize() {
    Store<K, V> store = reached();
    if (store == null) {
      return 0;
    }
    try {
      return store.estimatedSize();
    } catch (Unreachable e) {
      tier.lost(e);
      return 0;
    }
  }

  @Override
  public void clear() {
    Store<K, V> store = reached();
    if (store == null) {
      clearsAsked.incrementAndGet();
      return;
    }
    try {
      store.clear();
    } catch (Unreachable e) {
      tier.lost(e);
      clearsAsked.incrementAndGet();
    }
  }

  // ---------------------------------------------------------------------------------------------- groups

  @Override
  public List<CacheKey> group(CacheKey key) {
    boolean deletion = deleting.remove(key);
    Store<K, V> store = reached();
    if (store == null) {
      if (deletion) {
        pendingGroups.add(key);
      }
      return List.of();
    }
    try {
      List<CacheKey> members = new ArrayList<>(store.group(key));
      members.removeIf(this::unsettled);
      return members;
    } catch (Unreachable e) {
      tier.lost(e);
      if (deletion) {
        pendingGroups.add(key);
      }
      return List.of();
    }
  }

  @Override
  public void fence(CacheKey key) {
    // a deletion fences its group, then lists it: if the listing fails the group is remembered (see group)
    deleting.add(key);
    Store<K, V> store = reached();
    if (store == null) {
      return;
    }
    try {
      store.fence(key);
    } catch (Unreachable e) {
      tier.lost(e);
    }
  }

  @Override
  public boolean sharesComputations() {
    return true;
  }

  @Override
  public V computeOnce(K key, Supplier<? extends V> compute, Consumer<? super V> put) {
    Store<K, V> store = reached();
    if (store == null) {
      return compute.get();
    }
    Object[] computed = {null};
    boolean[] ran = {false};
    try {
      return store.computeOnce(key, () -> {
        ran[0] = true;
        V value = compute.get();
        computed[0] = value;
        return value;
      }, put);
    } catch (Unreachable e) {
      tier.lost(e);
      @SuppressWarnings("unchecked")
      V value = ran[0] ? (V) computed[0] : compute.get();
      return value;
    }
  }

  @Override
  public java.util.concurrent.CompletableFuture<V> computeOnceAsync(K key,
      Supplier<? extends java.util.concurrent.CompletionStage<? extends V>> compute, Consumer<? super V> put,
      java.util.concurrent.Executor executor) {
    Store<K, V> store = reached();
    return store == null ? Store.super.computeOnceAsync(key, compute, value -> { }, executor)
        : Unreachable.orHere(tier, ran -> store.computeOnceAsync(key, ran, put, executor), compute);
  }

  @Override
  public void refreshOnce(K key, java.util.function.BooleanSupplier due, Supplier<? extends V> compute,
      Consumer<? super V> put) {
    Store<K, V> store = reached();
    if (store == null) {
      return; // the current result answers, or the call that misses computes; nothing to store it in now
    }
    try {
      store.refreshOnce(key, due, compute, put);
    } catch (Unreachable e) {
      tier.lost(e);
    }
  }

  @Override
  public long remainingNanos(K key) {
    return settled(key, -1L, store -> store.remainingNanos(key));
  }

  @Override
  public Object copyAsStored(Object value) {
    return tier.envelope().copyThroughCodec(value);
  }

  @Override
  public boolean readsAreCopies() {
    // as RedisStore's: every read decodes a new object unless values are kept near
    return tier.settings().near().size() == 0;
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    Store<K, V> store = server;
    return store == null ? null : store.unwrap(type);
  }

  @Override
  public void close() {
    closed = true;
    tier.forget(this);
    Store<K, V> store = server;
    if (store != null) {
      store.close();
    }
  }

  /** A step as given, and whether the store committed it (then its effects happened, whatever the server did). */
  private static final class Watched<V> implements Step<V> {
    final Step<V> step;
    volatile boolean committed;

    Watched(Step<V> step) {
      this.step = step;
    }

    @Override
    public V decide(V present) {
      return step.decide(present);
    }

    @Override
    public long lifetime() {
      return step.lifetime();
    }

    @Override
    public void commit() {
      step.commit();
      committed = true;
    }

    @Override
    public Plan<V> plan() {
      return step.plan();
    }
  }

  /** The server's entries, without those whose removal waits, ending quietly if the server goes away. */
  private final class Settled implements Iterator<Map.Entry<K, V>> {
    private final Iterator<Map.Entry<K, V>> entries;
    private Map.Entry<K, V> next;

    Settled(Iterator<Map.Entry<K, V>> entries) {
      this.entries = entries;
    }

    @Override
    public boolean hasNext() {
      try {
        while (next == null && entries.hasNext()) {
          Map.Entry<K, V> entry = entries.next();
          if (!unsettled(entry.getKey())) {
            next = entry;
          }
        }
      } catch (Unreachable e) {
        tier.lost(e);
        return false;
      }
      return next != null;
    }

    @Override
    public Map.Entry<K, V> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Map.Entry<K, V> entry = next;
      next = null;
      return entry;
    }

    @Override
    public void remove() {
      throw new UnsupportedOperationException();
    }
  }
}
