package io.keyedcache.provider.store;

import io.keyedcache.provider.configuration.KeyedCacheConfiguration;
import java.util.concurrent.Executor;

/**
 * What a {@link StoreFactory} needs to make the store of one cache.
 *
 * @param cacheName the cache's name, for messages
 * @param configuration the cache's configuration: bounds, weigher, ticker
 * @param executor where background work runs (never {@code null})
 * @param expiring whether entries' lifetimes change with most operations (the expiry policy is not eternal, or the
 *     configuration asks for per-entry lifetimes): the store then keeps a lifetime with every entry
 * @param indexed whether {@link Store#group} must be answered (the key type admits {@code CacheKey})
 */
public record StoreSettings<K, V>(String cacheName, KeyedCacheConfiguration<K, V> configuration, Executor executor,
    boolean expiring, boolean indexed) {}
