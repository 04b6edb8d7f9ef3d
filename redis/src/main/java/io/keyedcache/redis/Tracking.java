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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The near caches' link to the server, one per manager: a connection of its own in RESP3 with {@code CLIENT TRACKING
 * ON BCAST PREFIX <namespace>:}, on which the server pushes the name of every key of the namespace that any client
 * writes, deletes or lets expire. Data never goes over it, so that it holds no state but tracking.
 *
 * <p>The near caches serve only while tracking is armed. When the connection is lost, or a heartbeat {@code PING}
 * gets no answer in time (a half-open socket, a stopped server), every near cache is cleared and bypassed; the
 * heartbeat connects again (Lettuce would reconnect without tracking) and, once {@code CLIENT TRACKING} has answered,
 * clears them again and lets them serve. Every {@code near-cache-lifetime} it clears them anyway: the last bound.
 */
final class Tracking implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Tracking.class.getName());

  private final RedisClient client;
  private final RedisURI uri;
  private final String server;
  private final String prefix;
  private final long heartbeatMillis;
  private final boolean strict;
  /** The near caches of the manager's stores by their names' hash tag. */
  private final Map<String, NearCache<?, ?>> caches = new ConcurrentHashMap<>();
  private final ScheduledExecutorService heartbeat;
  private volatile StatefulRedisConnection<byte[], byte[]> connection;
  private volatile boolean armed;
  private volatile boolean closed;
  /** The last connection reported lost, so that arming does not race its loss. */
  private volatile Object lost;

  Tracking(ClientResources resources, RedisURI uri, String server, String namespace, long heartbeatMillis,
      long lifetimeMillis, boolean strict) {
    this.uri = uri;
    this.server = server;
    this.prefix = namespace + ":{";
    this.heartbeatMillis = heartbeatMillis;
    this.strict = strict;
    this.client = RedisClient.create(resources);
    client.setOptions(ClientOptions.builder()
        .protocolVersion(ProtocolVersion.RESP3)
        .autoReconnect(false) // re-armed by the heartbeat, never silently reconnected without tracking
        .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(Math.max(100, heartbeatMillis)))
            .build())
        .build());
    client.addListener(new RedisConnectionStateListener() {
      @Override
      public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> lost) {
        if (lost == connection) {
          Tracking.this.lost = lost;
          disarm("the connection was lost");
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

  /**
   * Waits for a {@code PING} on the tracking connection: the server sends the invalidations of every write it had
   * acknowledged before the PING ahead of its answer, and they are handled in order on the connection's thread.
   * False if tracking is not armed or the PING fails: the caller goes to the server.
   */
  boolean barrier() {
    StatefulRedisConnection<byte[], byte[]> current = connection;
    if (current == null || !armed) {
      return false;
    }
    try {
      current.async().ping().get(heartbeatMillis, TimeUnit.MILLISECONDS);
      return armed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  /** On the heartbeat's thread: connects and arms when not armed, else checks the connection with a PING. */
  private void beat() {
    if (closed) {
      return;
    }
    StatefulRedisConnection<byte[], byte[]> current = connection;
    if (armed && current != null && current.isOpen()) {
      try {
        current.async().ping().get(heartbeatMillis, TimeUnit.MILLISECONDS);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        disarm("no answer to a heartbeat within " + heartbeatMillis + " ms");
      }
    }
    arm();
  }

  private void arm() {
    StatefulRedisConnection<byte[], byte[]> old = connection;
    connection = null;
    if (old != null) {
      old.closeAsync();
    }
    try {
      StatefulRedisConnection<byte[], byte[]> fresh = client.connect(ByteArrayCodec.INSTANCE, uri);
      fresh.addListener(this::pushed);
      fresh.setTimeout(Duration.ofMillis(heartbeatMillis));
      connection = fresh;
      fresh.sync().clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes(prefix.substring(0,
          prefix.length() - 1)));
      synchronized (this) {
        if (closed || connection != fresh || lost == fresh || !fresh.isOpen()) {
          return;
        }
        clearAll(); // whatever was read before tracking answered may have missed its invalidation
        armed = true;
      }
      LOG.log(System.Logger.Level.DEBUG, "keyedcache near caches on " + server + ": tracking armed");
    } catch (RuntimeException e) {
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

  /** {@code <namespace>:{<tag>}:v:<key>}: the near cache of {@code <tag>} evicts the entry of {@code <key>}. */
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
    NearCache<?, ?> near = caches.get(new String(name, open + 1, close - open - 1, StandardCharsets.UTF_8));
    if (near != null) {
      near.invalidateNamed(name, close + 4);
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
    StatefulRedisConnection<byte[], byte[]> current = connection;
    if (current != null) {
      current.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
