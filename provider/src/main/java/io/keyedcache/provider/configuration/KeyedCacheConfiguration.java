package io.keyedcache.provider.configuration;

import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.Weigher;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;

/**
 * A {@link MutableConfiguration} with the settings that only keyedcache understands: a bound on the number of
 * entries or on their total weight, the executor for asynchronous work and the ticker that tells time.
 * {@code CacheManager.createCache} takes it where it takes any configuration; a plain
 * {@code MutableConfiguration} gives an unbounded cache.
 *
 * <pre>{@code
 * KeyedCacheConfiguration<String, Product> config = new KeyedCacheConfiguration<String, Product>()
 *     .maximumSize(10_000);
 * config.setTypes(String.class, Product.class);
 * Cache<String, Product> products = manager.createCache("products", config);
 * }</pre>
 *
 * <p>Instances are not thread-safe; the cache copies its configuration when it is created.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class KeyedCacheConfiguration<K, V> extends MutableConfiguration<K, V> {
  private static final long serialVersionUID = 1L;
  private static final long UNSET = -1L;

  private long maximumSize = UNSET;
  private long maximumWeight = UNSET;
  private transient Weigher<? super K, ? super V> weigher;
  private transient Executor executor;
  private transient Ticker ticker;
  private boolean perEntryLifetimes;
  private java.time.Duration refreshAfter;

  /** A configuration with the JCache defaults: unbounded, store-by-value, eternal, no statistics. */
  public KeyedCacheConfiguration() {}

  /**
   * A copy of {@code configuration}; the keyedcache settings are copied too when it is a
   * {@code KeyedCacheConfiguration}.
   */
  public KeyedCacheConfiguration(CompleteConfiguration<K, V> configuration) {
    super(configuration);
    if (configuration instanceof KeyedCacheConfiguration) {
      KeyedCacheConfiguration<K, V> other = (KeyedCacheConfiguration<K, V>) configuration;
      this.maximumSize = other.maximumSize;
      this.maximumWeight = other.maximumWeight;
      this.weigher = other.weigher;
      this.executor = other.executor;
      this.ticker = other.ticker;
      this.perEntryLifetimes = other.perEntryLifetimes;
      this.refreshAfter = other.refreshAfter;
    }
  }

  /**
   * Bounds the cache to {@code size} entries; beyond it Caffeine's policy evicts, and each eviction is counted
   * in the statistics. Cannot be combined with {@link #maximumWeight}.
   *
   * @throws IllegalArgumentException if {@code size} is negative
   */
  public KeyedCacheConfiguration<K, V> maximumSize(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("maximumSize must not be negative: " + size);
    }
    this.maximumSize = size;
    return this;
  }

  /**
   * Bounds the total weight of the entries, as the weigher computes it. Cannot be combined with
   * {@link #maximumSize}.
   *
   * @throws IllegalArgumentException if {@code weight} is negative
   * @throws NullPointerException if {@code weigher} is null
   */
  public KeyedCacheConfiguration<K, V> maximumWeight(long weight, Weigher<? super K, ? super V> weigher) {
    if (weight < 0) {
      throw new IllegalArgumentException("maximumWeight must not be negative: " + weight);
    }
    this.weigher = Objects.requireNonNull(weigher, "weigher");
    this.maximumWeight = weight;
    return this;
  }

  /**
   * The executor for asynchronous work: asynchronous listeners, {@code loadAll}, Caffeine's maintenance.
   * Default: {@link java.util.concurrent.ForkJoinPool#commonPool()}.
   */
  public KeyedCacheConfiguration<K, V> executor(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
    return this;
  }

  /** The time source for expiry, so that tests can control time. Default: {@link Ticker#systemTicker()}. */
  public KeyedCacheConfiguration<K, V> ticker(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    return this;
  }

  /**
   * Keeps a lifetime with every entry even when the expiry policy is eternal (Caffeine's variable expiry), for
   * caches where many entries get their own lifetime (the keyed extensions' {@code put(key, value, ttl)} and
   * cached functions with a lifetime). It costs a clock read on every read and write, so it is off by default.
   * Without it single entries may still have their own lifetime: each such entry carries it with its value, and
   * once a cache holds one, its reads and writes take the path that looks for them.
   */
  public KeyedCacheConfiguration<K, V> perEntryLifetimes(boolean enabled) {
    this.perEntryLifetimes = enabled;
    return this;
  }

  /**
   * Refresh ahead of expiry for a read-through cache: a get that finds an entry written more than {@code refreshAfter}
   * ago returns it at once and reloads it in the background with the loader, once per key in this JVM and, on the
   * shared tier, once across all JVMs; every other get keeps the present value until the reloaded one replaces it
   * (with a full lifetime). A failed reload keeps the entry until it expires and is tried again after a back-off.
   * Needs read-through with a loader and an expiry policy of {@code CreatedExpiryPolicy} or
   * {@code ModifiedExpiryPolicy} whose duration is longer than {@code refreshAfter}; {@code createCache} refuses
   * anything else. The configuration file's {@code refresh-after}.
   *
   * @throws IllegalArgumentException if {@code refreshAfter} is not positive
   */
  public KeyedCacheConfiguration<K, V> refreshAfter(java.time.Duration refreshAfter) {
    Objects.requireNonNull(refreshAfter, "refreshAfter");
    if (refreshAfter.isZero() || refreshAfter.isNegative()) {
      throw new IllegalArgumentException("refreshAfter must be positive: " + refreshAfter);
    }
    this.refreshAfter = refreshAfter;
    return this;
  }

  /** The refresh point of a read-through cache's entries, or {@code null} for none. */
  public java.time.Duration getRefreshAfter() {
    return refreshAfter;
  }

  /** The bound on the number of entries, if any. */
  public OptionalLong getMaximumSize() {
    return maximumSize == UNSET ? OptionalLong.empty() : OptionalLong.of(maximumSize);
  }

  /** The bound on the total weight, if any. */
  public OptionalLong getMaximumWeight() {
    return maximumWeight == UNSET ? OptionalLong.empty() : OptionalLong.of(maximumWeight);
  }

  /** The weigher, or {@code null} when the weight is not bounded. */
  public Weigher<? super K, ? super V> getWeigher() {
    return weigher;
  }

  /** The executor, or {@code null} for the default. */
  public Executor getExecutor() {
    return executor;
  }

  /** The ticker, or {@code null} for the system ticker. */
  public Ticker getTicker() {
    return ticker;
  }

  /** Whether single entries may have their own lifetime. */
  public boolean isPerEntryLifetimes() {
    return perEntryLifetimes;
  }

  /**
   * Checks that the settings fit together.
   *
   * @throws IllegalArgumentException naming the conflict
   */
  public void validate() {
    if (maximumSize != UNSET && maximumWeight != UNSET) {
      throw new IllegalArgumentException("Set maximumSize or maximumWeight, not both (maximumSize="
          + maximumSize + ", maximumWeight=" + maximumWeight + ")");
    }
    if (maximumWeight != UNSET && weigher == null) {
      throw new IllegalArgumentException("maximumWeight needs a weigher");
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!super.equals(o)) {
      return false;
    }
    // MutableConfiguration.equals ignores our settings; to stay symmetric with it, a plain configuration equals
    // one of ours that has none of them set.
    KeyedCacheConfiguration<?, ?> other =
        (o instanceof KeyedCacheConfiguration) ? (KeyedCacheConfiguration<?, ?>) o : new KeyedCacheConfiguration<>();
    return maximumSize == other.maximumSize && maximumWeight == other.maximumWeight
        && perEntryLifetimes == other.perEntryLifetimes && Objects.equals(weigher, other.weigher)
        && Objects.equals(refreshAfter, other.refreshAfter)
        && Objects.equals(executor, other.executor) && Objects.equals(ticker, other.ticker);
  }

  @Override
  public int hashCode() {
    // Only MutableConfiguration's fields, so that equal plain and keyed configurations hash alike.
    return super.hashCode();
  }
}
