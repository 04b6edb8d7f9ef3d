package io.keyedcache.provider.integration;

import java.util.Collection;
import javax.cache.Cache;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;

/**
 * Calls a {@link CacheWriter} and reports its failures as {@link CacheWriterException}. For the batch calls the
 * writer removes from the collection what it wrote, so what is left after a failure is what was not written.
 */
public final class Writer<K, V> {
  private final CacheWriter<K, V> writer;

  @SuppressWarnings("unchecked")
  public Writer(CacheWriter<? super K, ? super V> writer) {
    // A writer of supertypes accepts our entries; the cast lets the batch calls type-check.
    this.writer = (CacheWriter<K, V>) writer;
  }

  public CacheWriter<? super K, ? super V> delegate() {
    return writer;
  }

  public void write(Cache.Entry<? extends K, ? extends V> entry) {
    try {
      writer.write(entry);
    } catch (CacheWriterException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheWriterException("The cache writer failed to write the key " + entry.getKey() + ": " + e, e);
    }
  }

  public void writeAll(Collection<Cache.Entry<? extends K, ? extends V>> entries) {
    try {
      writer.writeAll(entries);
    } catch (CacheWriterException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheWriterException("The cache writer failed in writeAll: " + e, e);
    }
  }

  public void delete(Object key) {
    try {
      writer.delete(key);
    } catch (CacheWriterException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheWriterException("The cache writer failed to delete the key " + key + ": " + e, e);
    }
  }

  public void deleteAll(Collection<?> keys) {
    try {
      writer.deleteAll(keys);
    } catch (CacheWriterException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheWriterException("The cache writer failed in deleteAll: " + e, e);
    }
  }
}
