package io.keyedcache.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The near caches' link to the server, one per manager: a connection of its own in RESP3 with {@code CLIENT TRACKING
 * ON BCAST PREFIX <namespace>:}, on which the server pushes the name of every key of the namespace that any client
 * writes, deletes or lets expire. Data never goes over it, so that it holds no state but tracking.
 *
 * <p>The near caches serve only while tracking is armed. When the connection is lost, or a heartbeat {@code PING}
 * gets no answer in time (a half-open socket, a stopped server), every near cache is cleared and bypassed; the
 * heartbeat connects again (Lettuce would reconnect without tracking) and, once {@code CLIENT TRACKING} has answered,
 * clears them again and lets them serve. Every {@code near-cache-lifetime} it clears them anyway: the last bound.
 *
 * <p>On a Redis Cluster each master pushes the invalidations of its own slots only, so there is one such connection
 * per master, and the near caches are armed only while every one of them is: the loss of any (a master that fails)
 * disarms them all, and so does a change of the masters the cluster client sees (a failover, a resharding); they are
 * armed again on the masters of the new topology.
 */
final class Tracking implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Tracking.class.getName());

  private final RedisClient client;
  /** The nodes to follow: the server, or the masters of the cluster as its client last saw them. */
  private final Supplier<List<RedisURI>> nodes;
  /** Whether the names' hash tags end with a shard, {@code :<shard>}, after the cache's tag ({@link Names}). */
  private final boolean sharded;
  private final String server;
  private final String prefix;
  private final long heartbeatMillis;
  private final boolean strict;
  /** The near caches of the manager's stores by their names' hash tag. */
  private final Map<String, NearCache<?, ?>> caches = new ConcurrentHashMap<>();
  private final ScheduledExecutorService heartbeat;
  /** One per node followed; empty while not armed. */
  private volatile List<StatefulRedisConnection<byte[], byte[]>> connections = List.of();
  /** Where the connections go, host:port each, to notice a change of topology. */
  private volatile List<String> followed = List.of();
  private volatile boolean armed;
  private volatile boolean closed;
  /** The connections reported lost, so that arming does not race their loss. */
  private final Set<Object> lost = ConcurrentHashMap.newKeySet();
  private final TierCounters counters;

  Tracking(ClientResources resources, Supplier<List<RedisURI>> nodes, boolean sharded, String server,
      String namespace, long heartbeatMillis, long lifetimeMillis, boolean strict, io.lettuce.core.SslOptions ssl,
      TierCounters counters) {
    this.counters = counters;
    this.nodes = nodes;
    this.sharded = sharded;
    this.server = server;
    this.prefix = namespace + ":{";
    this.heartbeatMillis = heartbeatMillis;
    this.strict = strict;
    this.client = RedisClient.create(resources);
    ClientOptions.Builder options = ClientOptions.builder();
    if (ssl != null) {
      options.sslOptions(ssl); // the manager's own TLS stores, as for its other connections
    }
    client.setOptions(options
        .protocolVersion(ProtocolVersion.RESP3)
        .autoReconnect(false) // re-armed by the heartbeat, never silently reconnected without tracking
        .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(Math.max(100, heartbeatMillis)))
            .build())
        .build());
    client.addListener(new RedisConnectionStateListener() {
      @Override
      public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> lost) {
        if (connections.contains(lost)) {
          Tracking.this.lost.add(lost);
          disarm("a connection was lost");
        }
      }

      @Override
      public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> connected, SocketAddress address) {
        // armed by arm() once tracking has answered, not here
      }
    });
    this.heartbeat = Executors.newScheduledThreadPool(2, task -> {
      Thread thread = new Thread(task, "keyedcache-near-cache-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
    heartbeat.execute(this::beat);
    heartbeat.scheduleWithFixedDelay(this::beat, heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
    // the last bound on a near entry's life, should an invalidation be lost unnoticed: none outlives a period
    heartbeat.scheduleAtFixedRate(this::clearAll, lifetimeMillis, lifetimeMillis, TimeUnit.MILLISECONDS);
  }

  boolean armed() {
    return armed;
  }

  boolean strict() {
    return strict;
  }

  void register(String tag, NearCache<?, ?> near) {
    caches.put(tag, near);
  }

  void unregister(String tag) {
    caches.remove(tag);
  }

  long nearSize() {
    long size = 0;
    for (NearCache<?, ?> near : caches.values()) {
      size += near.size();
    }
    return size;
  }

  /**
   * Waits for a {@code PING} on the tracking connection: the server sends the invalidations of every write it had
   * acknowledged before the PING ahead of its answer, and they are handled in order on the connection's thread.
   * False if tracking is not armed or the PING fails: the caller goes to the server.
   */
  boolean barrier() {
    List<StatefulRedisConnection<byte[], byte[]>> current = connections;
    if (current.isEmpty() || !armed) {
      return false;
    }
    try {
      pingAll(current);
      return armed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  /** A PING on every connection at once, waiting for all the answers up to a heartbeat. */
  private void pingAll(List<StatefulRedisConnection<byte[], byte[]>> current) throws Exception {
    List<Future<String>> pings = new ArrayList<>(current.size());
    for (StatefulRedisConnection<byte[], byte[]> connection : current) {
      pings.add(connection.async().ping());
    }
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(heartbeatMillis);
    for (Future<String> ping : pings) {
      ping.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * On the heartbeat's thread: connects and arms when not armed, else checks every connection with a PING and that
   * the nodes to follow are still the ones followed.
   */
  private void beat() {
    if (closed) {
      return;
    }
    List<StatefulRedisConnection<byte[], byte[]>> current = connections;
    if (armed && !current.isEmpty() && current.stream().allMatch(StatefulRedisConnection::isOpen)) {
      try {
        pingAll(current);
        List<String> now = addresses(nodes.get());
        if (now.equals(followed)) {
          return;
        }
        disarm("the masters changed from " + followed + " to " + now);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        disarm("no answer to a heartbeat within " + heartbeatMillis + " ms");
      }
    }
    arm();
  }

  private static List<String> addresses(List<RedisURI> uris) {
    List<String> addresses = new ArrayList<>(uris.size());
    for (RedisURI uri : uris) {
      addresses.add(uri.getHost() + ":" + uri.getPort());
    }
    addresses.sort(null);
    return addresses;
  }

  private void arm() {
    List<StatefulRedisConnection<byte[], byte[]>> old = connections;
    connections = List.of();
    for (StatefulRedisConnection<byte[], byte[]> connection : old) {
      connection.closeAsync();
    }
    lost.clear();
    List<StatefulRedisConnection<byte[], byte[]>> fresh = new ArrayList<>();
    try {
      List<RedisURI> targets = nodes.get();
      if (targets.isEmpty()) {
        throw new IllegalStateException("no live master is known for every slot");
      }
      for (RedisURI uri : targets) {
        StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE, uri);
        fresh.add(connection);
        connection.addListener(this::pushed);
        connection.setTimeout(Duration.ofMillis(heartbeatMillis));
      }
      List<StatefulRedisConnection<byte[], byte[]>> all = List.copyOf(fresh);
      connections = all;
      for (StatefulRedisConnection<byte[], byte[]> connection : all) {
        connection.sync().clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes(prefix.substring(0,
            prefix.length() - 1)));
      }
      synchronized (this) {
        if (closed || connections != all || all.stream().anyMatch(c -> lost.contains(c) || !c.isOpen())) {
          return;
        }
        clearAll(); // whatever was read before tracking answered may have missed its invalidation
        followed = addresses(targets);
        armed = true;
      }
      LOG.log(System.Logger.Level.DEBUG, "keyedcache near caches on " + server + ": tracking armed on " + followed);
    } catch (RuntimeException e) {
      if (connections.isEmpty()) {
        fresh.forEach(StatefulRedisConnection::closeAsync); // the nodes reached before one was not
      }
      LOG.log(System.Logger.Level.DEBUG, "keyedcache near caches on " + server + " stay bypassed: " + e);
    }
  }

  private void disarm(String why) {
    boolean was;
    synchronized (this) {
      was = armed;
      armed = false;
      clearAll();
    }
    if (was) {
      LOG.log(System.Logger.Level.INFO, "keyedcache near caches on " + server + " are bypassed until tracking is"
          + " armed again: " + why);
    }
  }

  private void clearAll() {
    for (NearCache<?, ?> near : caches.values()) {
      near.clear();
    }
  }

  /** An invalidation, in the order the server sent it, on the connection's thread. */
  private void pushed(PushMessage message) {
    if (!"invalidate".equals(message.getType())) {
      return;
    }
    List<Object> content = message.getContent(ByteBuffer::duplicate);
    Object keys = content.size() > 1 ? content.get(1) : null;
    if (!(keys instanceof List)) {
      clearAll(); // a FLUSHDB or FLUSHALL: every key went
      return;
    }
    for (Object key : (List<?>) keys) {
      if (key instanceof ByteBuffer) {
        ByteBuffer buffer = (ByteBuffer) key;
        byte[] name = new byte[buffer.remaining()];
        buffer.get(name);
        invalidated(name);
      } else if (key instanceof byte[]) {
        invalidated((byte[]) key);
      }
    }
  }

  private static final byte[] VALUE = {':', 'v', ':'};

  /**
   * {@code <namespace>:{<tag>}:v:<key>}, or {@code <namespace>:{<tag>:<shard>}:v:<key>} on a cluster: the near
   * cache of {@code <tag>} evicts the entry of {@code <key>}.
   */
  private void invalidated(byte[] name) {
    int open = prefix.length() - 1;
    int close = -1;
    for (int i = open + 1; i < name.length; i++) {
      if (name[i] == '}') {
        close = i;
        break;
      }
    }
    if (close < 0 || close + 3 >= name.length || name[close + 1] != VALUE[0] || name[close + 2] != VALUE[1]
        || name[close + 3] != VALUE[2]) {
      return; // a lease, an index, a generation: no value of a near cache
    }
    int end = close;
    if (sharded) {
      while (end > open && name[end - 1] != ':') {
        end--;
      }
      end--;
    }
    if (end <= open) {
      return;
    }
    NearCache<?, ?> near = caches.get(new String(name, open + 1, end - open - 1, StandardCharsets.UTF_8));
    if (near != null) {
      near.invalidateNamed(name, close + 4);
      counters.invalidations.increment();
    }
  }

  @Override
  public void close() {
    closed = true;
    armed = false;
    heartbeat.shutdownNow();
    try {
      heartbeat.awaitTermination(2, TimeUnit.SECONDS); // a connect under way ends before the client goes
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (StatefulRedisConnection<byte[], byte[]> connection : connections) {
      connection.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
