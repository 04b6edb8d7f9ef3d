package io.keyedcache.provider.event;

import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.EventType;

/**
 * The events of one cache operation. Methods that record an event are called while the operation holds the
 * entry's lock, and queue the event there for every listener: so one key's events keep the order in which its
 * changes were made, for synchronous and asynchronous listeners alike. {@link #dispatch()} is called after the
 * lock is released and returns once the synchronous listeners have had this operation's events.
 */
public final class EventBatch<K, V> {
  private final EventDispatcher<K, V> dispatcher;
  /** Whether a caller waits for these events; the store's own expiries have none. */
  private final boolean attended;
  private boolean synchronous;
  private volatile CacheEntryListenerException failure;

  EventBatch(EventDispatcher<K, V> dispatcher, boolean attended) {
    this.dispatcher = dispatcher;
    this.attended = attended;
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
        synchronous = true;
        dispatcher.queueSynchronous(registration, event, this);
      } else {
        registration.enqueue(event);
      }
    }
  }

  /** Records the first failure of a synchronous listener on one of this operation's events. */
  void failed(CacheEntryListenerException e) {
    if (!attended) {
      // Expiry happens on whichever thread notices it; no operation of a caller's failed.
      System.getLogger(EventDispatcher.class.getName()).log(System.Logger.Level.WARNING,
          "Cache entry listener failed on an expiry", e);
    } else if (failure == null) {
      failure = e;
    }
  }

  /**
   * Returns when the synchronous listeners have had this operation's events, and any queued before them such as
   * the store's expiries (delivered by this thread, or by another one that was delivering them). Every listener
   * gets its events even if one fails; the first failure is then thrown.
   */
  public void dispatch() {
    if (!synchronous) {
      // none of ours, but the store may have queued expiries it noticed during this operation
      dispatcher.deliverPending();
      return;
    }
    dispatcher.deliverQueued(true);
    CacheEntryListenerException first = failure;
    if (first != null) {
      throw first;
    }
  }
}
