package io.keyedcache.provider;

/**
 * Where a cache's settings came from, so that a message about a setting names the place the user can change it: a
 * key of the configuration file for a cache the file set up, the Java call otherwise.
 */
final class SettingsSource {
  static final SettingsSource CODE = new SettingsSource(null, null, false, false);
  /** A cache that code set up on a manager of a shared tier. */
  static final SettingsSource SHARED_CODE = new SettingsSource(null, null, false, true);

  private final String file;
  private final String prefix;
  private final boolean typesFromFile;
  private final boolean shared;

  private SettingsSource(String file, String prefix, boolean typesFromFile, boolean shared) {
    this.file = file;
    this.prefix = prefix;
    this.typesFromFile = typesFromFile;
    this.shared = shared;
  }

  /**
   * A cache whose settings the file {@code file} decides, under {@code caches.<cacheName>.}; {@code typesFromFile}
   * when code gave no key or value type of its own, {@code shared} when the file selects a shared tier.
   */
  static SettingsSource file(String file, String cacheName, boolean typesFromFile, boolean shared) {
    return new SettingsSource(file, "caches." + cacheName + ".", typesFromFile, shared);
  }

  /** What to do about a value that store-by-value cannot copy. */
  String storeByReference() {
    String setting = file == null ? "configure the cache with setStoreByValue(false)"
        : "set " + prefix + "store-by-value = false in " + file;
    if (!shared) {
      return "make it Serializable or " + setting;
    }
    return "make it Serializable and list it in the manager's serialization-filter: the shared tier sends keys and"
        + " values to other JVMs as Java-serialized bytes (or " + setting + ", and the cache lives in this JVM only,"
        + " not shared)";
  }

  /** Where the key type was set, to follow a message about it; empty when code set it. */
  String keyType() {
    return typesFromFile ? " (set by " + prefix + "key-type in " + file + ")" : "";
  }

  /** Where the value type was set, to follow a message about it; empty when code set it. */
  String valueType() {
    return typesFromFile ? " (set by " + prefix + "value-type in " + file + ")" : "";
  }
}
