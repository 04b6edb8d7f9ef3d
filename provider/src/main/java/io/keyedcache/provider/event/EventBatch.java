package io.keyedcache.provider.event;

import java.util.ArrayList;
import java.util.List;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.EventType;

/**
 * The events of one cache operation. Methods that record an event are called while the operation holds the
 * entry's lock (asynchronous listeners are queued then, so one key's events keep their order);
 * {@link #dispatch()} is called after the lock is released and runs the synchronous listeners on the caller.
 */
public final class EventBatch<K, V> {
  private record Delivery<K, V>(Registration<K, V> registration, EntryEvent<K, V> event) {}

  private final EventDispatcher<K, V> dispatcher;
  private List<Delivery<K, V>> synchronous;

  EventBatch(EventDispatcher<K, V> dispatcher) {
    this.dispatcher = dispatcher;
  }

  public void created(K key, V value) {
    add(EventType.CREATED, key, value, null, false);
  }

  public void updated(K key, V value, V oldValue) {
    add(EventType.UPDATED, key, value, oldValue, true);
  }

  /** A removal; the event's value and old value are both the removed value, as the TCK expects. */
  public void removed(K key, V oldValue) {
    add(EventType.REMOVED, key, oldValue, oldValue, true);
  }

  public void expired(K key, V oldValue) {
    add(EventType.EXPIRED, key, oldValue, oldValue, true);
  }

  private void add(EventType type, K key, V value, V oldValue, boolean hasOld) {
    for (Registration<K, V> registration : dispatcher.registrations()) {
      if (!registration.accepts(type)) {
        continue;
      }
      EntryEvent<K, V> event = new EntryEvent<>(dispatcher.source(), type, key, value, oldValue, hasOld);
      if (registration.isSynchronous()) {
        if (synchronous == null) {
          synchronous = new ArrayList<>(2);
        }
        synchronous.add(new Delivery<>(registration, event));
      } else {
        registration.enqueue(event);
      }
    }
  }

  /**
   * Runs the synchronous listeners in order. Every listener gets its events even if one fails; the first
   * failure is then thrown.
   */
  public void dispatch() {
    if (synchronous == null) {
      return;
    }
    CacheEntryListenerException failure = null;
    for (Delivery<K, V> delivery : synchronous) {
      try {
        delivery.registration().deliver(delivery.event());
      } catch (CacheEntryListenerException e) {
        if (failure == null) {
          failure = e;
        }
      }
    }
    synchronous = null;
    if (failure != null) {
      throw failure;
    }
  }
}
