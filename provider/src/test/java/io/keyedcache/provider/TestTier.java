package io.keyedcache.provider;

import io.keyedcache.provider.caffeine.CaffeineStore;
import io.keyedcache.provider.store.Store;
import io.keyedcache.provider.store.StoreFactory;
import io.keyedcache.provider.store.StoreOwner;
import io.keyedcache.provider.store.StoreSettings;
import io.keyedcache.provider.store.StoreTier;
import java.net.URI;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** A tier for tests, found through META-INF/services like any other: Caffeine stores, with a record of its calls. */
public final class TestTier implements StoreTier {
  /** One connection: what it was given and whether it was closed. */
  static final class Connection implements StoreFactory {
    final URI uri;
    final Properties settings;
    final List<String> caches = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    Connection(URI uri, Properties settings) {
      this.uri = uri;
      this.settings = settings;
    }

    @Override
    public <K, V> Store<K, V> create(StoreSettings<K, V> settings, StoreOwner<K, V> owner) {
      caches.add(settings.cacheName());
      return CaffeineStore.FACTORY.create(settings, owner);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  static final List<Connection> CONNECTIONS = new CopyOnWriteArrayList<>();

  @Override
  public Set<String> schemes() {
    return Set.of("test-tier");
  }

  @Override
  public StoreFactory connect(URI uri, Properties settings, ClassLoader classLoader) {
    Connection connection = new Connection(uri, settings);
    CONNECTIONS.add(connection);
    return connection;
  }
}
