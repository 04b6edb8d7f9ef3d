package io.keyedcache.provider.configuration;

import static io.keyedcache.provider.configuration.FileValues.bool;
import static io.keyedcache.provider.configuration.FileValues.count;
import static io.keyedcache.provider.configuration.FileValues.duration;
import static io.keyedcache.provider.configuration.FileValues.error;
import static io.keyedcache.provider.configuration.FileValues.factory;
import static io.keyedcache.provider.configuration.FileValues.instance;
import static io.keyedcache.provider.configuration.FileValues.type;
import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Weigher;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import javax.cache.CacheException;
import javax.cache.configuration.Factory;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;

/**
 * Cache settings read from a Java properties file, named by the cache manager's URI: {@code classpath:caches.properties},
 * {@code file:/etc/app/caches.properties} or a plain path. A {@code keyedcache:} URI (the default
 * {@code keyedcache:default} among them) names a manager without a file.
 *
 * <pre>
 * caches.products.maximum-size = 10000
 * caches.products.expiry = created
 * caches.products.expiry-duration = 10m
 * default.statistics = true
 * </pre>
 *
 * <p>{@code caches.<name>.<property>} configures one cache (names may contain dots: the property is the last
 * part); {@code default.<property>} is the base of caches that code creates under names the file does not
 * know, and of caches the manager creates on demand when such a name is looked up. A file's caches keep values
 * by reference unless it says {@code store-by-value = true}. The properties are those of
 * {@link KeyedCacheConfiguration}: see {@link #PROPERTIES}. Any error (a file that cannot be read, an unknown or
 * misspelt property, a key given twice, a bad value, a class that is missing or of the wrong type) is a
 * {@link CacheException} whose message names the file, the key (or the lines) and what was expected.
 */
public final class ConfigurationFile {
  /** Every property a cache (or the defaults) may set, with what it expects. */
  public static final Map<String, String> PROPERTIES = properties();

  /** The keys of the manager itself (no {@code caches.} or {@code default.} prefix), with what they expect. */
  public static final Map<String, String> MANAGER_PROPERTIES = Map.ofEntries(
      Map.entry("tier", "the URI of the tier the caches live on, such as redis://127.0.0.1:6379"
          + " (default: in this JVM)"),
      Map.entry("namespace", "the prefix of this manager's keys on a shared tier: letters, digits, - _ ."
          + " (default keyedcache)"),
      Map.entry("serialization-filter", "the classes a shared tier may decode, as a java.io.ObjectInputFilter"
          + " pattern, such as com.example.**"),
      Map.entry("lease-timeout", "on a shared tier, the longest an operation waits for a key that another JVM's"
          + " step holds, in milliseconds; a step's lease lives two thirds of it unless renewed (default: timeout)"),
      Map.entry("timeout", "on a shared tier, the longest a command waits for the server's reply, in milliseconds"
          + " (default 5000)"),
      Map.entry("connect-timeout", "on a shared tier, the longest a connection attempt waits, in milliseconds"
          + " (default 2000)"),
      Map.entry("reconnect-delay", "on a shared tier, the longest pause between attempts to reconnect to a lost"
          + " server, in milliseconds (default 1000)"),
      Map.entry("on-outage", "on a shared tier, what the caches do while the server cannot be reached: fail (every"
          + " call throws; the default) or degrade (reads miss, writes are not stored, removals are replayed later;"
          + " the manager starts without the server)"),
      Map.entry("scan-keyspace", "on a shared tier, whether group deletion, clear(), removeAll() and iteration also"
          + " scan the server's keyspace for the cache's entries, so that they stay complete when Redis may evict the"
          + " cache's indexes: auto (while the server reports an allkeys-* maxmemory-policy; the default), always or"
          + " never"),
      Map.entry("outage-backlog", "on a shared tier under on-outage=degrade, how many removed keys each cache"
          + " remembers during an outage before it is cleared instead when the server is back (default 10000)"),
      Map.entry("tls-trust-store", "on a shared tier over TLS (rediss://), this manager's trusted CAs: a PEM file of"
          + " certificates (.pem, .crt, .cer) or a PKCS12/JKS key store (default: the JVM's)"),
      Map.entry("tls-trust-store-password", "on a shared tier, the password of tls-trust-store, if it has one"),
      Map.entry("tls-key-store", "on a shared tier over TLS, this client's key and certificate as a PKCS12/JKS key"
          + " store, for a server that asks for one (mutual TLS)"),
      Map.entry("tls-key-store-password", "on a shared tier, the password of tls-key-store"),
      Map.entry("codec", "on a shared tier, how values become bytes: java (Java serialization through"
          + " serialization-filter; the default), json (with the module io.keyedcache:jackson), or a class implementing"
          + " io.keyedcache.redis.ValueCodec"),
      Map.entry("client-name", "on a shared tier, the name of the manager's connections in CLIENT LIST"
          + " (default keyedcache-<namespace>)"),
      Map.entry("user", "on a shared tier, the user name to log in with, instead of the URI's"
          + " (default: the environment variable KEYEDCACHE_REDIS_USER)"),
      Map.entry("password", "on a shared tier, the password to log in with, instead of the URI's"
          + " (default: the environment variable KEYEDCACHE_REDIS_PASSWORD)"),
      Map.entry("flight-lease", "on a shared tier, the milliseconds a cached function's computation holds its"
          + " lease unless renewed (default 10000)"),
      Map.entry("near-cache-size", "on a shared tier, the entries each cache keeps near, in this JVM"
          + " (default 10000; 0: none)"),
      Map.entry("near-cache-weight", "on a shared tier, the most bytes each cache keeps near, counted by the values'"
          + " stored sizes (default: a thirty-second of the largest heap)"),
      Map.entry("near-cache-max-value", "on a shared tier, the largest value kept near, in bytes as stored"
          + " (default: a sixteenth of near-cache-weight)"),
      Map.entry("near-cache-lifetime", "on a shared tier, how often the near caches are emptied, in milliseconds:"
          + " the longest a near entry is kept (default 60000)"),
      Map.entry("near-cache-heartbeat", "on a shared tier, how often the near caches' connection is checked, in"
          + " milliseconds (default 1000)"),
      Map.entry("near-cache-strict", "on a shared tier, true: every near hit first waits for one round trip that"
          + " makes it reflect every write acknowledged before the read (default false)"),
      Map.entry("replica-acks", "on a shared tier, how many replicas must have each write before it returns,"
          + " through Redis's WAIT (default 0: none)"),
      Map.entry("replica-ack-timeout", "on a shared tier, the milliseconds a write waits for those replicas before"
          + " it throws (default 1000)"));


  private final String source;
  private final Map<String, KeyedCacheConfiguration<Object, Object>> caches;
  private final KeyedCacheConfiguration<Object, Object> defaults;
  private final Map<String, String> manager;
  /** What a name the file does not know starts from: the defaults, else the file's own default settings. */
  private final KeyedCacheConfiguration<Object, Object> base;

  private ConfigurationFile(String source, Map<String, KeyedCacheConfiguration<Object, Object>> caches,
      KeyedCacheConfiguration<Object, Object> defaults, Map<String, String> manager) {
    this.source = source;
    this.manager = manager;
    this.caches = caches;
    this.defaults = defaults;
    if (defaults != null) {
      this.base = defaults;
    } else {
      this.base = new KeyedCacheConfiguration<>();
      base.setStoreByValue(manager.containsKey("tier"));
    }
  }

  private static Map<String, String> properties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("key-type", "a class name; keys must be instances of it (default java.lang.Object)");
    p.put("value-type", "a class name; values must be instances of it (default java.lang.Object)");
    p.put("store-by-value", "true or false (default false: a file's caches keep values by reference, as Spring's and"
        + " Caffeine's own caches do; true copies them through serialization, the JCache default in code; on a"
        + " shared tier the default is true, and a cache that keeps references lives in the JVM only)");
    p.put("maximum-size", "a whole number of entries, 0 or more (default: unbounded)");
    p.put("maximum-weight", "a whole number, 0 or more; needs weigher");
    p.put("weigher", "the class name of a com.github.benmanes.caffeine.cache.Weigher with a no-argument constructor");
    p.put("expiry", "eternal, created, accessed, modified or touched (with expiry-duration), or the class name of an"
        + " ExpiryPolicy or of a Factory of one (default eternal)");
    p.put("expiry-duration", "a positive duration: 500ms, 30s, 10m, 1h, 2d or ISO-8601 such as PT30S");
    p.put("read-through", "true or false (default false); needs loader");
    p.put("loader", "the class name of a CacheLoader or of a Factory of one");
    p.put("refresh-after", "a positive duration below expiry-duration: a get of an older entry reloads it in the"
        + " background (needs read-through, and expiry created or modified)");
    p.put("write-through", "true or false (default false); needs writer");
    p.put("writer", "the class name of a CacheWriter or of a Factory of one");
    p.put("statistics", "true or false (default false)");
    p.put("management", "true or false (default false)");
    p.put("per-entry-lifetimes", "true or false (default false)");
    p.put("executor", "the class name of an Executor or of a Factory of one (default: the common pool)");
    return Collections.unmodifiableMap(p);
  }

  /**
   * The file a manager URI names, or empty when the URI names none ({@code keyedcache:} scheme).
   *
   * @throws CacheException if the URI names a file that cannot be read, or the file is invalid
   */
  public static Optional<ConfigurationFile> forUri(URI uri, ClassLoader classLoader) {
    requireNonNull(uri, "uri");
    String scheme = uri.getScheme();
    if ("keyedcache".equals(scheme)) {
      return Optional.empty();
    }
    String text;
    try (InputStream in = open(uri, classLoader)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | IllegalArgumentException e) {
      throw new CacheException("keyedcache configuration " + uri + ": cannot be read (" + e.getMessage() + ")", e);
    }
    return Optional.of(parse(uri.toString(), load(uri.toString(), text), classLoader));
  }

  /**
   * The properties of {@code text}, as {@link Properties#load(Reader)} reads them, except that a key given twice
   * is an error naming both lines (Properties would keep the last silently).
   */
  static Properties load(String source, String text) {
    Properties properties = new Properties();
    Map<String, Integer> lineOf = new TreeMap<>();
    String[] lines = text.split("\r\n|\r|\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int first = i;
      String trimmed = lines[i].stripLeading();
      if (trimmed.isEmpty() || trimmed.charAt(0) == '#' || trimmed.charAt(0) == '!') {
        continue; // a comment line never continues onto the next
      }
      // One logical line: physical lines joined while one ends in an odd number of backslashes.
      StringBuilder logical = new StringBuilder(lines[i]);
      while (endsInContinuation(lines[i]) && i + 1 < lines.length) {
        i++;
        logical.append('\n').append(lines[i]);
      }
      Properties one = new Properties();
      try {
        one.load(new StringReader(logical.toString()));
      } catch (IOException | IllegalArgumentException e) {
        throw new CacheException("keyedcache configuration " + source + ": line " + (first + 1)
            + " cannot be read (" + e.getMessage() + ")", e);
      }
      for (String key : one.stringPropertyNames()) {
        Integer earlier = lineOf.putIfAbsent(key, first + 1);
        if (earlier != null) {
          throw new CacheException("keyedcache configuration " + source + ": " + key + " is given twice, on line "
              + earlier + " and on line " + (first + 1) + " — expected each key once");
        }
        properties.setProperty(key, one.getProperty(key));
      }
    }
    return properties;
  }

  private static boolean endsInContinuation(String line) {
    int backslashes = 0;
    for (int j = line.length() - 1; j >= 0 && line.charAt(j) == '\\'; j--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  private static InputStream open(URI uri, ClassLoader classLoader) throws IOException {
    String scheme = uri.getScheme();
    if ("classpath".equals(scheme)) {
      String resource = uri.getSchemeSpecificPart();
      resource = resource.startsWith("/") ? resource.substring(1) : resource;
      URL url = classLoader == null ? null : classLoader.getResource(resource);
      if (url == null) {
        throw new IOException("no resource " + resource + " on the class path");
      }
      return url.openStream();
    }
    if ("file".equals(scheme)) {
      // file:./config/caches.properties, as Spring Boot users write it: relative to the working directory
      Path path = uri.isOpaque() ? Paths.get(uri.getSchemeSpecificPart()) : Paths.get(uri);
      if (!Files.isReadable(path)) {
        throw new IOException("no readable file " + path.toAbsolutePath().normalize());
      }
      return Files.newInputStream(path);
    }
    if ("jar".equals(scheme)) {
      // What a class loader's resource URL becomes when frameworks (Hibernate) resolve a resource name first.
      return uri.toURL().openStream();
    }
    if (scheme == null) {
      Path path = Paths.get(uri.getPath());
      if (!Files.isReadable(path)) {
        throw new IOException("no readable file " + path.toAbsolutePath());
      }
      return Files.newInputStream(path);
    }
    throw new IOException("keyedcache reads its configuration from classpath:, file:, jar: or a plain path, and a"
        + " keyedcache:<name> URI names a manager without a file; the scheme " + scheme + " is none of these");
  }

  /** Parses properties already loaded; {@code source} names them in messages. */
  static ConfigurationFile parse(String source, Properties properties, ClassLoader classLoader) {
    Map<String, Map<String, String>> byCache = new TreeMap<>();
    Map<String, String> defaultsRaw = new TreeMap<>();
    Map<String, String> manager = new TreeMap<>();
    for (String key : new TreeSet<>(properties.stringPropertyNames())) {
      String value = properties.getProperty(key).trim();
      if (MANAGER_PROPERTIES.containsKey(key)) {
        manager.put(key, managerValue(source, key, value));
      } else if (key.startsWith("default.")) {
        defaultsRaw.put(key, value);
      } else if (key.startsWith("caches.") && key.lastIndexOf('.') > "caches.".length()) {
        String name = key.substring("caches.".length(), key.lastIndexOf('.'));
        byCache.computeIfAbsent(name, n -> new TreeMap<>()).put(key, value);
      } else {
        throw error(source, key, "a key of the form caches.<cache name>.<property> or default.<property>, or one of "
            + String.join(", ", new TreeSet<>(MANAGER_PROPERTIES.keySet()))
            + (key.indexOf('.') < 0 ? closest(key, MANAGER_PROPERTIES.keySet()) : ""));
      }
    }
    // On a shared tier a cache keeps values by value, its reason to be there; in the JVM, by reference.
    boolean byValue = manager.containsKey("tier");
    Map<String, KeyedCacheConfiguration<Object, Object>> caches = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, String>> cache : byCache.entrySet()) {
      caches.put(cache.getKey(), build(source, cache.getValue(), byValue, classLoader));
    }
    KeyedCacheConfiguration<Object, Object> defaults =
        defaultsRaw.isEmpty() ? null : build(source, defaultsRaw, byValue, classLoader);
    return new ConfigurationFile(source, Collections.unmodifiableMap(caches), defaults,
        Collections.unmodifiableMap(manager));
  }

  private static String managerValue(String source, String key, String value) {
    switch (key) {
      case "tier":
        try {
          if (URI.create(value).getScheme() != null) {
            return value;
          }
        } catch (IllegalArgumentException e) {
          // reported below
        }
        throw error(source, key, "a URI with a scheme, such as redis://127.0.0.1:6379");
      case "namespace":
        if (value.matches("[A-Za-z0-9_.-]+")) {
          return value;
        }
        throw error(source, key, "letters, digits, - _ or ., not '" + value + "'");
      default:
        if (value.isEmpty()) {
          throw error(source, key, key.equals("serialization-filter") ? "a filter pattern, such as com.example.**"
              : "a value");
        }
        return value;
    }
  }

  private static KeyedCacheConfiguration<Object, Object> build(String source, Map<String, String> entries,
      boolean byValue, ClassLoader classLoader) {
    KeyedCacheConfiguration<Object, Object> config = new KeyedCacheConfiguration<>();
    config.setStoreByValue(byValue);
    Map<String, String> byProperty = new TreeMap<>();
    Map<String, String> keyOf = new TreeMap<>();
    for (Map.Entry<String, String> entry : entries.entrySet()) {
      String property = entry.getKey().substring(entry.getKey().lastIndexOf('.') + 1);
      if (!PROPERTIES.containsKey(property)) {
        throw error(source, entry.getKey(), "one of the properties " + String.join(", ", PROPERTIES.keySet())
            + closest(property));
      }
      byProperty.put(property, entry.getValue());
      keyOf.put(property, entry.getKey());
    }
    Class<Object> keyType = Object.class;
    Class<Object> valueType = Object.class;
    Weigher<Object, Object> weigher = null;
    Long maximumWeight = null;
    String expiry = null;
    Duration expiryDuration = null;
    for (Map.Entry<String, String> entry : byProperty.entrySet()) {
      String key = keyOf.get(entry.getKey());
      String value = entry.getValue();
      switch (entry.getKey()) {
        case "key-type":
          keyType = type(source, key, value, Object.class, classLoader);
          break;
        case "value-type":
          valueType = type(source, key, value, Object.class, classLoader);
          break;
        case "store-by-value":
          config.setStoreByValue(bool(source, key, value));
          break;
        case "maximum-size":
          config.maximumSize(count(source, key, value));
          break;
        case "maximum-weight":
          maximumWeight = count(source, key, value);
          break;
        case "weigher":
          weigher = instance(source, key, value, Weigher.class, classLoader);
          break;
        case "expiry":
          expiry = value;
          break;
        case "expiry-duration":
          expiryDuration = duration(source, key, value);
          break;
        case "read-through":
          config.setReadThrough(bool(source, key, value));
          break;
        case "loader":
          config.setCacheLoaderFactory(factory(source, key, value, CacheLoader.class, classLoader));
          break;
        case "refresh-after":
          config.refreshAfter(FileValues.javaDuration(duration(source, key, value)));
          break;
        case "write-through":
          config.setWriteThrough(bool(source, key, value));
          break;
        case "writer":
          config.setCacheWriterFactory(factory(source, key, value, CacheWriter.class, classLoader));
          break;
        case "statistics":
          config.setStatisticsEnabled(bool(source, key, value));
          break;
        case "management":
          config.setManagementEnabled(bool(source, key, value));
          break;
        case "per-entry-lifetimes":
          config.perEntryLifetimes(bool(source, key, value));
          break;
        case "executor": {
          Factory<Executor> executors = factory(source, key, value, Executor.class, classLoader);
          try {
            config.executor(requireNonNull(executors.create(), "the factory gave null"));
          } catch (RuntimeException e) {
            throw error(source, key, "an executor, but " + value + " could not make one: " + e);
          }
          break;
        }
        default:
          throw new AssertionError(entry.getKey());
      }
    }
    config.setTypes(keyType, valueType);
    if (maximumWeight != null) {
      if (weigher == null) {
        throw error(source, keyOf.get("maximum-weight"), "a weigher as well (" + prefix(keyOf) + "weigher)");
      }
      config.maximumWeight(maximumWeight, weigher);
    } else if (weigher != null) {
      throw error(source, keyOf.get("weigher"), "maximum-weight as well");
    }
    applyExpiry(source, config, expiry, expiryDuration, keyOf, classLoader);
    if (config.isReadThrough() && config.getCacheLoaderFactory() == null) {
      throw error(source, keyOf.get("read-through"), "a loader as well (" + prefix(keyOf) + "loader)");
    }
    if (config.getRefreshAfter() != null) {
      FileValues.refreshable(source, config, expiry, expiryDuration, keyOf.get("refresh-after"), prefix(keyOf));
    }
    if (config.isWriteThrough() && config.getCacheWriterFactory() == null) {
      throw error(source, keyOf.get("write-through"), "a writer as well (" + prefix(keyOf) + "writer)");
    }
    try {
      config.validate();
    } catch (IllegalArgumentException e) {
      throw error(source, prefix(keyOf) + "*", e.getMessage());
    }
    return config;
  }

  private static void applyExpiry(String source, KeyedCacheConfiguration<Object, Object> config, String expiry,
      Duration duration, Map<String, String> keyOf, ClassLoader classLoader) {
    String kind = expiry == null ? "eternal" : expiry;
    switch (kind) {
      case "eternal":
        if (duration != null) {
          throw error(source, keyOf.get("expiry-duration"), "no duration for an eternal expiry (set "
              + prefix(keyOf) + "expiry to created, accessed, modified or touched)");
        }
        config.setExpiryPolicyFactory(EternalExpiryPolicy.factoryOf());
        return;
      case "created":
      case "accessed":
      case "modified":
      case "touched":
        if (duration == null) {
          throw error(source, keyOf.get("expiry"), "an expiry-duration as well (" + prefix(keyOf)
              + "expiry-duration)");
        }
        config.setExpiryPolicyFactory(kind.equals("created") ? CreatedExpiryPolicy.factoryOf(duration)
            : kind.equals("accessed") ? AccessedExpiryPolicy.factoryOf(duration)
            : kind.equals("modified") ? ModifiedExpiryPolicy.factoryOf(duration)
            : TouchedExpiryPolicy.factoryOf(duration));
        return;
      default:
        if (kind.indexOf('.') < 0) {
          // no class name: a misspelt or differently cased kind, such as Created or create
          throw error(source, keyOf.get("expiry"), "eternal, created, accessed, modified or touched, or the class"
              + " name of an ExpiryPolicy or of a Factory of one, not " + kind
              + closest(kind.toLowerCase(Locale.ROOT), EXPIRY_KINDS));
        }
        if (duration != null) {
          throw error(source, keyOf.get("expiry-duration"), "no duration for a custom expiry policy class");
        }
        config.setExpiryPolicyFactory(factory(source, keyOf.get("expiry"), kind, ExpiryPolicy.class, classLoader));
    }
  }

  private static String prefix(Map<String, String> keyOf) {
    String any = keyOf.values().iterator().next();
    return any.substring(0, any.lastIndexOf('.') + 1);
  }

  private static final List<String> EXPIRY_KINDS = List.of("eternal", "created", "accessed", "modified", "touched");

  private static String closest(String property) {
    return closest(property, PROPERTIES.keySet());
  }

  private static String closest(String property, Collection<String> candidates) {
    return Suggestion.didYouMean(property, candidates, 3);
  }

  /** Where the settings came from. */
  public String source() {
    return source;
  }

  /** The tier the file selects with {@code tier}, if it names one. */
  public Optional<URI> tier() {
    return Optional.ofNullable(manager.get("tier")).map(URI::create);
  }

  /** The file's settings for a tier ({@code namespace}, {@code serialization-filter}), as properties. */
  public Properties tierSettings() {
    Properties settings = new Properties();
    manager.forEach((key, value) -> {
      if (!key.equals("tier")) {
        settings.setProperty(key, value);
      }
    });
    return settings;
  }

  /** The caches the file names, by name, each with its settings. */
  public Map<String, KeyedCacheConfiguration<Object, Object>> caches() {
    return caches;
  }

  /**
   * The settings of its {@code default.} section, if the file has one: the base for caches it does not name, which
   * the manager then also creates on demand.
   */
  public Optional<KeyedCacheConfiguration<Object, Object>> defaults() {
    return Optional.ofNullable(defaults);
  }

  /**
   * The settings code's {@code createCache} gets for {@code given}: the file's (for a name it knows, else its
   * defaults, else a file's default settings, which keep values by reference) as the base, and every setting the
   * code gave (anything other than a fresh configuration's value) over it.
   */
  public <K, V> KeyedCacheConfiguration<K, V> overlay(String cacheName, KeyedCacheConfiguration<K, V> given) {
    KeyedCacheConfiguration<Object, Object> base = caches.containsKey(cacheName) ? caches.get(cacheName) : this.base;
    @SuppressWarnings({"unchecked", "rawtypes"})
    KeyedCacheConfiguration<K, V> merged = new KeyedCacheConfiguration<>((KeyedCacheConfiguration) base);
    KeyedCacheConfiguration<K, V> fresh = new KeyedCacheConfiguration<>();
    if (given.getKeyType() != fresh.getKeyType() || given.getValueType() != fresh.getValueType()) {
      merged.setTypes(given.getKeyType(), given.getValueType());
    }
    if (given.isStoreByValue() != fresh.isStoreByValue()) {
      merged.setStoreByValue(given.isStoreByValue());
    }
    if (given.isReadThrough() != fresh.isReadThrough()) {
      merged.setReadThrough(given.isReadThrough());
    }
    if (given.isWriteThrough() != fresh.isWriteThrough()) {
      merged.setWriteThrough(given.isWriteThrough());
    }
    if (given.isStatisticsEnabled() != fresh.isStatisticsEnabled()) {
      merged.setStatisticsEnabled(given.isStatisticsEnabled());
    }
    if (given.isManagementEnabled() != fresh.isManagementEnabled()) {
      merged.setManagementEnabled(given.isManagementEnabled());
    }
    if (given.getCacheLoaderFactory() != null) {
      merged.setCacheLoaderFactory(given.getCacheLoaderFactory());
    }
    if (given.getCacheWriterFactory() != null) {
      merged.setCacheWriterFactory(given.getCacheWriterFactory());
    }
    if (!given.getExpiryPolicyFactory().equals(fresh.getExpiryPolicyFactory())) {
      merged.setExpiryPolicyFactory(given.getExpiryPolicyFactory());
    }
    for (javax.cache.configuration.CacheEntryListenerConfiguration<K, V> listener
        : given.getCacheEntryListenerConfigurations()) {
      merged.addCacheEntryListenerConfiguration(listener);
    }
    given.getMaximumSize().ifPresent(merged::maximumSize);
    if (given.getMaximumWeight().isPresent()) {
      merged.maximumWeight(given.getMaximumWeight().getAsLong(), given.getWeigher());
    }
    if (given.getExecutor() != null) {
      merged.executor(given.getExecutor());
    }
    if (given.getTicker() != null) {
      merged.ticker(given.getTicker());
    }
    if (given.isPerEntryLifetimes()) {
      merged.perEntryLifetimes(true);
    }
    if (given.getRefreshAfter() != null) {
      merged.refreshAfter(given.getRefreshAfter());
    }
    return merged;
  }
}
