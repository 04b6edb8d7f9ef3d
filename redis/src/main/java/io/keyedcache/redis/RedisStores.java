package io.keyedcache.redis;

import io.keyedcache.provider.store.Store;
import io.keyedcache.provider.store.StoreFactory;
import io.keyedcache.provider.store.StoreOwner;
import io.keyedcache.provider.store.StoreSettings;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.cache.CacheException;

/**
 * The shared tier of one cache manager: one Lettuce connection to one Redis server, or to a Redis Cluster (Lettuce's
 * cluster client, which sends each command to the master of its key's hash slot), shared by the manager's stores.
 * Every failure of the server or the network reaches the caller as a {@link CacheException} that names the server
 * (never its password); Lettuce reconnects by itself, and commands while it is disconnected fail at once instead of
 * waiting.
 */
final class RedisStores implements StoreFactory {
  private static final System.Logger LOG = System.getLogger(RedisStores.class.getName());

  /** Lettuce's message for a command it did not send: no connection to its node, under REJECT_COMMANDS. */
  private static final String REJECTED = "Currently not connected. Commands are rejected.";
  private static final long REJECTED_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** The hash slots of a Redis Cluster. */
  private static final int SLOTS = 16384;

  private final String server;
  private final String namespace;
  private final AbstractRedisClient client;
  private final boolean cluster;
  private final StatefulConnection<byte[], byte[]> connection;
  private final RedisClusterCommands<byte[], byte[]> commands;
  private final RedisClusterAsyncCommands<byte[], byte[]> async;
  private final String filter;
  private final ClassLoader classLoader;
  private final Codecs codecs;
  private final String jvm = UUID.randomUUID().toString();
  private final AtomicLong tokens = new AtomicLong();
  private final Unreadable unreadable;
  private final long timeoutMillis;
  /** The client's threads and reconnect delay, this manager's own: shut down with it. */
  private final io.lettuce.core.resource.ClientResources resources;

  private final Flights flights;
  private final Leases leases;

  private final RedisTier.NearSettings near;
  /** How many replicas must have each write before it returns ({@code WAIT}); 0: none are waited for. */
  private final int replicaAcks;
  private final long replicaAckTimeoutMillis;
  /** The near caches' server link, or null when they are off. */
  private final Tracking tracking;
  private final TierCounters counters;
  /** The setting scan-keyspace, and the server's maxmemory-policy as last read ({@link #scansKeyspace}). */
  private final String scanKeyspace;
  private volatile String policy;
  private volatile long policyReadAt;
  private static final long POLICY_MILLIS = 10_000;

  /**
   * {@code seeds}: the server, or with {@code cluster} the nodes to learn the cluster's topology from (any of them
   * will do; the others are found).
   */
  RedisStores(List<RedisURI> given, boolean cluster, RedisSettings settings, ClassLoader classLoader, Codecs codecs,
      TierCounters counters) {
    this.codecs = codecs;
    this.counters = counters;
    this.scanKeyspace = settings.scanKeyspace();
    this.near = settings.near();
    this.replicaAcks = settings.replicaAcks();
    this.replicaAckTimeoutMillis = settings.replicaAckTimeoutMillis();
    this.server = settings.server();
    this.namespace = settings.namespace();
    this.filter = settings.filter();
    this.timeoutMillis = settings.timeoutMillis();
    this.unreadable = new Unreadable(server, filter);
    this.classLoader = classLoader;
    this.cluster = cluster;
    List<RedisURI> seeds = Connecting.seeds(given, settings);
    RedisURI first = seeds.get(0);
    this.resources = Connecting.resources(settings);
    Supplier<List<RedisURI>> nodes;
    Supplier<StatefulRedisPubSubConnection<byte[], byte[]>> pubsub;
    if (cluster) {
      RedisClusterClient clusterClient = RedisClusterClient.create(resources, seeds);
      this.client = clusterClient;
      countReconnects(clusterClient, counters);
      clusterClient.setOptions(Connecting.common(ClusterClientOptions.builder(), settings)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          // a failover moves slots to a replica: found by the MOVED replies it causes, and checked every few s
          .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
              .enablePeriodicRefresh(Duration.ofSeconds(5))
              .enableAllAdaptiveRefreshTriggers()
              .build())
          .build());
      StatefulRedisClusterConnection<byte[], byte[]> connected = connectCluster(clusterClient);
      this.connection = connected;
      this.commands = connected.sync();
      this.async = connected.async();
      nodes = () -> masters(clusterClient, first);
      pubsub = () -> clusterClient.connectPubSub(ByteArrayCodec.INSTANCE);
    } else {
      RedisClient single = RedisClient.create(resources);
      this.client = single;
      countReconnects(single, counters);
      single.setOptions(Connecting.common(ClientOptions.builder(), settings)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .build());
      StatefulRedisConnection<byte[], byte[]> connected = connectSingle(single, first);
      this.connection = connected;
      this.commands = connected.sync();
      this.async = connected.async();
      nodes = () -> List.of(first);
      pubsub = () -> single.connectPubSub(ByteArrayCodec.INSTANCE, first);
    }
    reportEvictionPolicy();
    this.leases = new Leases(this, settings.leaseTimeoutMillis());
    this.flights = new Flights(this, pubsub, namespace, settings.flightLeaseMillis());
    this.tracking = near.size() == 0 ? null
        : new Tracking(client.getResources(), nodes, cluster, server, namespace, near.heartbeatMillis(),
            near.lifetimeMillis(), near.strict(), Connecting.ssl(settings), counters);
  }

  private static void countReconnects(io.lettuce.core.AbstractRedisClient client, TierCounters counters) {
    client.addListener(new io.lettuce.core.RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> connection,
          java.net.SocketAddress address) {
        counters.connected(connection);
      }
    });
  }

  private StatefulRedisConnection<byte[], byte[]> connectSingle(RedisClient single, RedisURI uri) {
    try {
      return single.connect(ByteArrayCodec.INSTANCE, uri);
    } catch (RedisException | IllegalStateException e) {
      single.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw Connecting.failure("Redis at " + server, e, timeoutMillis);
    }
  }

  private StatefulRedisClusterConnection<byte[], byte[]> connectCluster(RedisClusterClient clusterClient) {
    try {
      return clusterClient.connect(ByteArrayCodec.INSTANCE);
    } catch (RedisException | IllegalStateException e) {
      clusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw Connecting.failure("the Redis Cluster at " + server, e, timeoutMillis);
    }
  }

  /**
   * The masters that serve slots now, as the client last saw the topology, with the seed's credentials and TLS: the
   * nodes whose writes the near caches must hear of. None while some slot has no live master in that view (a
   * failover under way): a replica promoted later would take writes that no followed node reports, so the near
   * caches stay bypassed until a refreshed view names it.
   */
  private static List<RedisURI> masters(RedisClusterClient client, RedisURI seed) {
    List<RedisURI> masters = new ArrayList<>();
    java.util.BitSet served = new java.util.BitSet(SLOTS);
    for (RedisClusterNode node : client.getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty()
          && !node.is(RedisClusterNode.NodeFlag.FAIL) && !node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)
          && node.getUri() != null) {
        masters.add(RedisURI.builder(seed).withHost(node.getUri().getHost()).withPort(node.getUri().getPort())
            .build());
        node.getSlots().forEach(served::set);
      }
    }
    return served.cardinality() == SLOTS ? masters : List.of();
  }

  /**
   * Whether group deletion, {@code clear()}, {@code removeAll()} and iteration also scan the keyspace for the cache's
   * entries now: {@code scan-keyspace=always}, or {@code auto} while the server reports an {@code allkeys-*}
   * {@code maxmemory-policy} (read again at most every {@value #POLICY_MILLIS} ms, so that a policy changed by
   * {@code CONFIG SET} is followed). Under such a policy Redis may evict a cache's index or registry, and an entry
   * they no longer list would escape them; a scan finds it wherever it is.
   */
  boolean scansKeyspace() {
    if (!scanKeyspace.equals("auto")) {
      return scanKeyspace.equals("always");
    }
    long now = System.nanoTime();
    if (policy == null || now - policyReadAt > TimeUnit.MILLISECONDS.toNanos(POLICY_MILLIS)) {
      policy = readPolicy();
      policyReadAt = now;
    }
    return policy.startsWith("allkeys-");
  }

  /** The server's maxmemory-policy, or "" when it does not tell (CONFIG refused by an ACL or a managed service). */
  private String readPolicy() {
    try {
      java.util.Map<String, String> reply = call(() -> commands.configGet("maxmemory-policy"));
      return reply.getOrDefault("maxmemory-policy", "");
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** Says at connect what the server's eviction policy means for the caches, when it is one that evicts any key. */
  private void reportEvictionPolicy() {
    String read = readPolicy();
    policy = read;
    policyReadAt = System.nanoTime();
    if (read.isEmpty() && scanKeyspace.equals("auto")) {
      LOG.log(System.Logger.Level.INFO, "keyedcache: Redis at " + server + " does not tell its maxmemory-policy"
          + " (CONFIG GET refused); if it may evict any key (allkeys-*), set scan-keyspace=always so that group"
          + " deletion and clear() stay complete (docs/shared-tier.md, Memory)");
    } else if (read.startsWith("allkeys-") && scanKeyspace.equals("never")) {
      LOG.log(System.Logger.Level.WARNING, "keyedcache: Redis at " + server + " has maxmemory-policy " + read
          + ", under which it may evict the indexes that group deletion and clear() read when it is full, and"
          + " scan-keyspace=never keeps them from scanning: entries they should remove may then stay readable until"
          + " their own lifetime ends. Use scan-keyspace=auto, or noeviction or a volatile-* policy (docs/shared-tier.md,"
          + " Memory)");
    } else if (read.startsWith("allkeys-")) {
      LOG.log(System.Logger.Level.INFO, "keyedcache: Redis at " + server + " has maxmemory-policy " + read
          + ", under which it may evict any key: group deletion, clear(), removeAll() and iteration scan the"
          + " server's keyspace as well as the caches' indexes (scan-keyspace=auto), a pass over all its keys each;"
          + " noeviction or a volatile-* policy spares that (docs/shared-tier.md, Memory)");
    }
  }

  /** The near cache of a new store, or null: they are off, or the cache keeps values by reference. */
  <K, V> NearCache<K, V> nearCache(String tag, Envelope envelope) {
    if (tracking == null) {
      return null;
    }
    NearCache<K, V> cache = new NearCache<>(tracking, envelope, near.size(), near.weight(), near.largestValue(),
        counters);
    tracking.register(tag, cache);
    return cache;
  }

  void dropNearCache(String tag) {
    if (tracking != null) {
      tracking.unregister(tag);
    }
  }

  /** The near caches' link, for tests; null when they are off. */
  Tracking tracking() {
    return tracking;
  }

  Flights flights() {
    return flights;
  }

  TierCounters counters() {
    return counters;
  }

  /** How many entries the near caches keep now, all together. */
  long nearSize() {
    return tracking == null ? 0 : tracking.nearSize();
  }

  Leases leases() {
    return leases;
  }

  /** A token of this JVM for a lease, unique in it. */
  byte[] token() {
    return (jvm + ":" + tokens.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public <K, V> Store<K, V> create(StoreSettings<K, V> settings, StoreOwner<K, V> owner) {
    checkBounds(settings);
    return new RedisStore<>(this, settings, owner, new Envelope(filter, classLoader, codecs));
  }

  /** Refuses a cache that asks for a bound the shared tier does not keep. */
  static void checkBounds(StoreSettings<?, ?> settings) {
    if (settings.configuration().getMaximumSize().isPresent() || settings.configuration().getMaximumWeight()
        .isPresent()) {
      throw new IllegalArgumentException("Cache '" + settings.cacheName() + "' asks for a size or weight bound,"
          + " which the shared tier does not keep: Redis bounds its memory with maxmemory and its eviction policy");
    }
  }

  /** Whether the connection is open now (Lettuce reconnects a lost one by itself). */
  boolean isOpen() {
    return connection.isOpen();
  }

  String namespace() {
    return namespace;
  }

  String server() {
    return server;
  }

  /** Whether the stores spread each cache over shards: on a cluster, where each shard is a hash slot. */
  boolean sharded() {
    return cluster;
  }

  RedisClusterCommands<byte[], byte[]> commands() {
    return commands;
  }

  RedisClusterAsyncCommands<byte[], byte[]> async() {
    return async;
  }

  /**
   * Runs {@code script} once for each of {@code keys} (with {@code args} of the same index), all sent before any reply
   * is awaited, so that on a cluster the nodes run theirs at the same time; the replies in order. A script the server
   * had lost is loaded again and run at once.
   */
  List<List<Object>> runAll(Script script, List<byte[][]> keys, List<byte[][]> args) {
    if (keys.size() == 1) {
      return List.of(call(() -> script.run(commands, keys.get(0), args.get(0))));
    }
    List<io.lettuce.core.RedisFuture<List<Object>>> sent = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      int at = i;
      sent.add(call(() -> script.send(commands, async, keys.get(at), args.get(at))));
    }
    List<List<Object>> replies = new ArrayList<>(keys.size());
    for (int i = 0; i < sent.size(); i++) {
      int at = i;
      replies.add(await(sent.get(at), () -> script.run(commands, keys.get(at), args.get(at))));
    }
    return replies;
  }

  /**
   * The reply of a command sent without waiting, within the connection's timeout; failures as {@link #call}'s.
   * {@code again} runs the same command and waits for it, for a command that was not sent (a cluster node not yet
   * connected: {@link #call} tries it again for a moment) or a script the server had lost.
   */
  <T> T await(io.lettuce.core.RedisFuture<T> sent, Supplier<T> again) {
    T reply;
    try {
      reply = sent.get(connection.getTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof io.lettuce.core.RedisNoScriptException
          || cause instanceof RedisException && REJECTED.equals(cause.getMessage())) {
        return call(again);
      }
      RedisException failure = cause instanceof RedisException ? (RedisException) cause : new RedisException(cause);
      return call(() -> {
        throw failure;
      });
    } catch (java.util.concurrent.TimeoutException e) {
      return call(() -> {
        throw new io.lettuce.core.RedisCommandTimeoutException("No reply within " + connection.getTimeout());
      });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheException("Interrupted while waiting for a reply from Redis at " + server, e);
    }
    return reply;
  }

  /** Runs a command; a failure of the server or the network becomes a {@link CacheException} naming it. */
  <T> T call(Supplier<T> command) {
    long until = 0;
    for (int attempt = 0; ; attempt++) {
      try {
        return command.get();
      } catch (RedisException e) {
        // The cluster client connects to a node on its first command there, and rejects the commands that come
        // while that connection is pending as it rejects those to a node it lost. Neither was sent, so it is tried
        // again for a moment: the connection is made, or a failover's new master is found by a topology refresh.
        if (cluster && REJECTED.equals(e.getMessage())) {
          long now = System.nanoTime();
          until = until == 0 ? now + REJECTED_RETRY_NANOS : until;
          if (now < until) {
            RedisStore.pause(attempt);
            continue;
          }
        }
        String message = "Redis at " + server + (e instanceof io.lettuce.core.RedisCommandTimeoutException
            ? " did not answer within " + timeoutMillis + " ms (the setting timeout)"
            : " failed: " + Connecting.describe(e) + Connecting.hint(Connecting.describe(e), namespace));
        throw Connecting.unreachable(e) ? new Unreachable(message, e) : new CacheException(message, e);
      }
    }
  }

  /** Whether writes wait for replicas ({@code replica-acks} above 0). */
  boolean waitsForReplicas() {
    return replicaAcks > 0;
  }

  /**
   * After a write of the name {@code name}: returns once {@code replica-acks} replicas of the master that took it
   * have it ({@code WAIT} on the connection the write went over, which covers every write before it there), or
   * throws if fewer acknowledge within {@code replica-ack-timeout}. Does nothing when no replica is asked for.
   */
  void replicated(byte[] name) {
    if (replicaAcks == 0) {
      return;
    }
    if (!cluster) {
      acknowledged(call(() -> commands.waitForReplication(replicaAcks, replicaAckTimeoutMillis)));
      return;
    }
    RedisClusterNode master = routed().getPartitions().getMasterBySlot(SlotHash.getSlot(name));
    if (master == null) {
      throw new CacheException("A write was made on " + server + ", but no master of its slot is known now to"
          + " wait for its replicas (replica-acks): a failover may lose it");
    }
    replicatedOn(master);
  }

  /** {@link #replicated} for the writes on every master: after a clear, which wrote on each. */
  void replicatedEverywhere() {
    if (replicaAcks == 0) {
      return;
    }
    if (!cluster) {
      replicated(null);
      return;
    }
    for (RedisClusterNode node : routed().getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty()) {
        replicatedOn(node);
      }
    }
  }

  private StatefulRedisClusterConnection<byte[], byte[]> routed() {
    return (StatefulRedisClusterConnection<byte[], byte[]>) connection;
  }

  private void replicatedOn(RedisClusterNode master) {
    // the connection the cluster client routes the master's writes over: WAIT counts what was written on it
    acknowledged(call(() -> routed().getConnection(master.getUri().getHost(), master.getUri().getPort()).sync()
        .waitForReplication(replicaAcks, replicaAckTimeoutMillis)));
  }

  private void acknowledged(long replicas) {
    if (replicas < replicaAcks) {
      throw new CacheException("A write was made on a master of " + server + ", but " + replicas + " of the "
          + replicaAcks + " replicas asked for (replica-acks) acknowledged it within " + replicaAckTimeoutMillis
          + " ms: a failover now may lose it");
    }
  }

  /**
   * Logs a read of an entry that could not be decoded (at most once a minute for each reason and class);
   * {@code removed}: the caller removed it, its bytes being corrupt.
   */
  void undecodable(byte[] name, Envelope.Undecodable why, boolean removed) {
    unreadable.note(name, why, removed);
  }

  /** Logs a read of an entry that could not be decoded and is left as it is. */
  void undecodable(byte[] name, Envelope.Undecodable why) {
    undecodable(name, why, false);
  }

  @Override
  public void close() {
    if (tracking != null) {
      tracking.close();
    }
    flights.close();
    leases.close();
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
