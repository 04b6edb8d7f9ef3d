package io.keyedcache.provider.event;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/**
 * One registered listener: its filter, whether it is synchronous, and for an asynchronous one a queue drained on
 * the cache's executor by one task at a time, so that it sees the events in the order they were published.
 */
final class Registration<K, V> {
  final CacheEntryListenerConfiguration<K, V> configuration;
  // Raw: the listener takes events of a supertype of K and V, which Java's wildcards cannot express for a call.
  @SuppressWarnings("rawtypes")
  private final CacheEntryListener listener;
  private final CacheEntryEventFilter<? super K, ? super V> filter;
  private final boolean synchronous;
  private final boolean oldValueRequired;
  private final Executor executor;

  private final ArrayDeque<CacheEntryEvent<K, V>> queue = new ArrayDeque<>();
  private final AtomicBoolean draining = new AtomicBoolean();

  Registration(CacheEntryListenerConfiguration<K, V> configuration, Executor executor) {
    this.configuration = configuration;
    Factory<CacheEntryListener<? super K, ? super V>> listenerFactory =
        configuration.getCacheEntryListenerFactory();
    if (listenerFactory == null) {
      throw new IllegalArgumentException("The listener configuration has no listener factory");
    }
    this.listener = listenerFactory.create();
    Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
        configuration.getCacheEntryEventFilterFactory();
    this.filter = filterFactory == null ? null : filterFactory.create();
    this.synchronous = configuration.isSynchronous();
    this.oldValueRequired = configuration.isOldValueRequired();
    this.executor = executor;
  }

  boolean isSynchronous() {
    return synchronous;
  }

  boolean isOldValueRequired() {
    return oldValueRequired;
  }

  boolean accepts(EventType type) {
    switch (type) {
      case CREATED:
        return listener instanceof CacheEntryCreatedListener;
      case UPDATED:
        return listener instanceof CacheEntryUpdatedListener;
      case REMOVED:
        return listener instanceof CacheEntryRemovedListener;
      case EXPIRED:
        return listener instanceof CacheEntryExpiredListener;
      default:
        return false;
    }
  }

  /** Delivers on the calling thread; the listener's or filter's exception is thrown as a listener exception. */
  @SuppressWarnings("unchecked")
  void deliver(CacheEntryEvent<K, V> event) {
    try {
      if (filter != null && !filter.evaluate(event)) {
        return;
      }
      @SuppressWarnings("rawtypes")
      List events = List.of(event);
      switch (event.getEventType()) {
        case CREATED:
          ((CacheEntryCreatedListener) listener).onCreated(events);
          break;
        case UPDATED:
          ((CacheEntryUpdatedListener) listener).onUpdated(events);
          break;
        case REMOVED:
          ((CacheEntryRemovedListener) listener).onRemoved(events);
          break;
        case EXPIRED:
          ((CacheEntryExpiredListener) listener).onExpired(events);
          break;
        default:
          throw new AssertionError(event.getEventType());
      }
    } catch (CacheEntryListenerException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheEntryListenerException("Listener " + listener.getClass().getName() + " failed on " + event, e);
    }
  }

  /** Queues an event for asynchronous delivery, in publication order. */
  void enqueue(CacheEntryEvent<K, V> event) {
    synchronized (queue) {
      queue.add(event);
    }
    scheduleDrain();
  }

  private void scheduleDrain() {
    if (draining.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        // The mutation is done and its caller must not be told it failed; the events are delivered here instead,
        // still one drain at a time and in order, and the rejection is logged.
        System.getLogger(Registration.class.getName()).log(System.Logger.Level.WARNING,
            "The cache's executor " + executor.getClass().getName() + " rejected the delivery of events to the "
            + "asynchronous listener " + listener.getClass().getName() + "; delivering them on the calling thread",
            e);
        drain();
      }
    }
  }

  private void drain() {
    try {
      for (;;) {
        CacheEntryEvent<K, V> event;
        synchronized (queue) {
          event = queue.poll();
        }
        if (event == null) {
          break;
        }
        try {
          deliver(event);
        } catch (RuntimeException e) {
          // An asynchronous listener has no caller to tell; the spec says its exceptions are ignored.
          System.getLogger(Registration.class.getName()).log(System.Logger.Level.WARNING,
              "Asynchronous cache entry listener failed", e);
        }
      }
    } finally {
      draining.set(false);
    }
    boolean more;
    synchronized (queue) {
      more = !queue.isEmpty();
    }
    if (more) {
      scheduleDrain();
    }
  }

  void close() {
    closeQuietly(listener);
    closeQuietly(filter);
  }

  private static void closeQuietly(Object object) {
    try {
      if (object instanceof Closeable) {
        ((Closeable) object).close();
      } else if (object instanceof AutoCloseable) {
        ((AutoCloseable) object).close();
      }
    } catch (IOException e) {
      System.getLogger(Registration.class.getName()).log(System.Logger.Level.WARNING, "Failed to close " + object, e);
    } catch (Exception e) {
      System.getLogger(Registration.class.getName()).log(System.Logger.Level.WARNING, "Failed to close " + object, e);
    }
  }
}
