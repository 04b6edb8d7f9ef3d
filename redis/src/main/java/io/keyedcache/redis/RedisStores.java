package io.keyedcache.redis;

import io.keyedcache.provider.store.Store;
import io.keyedcache.provider.store.StoreFactory;
import io.keyedcache.provider.store.StoreOwner;
import io.keyedcache.provider.store.StoreSettings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.cache.CacheException;

/**
 * The shared tier of one cache manager: one Lettuce connection to one Redis server, shared by the manager's stores.
 * Every failure of the server or the network reaches the caller as a {@link CacheException} that names the server
 * (never its password); Lettuce reconnects by itself, and commands while it is disconnected fail at once instead of
 * waiting.
 */
final class RedisStores implements StoreFactory {
  private static final System.Logger LOG = System.getLogger(RedisStores.class.getName());
  static final long LEASE_MILLIS = 30_000;

  private final String server;
  private final String namespace;
  private final RedisClient client;
  private final StatefulRedisConnection<byte[], byte[]> connection;
  private final RedisCommands<byte[], byte[]> commands;
  private final String filter;
  private final ClassLoader classLoader;
  private final String jvm = UUID.randomUUID().toString();
  private final AtomicLong leases = new AtomicLong();
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  private final Flights flights;

  private final RedisTier.NearSettings near;
  /** The near caches' server link, or null when they are off. */
  private final Tracking tracking;

  RedisStores(RedisURI uri, String server, String namespace, String filter, ClassLoader classLoader,
      long flightLeaseMillis, RedisTier.NearSettings near) {
    this.near = near;
    this.server = server;
    this.namespace = namespace;
    this.filter = filter;
    this.classLoader = classLoader;
    this.client = RedisClient.create();
    client.setOptions(ClientOptions.builder()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .build());
    try {
      this.connection = client.connect(ByteArrayCodec.INSTANCE, uri);
    } catch (RedisException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw new CacheException("keyedcache cannot reach Redis at " + server + ": " + describe(e), e);
    }
    this.commands = connection.sync();
    this.flights = new Flights(this, client, uri, namespace, flightLeaseMillis);
    this.tracking = near.size() == 0 ? null
        : new Tracking(client.getResources(), uri, server, namespace, near.heartbeatMillis(), near.lifetimeMillis(),
            near.strict());
  }

  /** The near cache of a new store, or null: they are off, or the cache keeps values by reference. */
  <K, V> NearCache<K, V> nearCache(String tag, Envelope envelope) {
    if (tracking == null) {
      return null;
    }
    NearCache<K, V> cache = new NearCache<>(tracking, envelope, near.size());
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

  /** A token of this JVM for a lease, unique in it. */
  byte[] token() {
    return (jvm + ":" + leases.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public <K, V> Store<K, V> create(StoreSettings<K, V> settings, StoreOwner<K, V> owner) {
    if (settings.configuration().getMaximumSize().isPresent() || settings.configuration().getMaximumWeight()
        .isPresent()) {
      throw new IllegalArgumentException("Cache '" + settings.cacheName() + "' asks for a size or weight bound,"
          + " which the shared tier does not keep: Redis bounds its memory with maxmemory and its eviction policy");
    }
    return new RedisStore<>(this, settings, owner, new Envelope(filter, classLoader));
  }

  String namespace() {
    return namespace;
  }

  String server() {
    return server;
  }

  RedisCommands<byte[], byte[]> commands() {
    return commands;
  }

  /** Runs a command; a failure of the server or the network becomes a {@link CacheException} naming it. */
  <T> T call(Supplier<T> command) {
    try {
      return command.get();
    } catch (RedisException e) {
      throw new CacheException("Redis at " + server + " failed: " + describe(e), e);
    }
  }

  /** Takes the lease of a step on one key, waiting while another step of any JVM holds it; returns its token. */
  byte[] acquire(byte[] leaseKey) {
    byte[] token = token();
    SetArgs args = SetArgs.Builder.nx().px(LEASE_MILLIS);
    for (int attempt = 0; ; attempt++) {
      if ("OK".equals(call(() -> commands.set(leaseKey, token, args)))) {
        return token;
      }
      RedisStore.pause(attempt);
    }
  }

  void release(byte[] leaseKey, byte[] token) {
    try {
      call(() -> Script.RELEASE.run(commands, new byte[][] {leaseKey}, token));
    } catch (CacheException e) {
      LOG.log(System.Logger.Level.WARNING, "Could not release a lease on " + server + "; it lapses by itself", e);
    }
  }

  /** Logs an entry that could not be decoded, once per key. */
  void undecodable(byte[] name, Exception why) {
    String key = new String(name, StandardCharsets.UTF_8);
    if (logged.add(key)) {
      LOG.log(System.Logger.Level.WARNING, "keyedcache removed the entry " + key + " from Redis at " + server
          + ", which it could not decode: " + why.getMessage());
    }
  }

  private static String describe(RedisException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = e.getMessage();
    return root == e ? message : message + " (" + root.getMessage() + ")";
  }

  @Override
  public void close() {
    if (tracking != null) {
      tracking.close();
    }
    flights.close();
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
