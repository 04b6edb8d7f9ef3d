package io.keyedcache.redis;

import io.keyedcache.provider.configuration.Suggestion;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import javax.cache.CacheException;

/**
 * A manager's settings for the shared tier, from its configuration file, its properties and its URI's query, read
 * and checked alike: a name in the query that is none of them (nor one of the parameters Lettuce reads) is an error
 * that says which are, and which one was probably meant; so is a property whose name is close to a setting's (the
 * configuration file checks its own keys). Other properties are left alone: {@code getCacheManager}'s properties
 * are shared with other providers and frameworks.
 *
 * @param server where the server is, for messages: scheme, host and port, never a password
 * @param degrade {@code on-outage=degrade}: the caches keep answering while the server cannot be reached
 * @param outageBacklog the most removals each cache remembers during an outage before it is cleared instead
 * @param tls this manager's own trust and key stores, or null for the JVM's (a {@code rediss://} URI still uses TLS)
 * @param codec the setting {@code codec}: the name of the codec of application values ({@code java} by default)
 * @param scanKeyspace the setting {@code scan-keyspace}: {@code auto}, {@code always} or {@code never}
 * @param lettuceQuery the URI's query parameters that are Lettuce's, as a query ({@code ?database=2}), or empty
 */
record RedisSettings(String server, String namespace, String filter, long flightLeaseMillis,
    long leaseTimeoutMillis, RedisTier.NearSettings near, int replicaAcks, long replicaAckTimeoutMillis,
    long timeoutMillis, long connectTimeoutMillis, long reconnectDelayMillis, String clientName, String user,
    char[] password, boolean degrade, long outageBacklog, Tls tls, String codec, String scanKeyspace,
    String lettuceQuery) {

  /** The settings of the tier, by name. */
  static final Set<String> NAMES = Set.of("namespace", "serialization-filter", "flight-lease", "lease-timeout",
      "near-cache-size", "near-cache-lifetime", "near-cache-heartbeat", "near-cache-strict", "near-cache-weight",
      "near-cache-max-value", "replica-acks",
      "replica-ack-timeout", "timeout", "connect-timeout", "reconnect-delay", "client-name", "user", "password", "on-outage",
      "outage-backlog", "tls-trust-store", "tls-trust-store-password", "tls-key-store", "tls-key-store-password", "codec",
      "scan-keyspace");

  /** The query parameters of a URI that Lettuce reads (the others are the tier's settings). */
  static final Set<String> LETTUCE = Set.of("database", "db", "sentinelMasterId", "clientName", "verifyPeer",
      "libraryName", "libraryVersion");

  /** The environment variables that give the user name and password when no setting and no URI does. */
  static final String USER_VARIABLE = "KEYEDCACHE_REDIS_USER";
  static final String PASSWORD_VARIABLE = "KEYEDCACHE_REDIS_PASSWORD";

  /** Reads the settings of {@code uri} from its query and {@code given} (the file's and the properties). */
  static RedisSettings parse(URI uri, Properties given, Map<String, String> environment) {
    String server = RedisTier.server(uri);
    Properties merged = new Properties();
    for (String name : given.stringPropertyNames()) {
      if (NAMES.contains(name)) {
        merged.setProperty(name, given.getProperty(name));
      } else if (!closest(name).isEmpty()) {
        // JCache's properties are a bag that callers share with other providers (the TCK passes its own): only a
        // name close to one of ours is taken for a mistyped setting
        throw new CacheException("The setting " + name + " of " + server + " is not one of the shared tier's: "
            + String.join(", ", new TreeSet<>(NAMES)) + closest(name));
      }
    }
    StringBuilder lettuce = new StringBuilder();
    if (uri.getRawQuery() != null) {
      for (String parameter : uri.getRawQuery().split("&")) {
        int equals = parameter.indexOf('=');
        String name = equals < 0 ? parameter : parameter.substring(0, equals);
        if (NAMES.contains(name)) {
          merged.setProperty(name, URLDecoder.decode(equals < 0 ? "" : parameter.substring(equals + 1),
              StandardCharsets.UTF_8));
        } else if (LETTUCE.contains(name)) {
          lettuce.append(lettuce.length() == 0 ? "?" : "&").append(parameter);
        } else {
          throw new CacheException("The query parameter " + name + " of " + server + " is not one of the shared"
              + " tier's settings (" + String.join(", ", new TreeSet<>(NAMES)) + ") nor one of Lettuce's ("
              + String.join(", ", new TreeSet<>(LETTUCE)) + ")" + closest(name));
        }
      }
    }
    String namespace = merged.getProperty("namespace", uri.getFragment() == null ? "keyedcache" : uri.getFragment());
    if (!namespace.matches("[A-Za-z0-9_.-]+")) {
      throw new CacheException("The namespace of " + server + " must be letters, digits, - _ or ., not '"
          + namespace + "'");
    }
    String filter = merged.getProperty("serialization-filter");
    String jvmWide = System.getProperty(RedisTier.FILTER_PROPERTY);
    if (jvmWide != null && !jvmWide.isBlank()) {
      filter = filter == null ? jvmWide : filter + ";" + jvmWide;
    }
    long timeout = number(merged, "timeout", RedisTier.DEFAULT_TIMEOUT_MILLIS, 1, server);
    long leaseTimeout = number(merged, "lease-timeout", timeout, 30, server);
    String strict = merged.getProperty("near-cache-strict", "false").strip();
    if (!strict.equals("true") && !strict.equals("false")) {
      throw new CacheException("The near-cache-strict of " + server + " must be true or false, not '" + strict
          + "'");
    }
    long weight = number(merged, "near-cache-weight", RedisTier.defaultNearCacheWeight(), 1, server);
    RedisTier.NearSettings near = new RedisTier.NearSettings(
        number(merged, "near-cache-size", RedisTier.DEFAULT_NEAR_CACHE_SIZE, 0, server),
        number(merged, "near-cache-lifetime", RedisTier.DEFAULT_NEAR_CACHE_LIFETIME_MILLIS, 1, server),
        number(merged, "near-cache-heartbeat", RedisTier.DEFAULT_NEAR_CACHE_HEARTBEAT_MILLIS, 10, server),
        Boolean.parseBoolean(strict), weight,
        number(merged, "near-cache-max-value", Math.max(1, weight / 16), 1, server));
    long replicaAcks = number(merged, "replica-acks", 0, 0, server);
    if (replicaAcks > Integer.MAX_VALUE) {
      throw new CacheException("The replica-acks of " + server + " must be a number of replicas, not "
          + replicaAcks);
    }
    String clientName = merged.getProperty("client-name", "keyedcache-" + namespace).strip();
    if (clientName.isEmpty() || !clientName.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw new CacheException("The client-name of " + server + " must be printable ASCII without spaces (Redis's"
          + " rule for CLIENT SETNAME), not '" + clientName + "'");
    }
    String onOutage = merged.getProperty("on-outage", "fail").strip();
    if (!onOutage.equals("fail") && !onOutage.equals("degrade")) {
      throw new CacheException("The on-outage of " + server + " must be fail (every call throws while Redis cannot"
          + " be reached) or degrade (calls miss and do not store, removals are replayed), not '" + onOutage + "'");
    }
    String scanKeyspace = merged.getProperty("scan-keyspace", "auto").strip();
    if (!Set.of("auto", "always", "never").contains(scanKeyspace)) {
      throw new CacheException("The scan-keyspace of " + server + " must be auto (scan while the server reports an"
          + " allkeys-* maxmemory-policy), always or never, not '" + scanKeyspace + "'");
    }
    Tls tls = tls(merged, uri, server);
    // a setting wins over the URI's user information, which wins over the environment
    boolean inUri = uri.getRawUserInfo() != null;
    String user = merged.getProperty("user", inUri ? null : environment.get(USER_VARIABLE));
    String password = merged.getProperty("password", inUri ? null : environment.get(PASSWORD_VARIABLE));
    return new RedisSettings(server, namespace, filter,
        number(merged, "flight-lease", RedisTier.DEFAULT_FLIGHT_LEASE_MILLIS, 100, server), leaseTimeout, near,
        (int) replicaAcks,
        number(merged, "replica-ack-timeout", RedisTier.DEFAULT_REPLICA_ACK_TIMEOUT_MILLIS, 1, server), timeout,
        number(merged, "connect-timeout", RedisTier.DEFAULT_CONNECT_TIMEOUT_MILLIS, 1, server),
        number(merged, "reconnect-delay", RedisTier.DEFAULT_RECONNECT_DELAY_MILLIS, 1, server), clientName,
        user == null || user.isEmpty() ? null : user,
        password == null || password.isEmpty() ? null : password.toCharArray(), onOutage.equals("degrade"),
        number(merged, "outage-backlog", RedisTier.DEFAULT_OUTAGE_BACKLOG, 0, server), tls,
        merged.getProperty("codec", Codecs.JAVA).strip(), scanKeyspace, lettuce.toString());
  }

  /**
   * A manager's own TLS stores. {@code trustStore}: the CAs that the server's certificate must chain to, as a PEM file
   * of certificates ({@code .pem}, {@code .crt}, {@code .cer}) or a PKCS12/JKS key store; {@code keyStore}: this
   * client's key and certificate, for a server that asks for one (mutual TLS), as a PKCS12/JKS key store. Either may
   * be null (the JVM's own then serves).
   */
  record Tls(String trustStore, char[] trustStorePassword, String keyStore, char[] keyStorePassword) {
    boolean trustsPem() {
      String name = trustStore.toLowerCase(java.util.Locale.ROOT);
      return name.endsWith(".pem") || name.endsWith(".crt") || name.endsWith(".cer");
    }

    @Override
    public String toString() {
      return "Tls[" + trustStore + ", " + keyStore + "]"; // never the passwords
    }
  }

  private static Tls tls(Properties settings, URI uri, String server) {
    String trust = file(settings, "tls-trust-store", server);
    String key = file(settings, "tls-key-store", server);
    if (trust == null && key == null) {
      return null;
    }
    if (!uri.getScheme().startsWith("rediss")) {
      throw new CacheException("The settings tls-trust-store and tls-key-store of " + server + " need TLS: write"
          + " the URI as rediss:// (or rediss-cluster://)");
    }
    String trustPassword = settings.getProperty("tls-trust-store-password");
    String keyPassword = settings.getProperty("tls-key-store-password");
    return new Tls(trust, trustPassword == null ? null : trustPassword.toCharArray(), key,
        keyPassword == null ? null : keyPassword.toCharArray());
  }

  /** The readable file that the setting {@code name} names, or null when it is not given. */
  private static String file(Properties settings, String name, String server) {
    String path = settings.getProperty(name);
    if (path == null || path.isBlank()) {
      return null;
    }
    java.nio.file.Path file = java.nio.file.Path.of(path.strip());
    if (!java.nio.file.Files.isReadable(file) || java.nio.file.Files.isDirectory(file)) {
      throw new CacheException("The " + name + " of " + server + " names " + file.toAbsolutePath() + ", which is"
          + " not a readable file");
    }
    return file.toString();
  }

  private static long number(Properties settings, String name, long fallback, long least, String server) {
    String text = settings.getProperty(name);
    long value;
    try {
      value = text == null ? fallback : Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      value = least - 1;
    }
    if (value < least) {
      throw new CacheException("The " + name + " of " + server + " must be a whole number, " + least
          + " or more, not '" + text + "'");
    }
    return value;
  }

  /** " (did you mean x?)" for the setting or Lettuce parameter close to {@code name}, if one is; else empty. */
  static String closest(String name) {
    Set<String> all = new TreeSet<>(NAMES);
    all.addAll(LETTUCE);
    return Suggestion.didYouMean(name, all, Math.max(2, name.length() / 3));
  }

  @Override
  public String toString() {
    return "RedisSettings[" + server + "#" + namespace + "]"; // never the password
  }
}
