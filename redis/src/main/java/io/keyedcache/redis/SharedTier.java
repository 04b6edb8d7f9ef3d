package io.keyedcache.redis;

import io.keyedcache.provider.store.Store;
import io.keyedcache.provider.store.StoreFactory;
import io.keyedcache.provider.store.StoreOwner;
import io.keyedcache.provider.store.StoreSettings;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.cache.CacheException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * One manager's shared tier as its caches see it: its {@link RedisStores}, its state ({@link SharedTierMXBean}), and
 * under {@code on-outage=degrade} what keeps the caches answering while the server cannot be reached.
 *
 * <p>Under {@code degrade} each cache's store is a {@link DegradingStore}. The first call that cannot reach the server
 * (refused, lost, or no reply within {@code timeout}) puts the tier in the degraded state, and from then on no call
 * goes to the server: reads miss, writes are not stored, and every key written or removed is remembered. One
 * thread probes the server every {@code reconnect-delay}; once it answers, the remembered removals are replayed
 * (reads of those keys miss until then) and the caches go back to it. A manager whose server is down when it is
 * created connects from that thread as well, so an application starts without its Redis.
 */
final class SharedTier implements StoreFactory, SharedTierMXBean {
  private static final System.Logger LOG = System.getLogger(SharedTier.class.getName());
  private static final AtomicLong INSTANCES = new AtomicLong();

  private final RedisSettings settings;
  /** The stored form of values, for copies before the server was reached. */
  private final Envelope envelope;
  private final Supplier<RedisStores> connect;
  /** The connection; null under degrade until the server was first reached. */
  private volatile RedisStores stores;
  private final List<DegradingStore<?, ?>> caches = new CopyOnWriteArrayList<>();
  /** Epoch ms when the present outage began; 0 while the server is reached. */
  private volatile long degradedSince;
  private final AtomicLong outages = new AtomicLong();
  /** The probe thread, under degrade only. */
  private final ScheduledExecutorService probe;
  private final AtomicBoolean probeScheduled = new AtomicBoolean();
  /** The last failure the probe logged, so that a long outage is logged once, not every attempt. */
  private volatile String lastProbeFailure;
  private final ObjectName beanName;
  private final TierCounters counters;
  private volatile boolean closed;

  private SharedTier(RedisSettings settings, Envelope envelope, TierCounters counters,
      Supplier<RedisStores> connect) {
    this.settings = settings;
    this.counters = counters;
    this.envelope = envelope;
    this.connect = connect;
    if (!settings.degrade()) {
      this.probe = null;
      this.stores = connect.get();
    } else {
      this.probe = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "keyedcache-outage-" + settings.namespace());
        thread.setDaemon(true);
        return thread;
      });
      try {
        this.stores = connect.get();
      } catch (Unreachable e) {
        // a refused password or a port that is not Redis still fails here: waiting would not mend them
        lost(e);
      } catch (RuntimeException e) {
        probe.shutdownNow();
        throw e;
      }
    }
    this.beanName = register();
  }

  /** The tier of a manager: connected now, or under degrade perhaps later. */
  static SharedTier open(RedisSettings settings, Envelope envelope, TierCounters counters,
      Supplier<RedisStores> connect) {
    return new SharedTier(settings, envelope, counters, connect);
  }

  Envelope envelope() {
    return envelope;
  }

  @Override
  public <K, V> Store<K, V> create(StoreSettings<K, V> cache, StoreOwner<K, V> owner) {
    RedisStores.checkBounds(cache);
    if (!settings.degrade()) {
      return stores.create(cache, owner);
    }
    DegradingStore<K, V> store = new DegradingStore<>(this, cache, owner);
    synchronized (this) {
      caches.add(store);
      if (stores != null) {
        store.connected(stores);
      }
    }
    return store;
  }

  void forget(DegradingStore<?, ?> store) {
    caches.remove(store);
  }

  RedisSettings settings() {
    return settings;
  }

  /** Whether calls go to the server: not during an outage under degrade. */
  boolean up() {
    return degradedSince == 0;
  }

  /** A call could not reach the server: the outage begins now, unless it has already. */
  void lost(CacheException e) {
    synchronized (this) {
      if (degradedSince != 0 || closed) {
        return;
      }
      degradedSince = System.currentTimeMillis();
    }
    outages.incrementAndGet();
    LOG.log(System.Logger.Level.WARNING, "keyedcache: " + e.getMessage() + ". The caches of namespace "
        + settings.namespace() + " are degraded (on-outage=degrade) until it answers again: reads miss, values are"
        + " computed and written without being stored, and what is removed is replayed then.");
    scheduleProbe();
  }

  private void scheduleProbe() {
    if (!closed && probeScheduled.compareAndSet(false, true)) {
      try {
        probe.schedule(this::probe, settings.reconnectDelayMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closed meanwhile
      }
    }
  }

  /** Tries the server; once it answers, replays what the caches remember and ends the outage. */
  private void probe() {
    probeScheduled.set(false);
    if (closed) {
      return;
    }
    long began = degradedSince;
    try {
      RedisStores connection = stores;
      if (connection == null) {
        connection = connectNow();
        if (connection == null) {
          return;
        }
      }
      RedisStores reached = connection;
      reached.call(() -> reached.commands().ping());
      long replayed = 0;
      for (DegradingStore<?, ?> cache : caches) {
        replayed += cache.replay();
      }
      degradedSince = 0;
      // what was remembered between a cache's replay and the line above: its reads miss until this pass
      for (DegradingStore<?, ?> cache : caches) {
        replayed += cache.replay();
      }
      lastProbeFailure = null;
      LOG.log(System.Logger.Level.INFO, "keyedcache: Redis at " + settings.server() + " answers again after "
          + (System.currentTimeMillis() - began) + " ms; the caches of namespace " + settings.namespace()
          + " use it again, " + replayed + " removals (or clears) made meanwhile replayed");
    } catch (RuntimeException e) {
      if (!(e instanceof Unreachable) && !java.util.Objects.equals(e.getMessage(), lastProbeFailure)) {
        LOG.log(System.Logger.Level.WARNING, "keyedcache: the caches of namespace " + settings.namespace()
            + " stay degraded: " + e.getMessage(), e);
      }
      lastProbeFailure = e.getMessage();
      if (up() && e instanceof CacheException) {
        lost((CacheException) e);
      } else {
        scheduleProbe();
      }
    }
  }

  /** Connects a manager that has not reached its server yet; null if it still cannot (the probe is scheduled). */
  private RedisStores connectNow() {
    RedisStores made = connect.get();
    synchronized (this) {
      if (closed) {
        made.close();
        return null;
      }
      stores = made;
      for (DegradingStore<?, ?> cache : caches) {
        cache.connected(made);
      }
    }
    return made;
  }

  // ---------------------------------------------------------------------------------------------- the state

  @Override
  public String getServer() {
    return settings.server();
  }

  @Override
  public String getNamespace() {
    return settings.namespace();
  }

  @Override
  public String getOnOutage() {
    return settings.degrade() ? "degrade" : "fail";
  }

  @Override
  public boolean isConnected() {
    RedisStores connection = stores;
    return connection != null && up() && connection.isOpen();
  }

  @Override
  public long getDegradedSince() {
    return degradedSince;
  }

  @Override
  public long getPendingRemovals() {
    long pending = 0;
    for (DegradingStore<?, ?> cache : caches) {
      pending += cache.pending();
    }
    return pending;
  }

  @Override
  public long getOutages() {
    return outages.get();
  }

  @Override
  public long getReconnects() {
    return counters.reconnects.sum();
  }

  @Override
  public long getNearCacheHits() {
    return counters.nearHits.sum();
  }

  @Override
  public long getNearCacheMisses() {
    return counters.nearMisses.sum();
  }

  @Override
  public long getNearCacheSize() {
    RedisStores connection = stores;
    return connection == null ? 0 : connection.nearSize();
  }

  @Override
  public long getNearCacheEvictions() {
    return counters.nearEvictions.sum();
  }

  @Override
  public long getInvalidations() {
    return counters.invalidations.sum();
  }

  @Override
  public long getLeaseWaits() {
    return counters.leaseWaits.sum();
  }

  @Override
  public long getLeaseTakeovers() {
    return counters.leaseTakeovers.sum();
  }

  /** Registers the state's MXBean under the first free name; null if JMX refuses it (logged). */
  private ObjectName register() {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    String base = "io.keyedcache:type=SharedTier,Namespace=" + settings.namespace() + ",Server="
        + ObjectName.quote(settings.server());
    try {
      ObjectName name = new ObjectName(base);
      for (int attempt = 0; attempt < 1000; attempt++) {
        try {
          server.registerMBean(this, name);
          return name;
        } catch (javax.management.InstanceAlreadyExistsException taken) {
          name = new ObjectName(base + ",Instance=" + INSTANCES.incrementAndGet());
        }
      }
    } catch (javax.management.JMException e) {
      LOG.log(System.Logger.Level.WARNING, "keyedcache: cannot register the shared tier's MXBean " + base, e);
    }
    return null;
  }

  @Override
  public void close() {
    RedisStores connection;
    synchronized (this) {
      closed = true;
      connection = stores;
    }
    if (probe != null) {
      probe.shutdownNow();
    }
    if (beanName != null) {
      try {
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(beanName);
      } catch (javax.management.JMException e) {
        // already gone
      }
    }
    if (connection != null) {
      connection.close();
    }
  }
}
