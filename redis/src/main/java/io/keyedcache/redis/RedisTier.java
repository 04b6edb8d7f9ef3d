package io.keyedcache.redis;

import io.keyedcache.provider.store.StoreFactory;
import io.keyedcache.provider.store.StoreTier;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterURIUtil;
import java.net.URI;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import javax.cache.CacheException;

/**
 * The shared tier: keyedcache's caches on a Redis server, selected by a manager URI in Lettuce's syntax
 * ({@code redis://host:port}, {@code rediss://} for TLS, {@code redis://user:password@host:port}) or by a
 * configuration file's {@code tier}. The URI's fragment, or the {@code namespace} setting, is the prefix of the
 * manager's keys (default {@code keyedcache}), so that several applications share one server without seeing each
 * other's keys. The settings may also come as query parameters of the URI ({@code ?namespace=shop&amp;
 * serialization-filter=com.example.**}); the others are Lettuce's. Found by the provider through {@code
 * META-INF/services}; applications do not use it directly.
 *
 * <p>A Redis Cluster is selected by {@code redis-cluster://host:port,host:port} (or {@code rediss-cluster://} for
 * TLS, credentials as for one server): any of its nodes serve as seeds, from which the client learns the others and
 * which master holds which hash slot. The caches keep the same semantics there.
 *
 * <p>The manager connects when it is created: no server there is a {@link CacheException} from
 * {@code getCacheManager} that names the host and port, unless {@code on-outage=degrade}, under which the manager
 * is created at once and connects as soon as the server answers (see {@link SharedTierMXBean} for its state, and
 * docs/shared-tier.md for what the caches do meanwhile).
 */
public final class RedisTier implements StoreTier {
  /**
   * The system property whose classes every manager of the JVM may decode, beside its own {@code
   * serialization-filter}: an {@link java.io.ObjectInputFilter} pattern such as {@code com.example.**}.
   */
  public static final String FILTER_PROPERTY = "io.keyedcache.serialization-filter";

  /**
   * How long a cached function's computation holds its lease unless renewed (it is renewed every third of it while
   * the computation runs): after a JVM dies mid-computation, another takes over within about this long. Setting
   * {@code flight-lease} (milliseconds).
   */
  public static final long DEFAULT_FLIGHT_LEASE_MILLIS = 10_000;

  /**
   * How many entries each cache of a manager keeps in its near cache unless {@code near-cache-size} says otherwise
   * ({@code 0} turns the near cache off).
   */
  public static final long DEFAULT_NEAR_CACHE_SIZE = 10_000;

  /**
   * How often every near cache of a manager is emptied, so the longest a near entry is kept without being read again
   * from the server: {@code near-cache-lifetime} (ms), the last bound should an invalidation be lost unnoticed.
   */
  public static final long DEFAULT_NEAR_CACHE_LIFETIME_MILLIS = 60_000;

  /**
   * How often the near caches' connection is checked, and how long an answer may take: {@code near-cache-heartbeat}
   * (ms). A near cache whose connection stops answering is bypassed within about twice this.
   */
  public static final long DEFAULT_NEAR_CACHE_HEARTBEAT_MILLIS = 1_000;

  /**
   * How long a write waits for its replicas when {@code replica-acks} asks for some ({@code WAIT}), before it
   * throws: {@code replica-ack-timeout} (ms).
   */
  public static final long DEFAULT_REPLICA_ACK_TIMEOUT_MILLIS = 1_000;

  /**
   * The bound on every wait for a key that a step of another JVM holds (a write-through, an entry processor, a
   * custom expiry policy): {@code lease-timeout} (ms), by default {@code timeout}. A step's lease lives two thirds of it unless renewed (it is
   * renewed every third of that while the step runs). An operation that cannot have its key within it throws a
   * {@link CacheException} naming the cache and the key and changes nothing; a JVM that dies, stops or is cut off
   * while it holds a key holds up the others for at most two thirds of it.
   */
  public static final long DEFAULT_LEASE_TIMEOUT_MILLIS = 5_000;

  /**
   * The longest a command waits for the server's reply, so that a hung or paused server fails a call after it:
   * {@code timeout} (ms). It is also the default of {@code lease-timeout}.
   */
  public static final long DEFAULT_TIMEOUT_MILLIS = 5_000;

  /** The longest a connection attempt waits for the server to accept it: {@code connect-timeout} (ms). */
  public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 2_000;

  /**
   * The longest pause between two attempts to reconnect after the server was lost, which start at once and back off
   * up to it: {@code reconnect-delay} (ms).
   */
  public static final long DEFAULT_RECONNECT_DELAY_MILLIS = 1_000;

  /**
   * How many keys each cache remembers to remove once the server is back, after an outage under {@code
   * on-outage=degrade}: {@code outage-backlog}. A cache asked to remove more during one outage is cleared instead
   * when the server is back, so that nothing removed stays readable.
   */
  public static final long DEFAULT_OUTAGE_BACKLOG = 10_000;

  private static final String CLUSTER = "redis-cluster";

  /** Public for {@link java.util.ServiceLoader}. */
  public RedisTier() {}

  @Override
  public Set<String> schemes() {
    return Set.of("redis", "rediss", "redis-socket", "redis-sentinel", CLUSTER, "rediss-cluster");
  }

  @Override
  public StoreFactory connect(URI uri, Properties settings, ClassLoader classLoader) {
    RedisSettings parsed = RedisSettings.parse(uri, settings, System.getenv());
    boolean cluster = uri.getScheme().endsWith("-cluster");
    if (uri.getScheme().equals("redis-sentinel") && !parsed.lettuceQuery().contains("sentinelMasterId=")) {
      throw new CacheException("The Sentinel URI " + server(uri) + " names no master: add ?sentinelMasterId=<the"
          + " master's name> (the URI's fragment is keyedcache's namespace, not the master's name as in Lettuce)");
    }
    List<RedisURI> seeds;
    try {
      String text = uri.toString();
      int end = text.indexOf('?') >= 0 ? text.indexOf('?') : text.indexOf('#') >= 0 ? text.indexOf('#') : text.length();
      String lettuce = text.substring(0, end) + parsed.lettuceQuery();
      seeds = cluster
          ? RedisClusterURIUtil.toRedisURIs(URI.create(lettuce.replaceFirst("-cluster://", "://")))
          : List.of(RedisURI.create(lettuce));
    } catch (IllegalArgumentException e) {
      throw new CacheException("keyedcache cannot read the Redis URI " + server(uri) + ": " + e.getMessage(), e);
    }
    List<RedisURI> connectTo = seeds;
    Codecs codecs = Codecs.named(parsed.codec(), classLoader, parsed.server());
    TierCounters counters = new TierCounters();
    return SharedTier.open(parsed, new Envelope(parsed.filter(), classLoader, codecs), counters,
        () -> new RedisStores(connectTo, cluster, parsed, classLoader, codecs, counters));
  }

  /**
   * The near cache settings of a manager; a size of 0 turns it off. {@code weight}: the most bytes each cache keeps
   * near; {@code largestValue}: the largest value (in bytes) kept near at all.
   */
  record NearSettings(long size, long lifetimeMillis, long heartbeatMillis, boolean strict, long weight,
      long largestValue) {}

  /**
   * The most bytes (counted by the values' stored sizes) each cache keeps near unless {@code near-cache-weight} says
   * otherwise: a thirty-second of the JVM's largest heap, so that a few caches of large values stay a modest share.
   */
  public static long defaultNearCacheWeight() {
    return Math.max(1 << 20, Runtime.getRuntime().maxMemory() / 32);
  }

  /** Where the server is, for messages: scheme, host and port, never the user information. */
  static String server(URI uri) {
    if (uri.getHost() != null) {
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }
    // a socket's path, or a cluster's seeds: what is between the user information and the path or query
    String rest = uri.getRawSchemeSpecificPart().replaceFirst("^//", "").replaceAll("^[^/]*@", "")
        .replaceAll("\\?.*", "");
    return uri.getScheme() + "://" + (uri.getScheme().endsWith("-cluster") ? rest.replaceAll("/.*", "") : rest);
  }
}
