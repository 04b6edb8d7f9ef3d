package io.keyedcache.provider.event;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.EventType;

/**
 * The cache entry listeners of one cache and the delivery of events to them.
 *
 * <p>An operation that changes entries records its events in an {@link EventBatch} while it holds the entry's
 * lock, and they are queued there: asynchronous listeners on their registration's queue, synchronous ones on this
 * dispatcher's, so that both see one key's events in the order its changes were made. Synchronous events are
 * delivered from that queue, in order, by one thread at a time (a listener that changes the cache delivers its
 * own events before it returns), after the entry's lock is released; the operation returns once its events
 * have been delivered.
 */
public final class EventDispatcher<K, V> {
  private final Cache<K, V> source;
  private final Executor executor;
  private final List<Registration<K, V>> registrations = new CopyOnWriteArrayList<>();
  private volatile boolean active;
  /** Synchronous events not yet delivered, in the order they were made; guarded by itself. */
  private final ArrayDeque<Pending<K, V>> queued = new ArrayDeque<>();
  /** Whether {@link #queued} may hold events: read without the queue's monitor on the operations' paths. */
  private volatile boolean pending;
  /** Held by the thread delivering the queued synchronous events. */
  private final ReentrantLock delivering = new ReentrantLock();

  private record Pending<K, V>(Registration<K, V> registration, EntryEvent<K, V> event, EventBatch<K, V> batch) {}

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
    requireNonNull(configuration, "cacheEntryListenerConfiguration must not be null");
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
    requireNonNull(configuration, "cacheEntryListenerConfiguration must not be null");
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
    return active ? new EventBatch<>(this, true) : null;
  }

  /**
   * Publishes an expiry noticed by the store. This runs inside the store's own callback, which holds the entry's
   * lock: the events are only queued here (asynchronous listeners get theirs queued too, in order), and the
   * thread that made the store notice delivers the synchronous ones with {@link #deliverPending()} once the
   * store's call has returned. A listener that writes the expired key again then writes it outside the lock.
   */
  public void expired(K key, V value) {
    if (active) {
      new EventBatch<>(this, false).expired(key, value);
    }
  }

  /**
   * Delivers queued synchronous events, if any, unless another thread is delivering them now (it then delivers
   * these too). Call it only where no lock of the store is held.
   */
  public void deliverPending() {
    if (pending) {
      deliverQueued(false);
    }
  }

  void queueSynchronous(Registration<K, V> registration, EntryEvent<K, V> event, EventBatch<K, V> batch) {
    synchronized (queued) {
      queued.add(new Pending<>(registration, event, batch));
      pending = true;
    }
  }

  /**
   * Delivers the queued synchronous events in order. With {@code wait}, waits for a thread delivering now to
   * finish, so that on return every event queued before the call has been delivered; without, leaves them to
   * that thread.
   */
  void deliverQueued(boolean wait) {
    boolean locked = wait;
    if (wait) {
      delivering.lock();
    } else {
      locked = delivering.tryLock();
    }
    while (locked) {
      try {
        for (Pending<K, V> next = poll(); next != null; next = poll()) {
          try {
            next.registration().deliver(next.event());
          } catch (CacheEntryListenerException e) {
            next.batch().failed(e);
          }
        }
      } finally {
        delivering.unlock();
      }
      // An event queued after our last poll, by a thread that found us delivering, is ours to deliver.
      locked = hasQueued() && delivering.tryLock();
    }
  }

  private Pending<K, V> poll() {
    synchronized (queued) {
      Pending<K, V> next = queued.poll();
      pending = !queued.isEmpty();
      return next;
    }
  }

  private boolean hasQueued() {
    synchronized (queued) {
      return !queued.isEmpty();
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
