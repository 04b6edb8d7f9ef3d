package io.keyedcache.provider.event;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.EventType;

/**
 * The cache entry listeners of one cache and the delivery of events to them.
 *
 * <p>An operation that changes entries collects its events in an {@link EventBatch} while it holds the entry's
 * lock: asynchronous listeners get them queued there, so they see one key's events in order; synchronous
 * listeners get them on the caller's thread when the operation has finished, before it returns.
 */
public final class EventDispatcher<K, V> {
  private final Cache<K, V> source;
  private final Executor executor;
  private final List<Registration<K, V>> registrations = new CopyOnWriteArrayList<>();
  private volatile boolean active;

  public EventDispatcher(Cache<K, V> source, Executor executor) {
    this.source = source;
    this.executor = executor;
  }

  /** Whether any listener is registered: without one, operations skip building events. */
  public boolean isActive() {
    return active;
  }

  /**
   * Registers a listener.
   *
   * @throws IllegalArgumentException if an equal configuration is already registered
   */
  public synchronized void register(CacheEntryListenerConfiguration<K, V> configuration) {
    requireNonNull(configuration, "cacheEntryListenerConfiguration");
    for (Registration<K, V> registration : registrations) {
      if (registration.configuration.equals(configuration)) {
        throw new IllegalArgumentException("This listener configuration is already registered: " + configuration);
      }
    }
    registrations.add(new Registration<>(configuration, executor));
    active = true;
  }

  /** Removes a listener; an unknown configuration is ignored. */
  public synchronized void deregister(CacheEntryListenerConfiguration<K, V> configuration) {
    requireNonNull(configuration, "cacheEntryListenerConfiguration");
    for (Registration<K, V> registration : registrations) {
      if (registration.configuration.equals(configuration)) {
        registrations.remove(registration);
        registration.close();
        break;
      }
    }
    active = !registrations.isEmpty();
  }

  /** Starts the events of one operation, or returns {@code null} when nobody listens. */
  public EventBatch<K, V> batch() {
    return active ? new EventBatch<>(this) : null;
  }

  /** Publishes an expiry noticed by the store, on the thread that noticed it. */
  public void expired(K key, V value) {
    if (active) {
      EventBatch<K, V> batch = new EventBatch<>(this);
      batch.expired(key, value);
      try {
        batch.dispatch();
      } catch (CacheEntryListenerException e) {
        // Expiry happens on whichever thread notices it; no operation of the caller's failed.
        System.getLogger(EventDispatcher.class.getName()).log(System.Logger.Level.WARNING,
            "Cache entry listener failed on an expiry", e);
      }
    }
  }

  /** Closes every listener and filter that is {@link java.io.Closeable}. */
  public synchronized void close() {
    for (Registration<K, V> registration : registrations) {
      registration.close();
    }
    registrations.clear();
    active = false;
  }

  Cache<K, V> source() {
    return source;
  }

  List<Registration<K, V>> registrations() {
    return registrations;
  }
}
