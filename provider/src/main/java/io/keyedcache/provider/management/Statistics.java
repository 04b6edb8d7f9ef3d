package io.keyedcache.provider.management;

import java.util.concurrent.atomic.LongAdder;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * The counters behind {@link CacheStatisticsMXBean}. The cache records into them only while statistics are
 * enabled; averages are in microseconds, as the specification's MXBean defines them.
 */
public final class Statistics implements CacheStatisticsMXBean {
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder removals = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder getNanos = new LongAdder();
  private final LongAdder putNanos = new LongAdder();
  private final LongAdder removeNanos = new LongAdder();

  public void recordHits(long count) {
    hits.add(count);
  }

  public void recordMisses(long count) {
    misses.add(count);
  }

  public void recordPuts(long count) {
    puts.add(count);
  }

  public void recordRemovals(long count) {
    removals.add(count);
  }

  public void recordEvictions(long count) {
    evictions.add(count);
  }

  public void recordGetTime(long nanos) {
    getNanos.add(nanos);
  }

  public void recordPutTime(long nanos) {
    putNanos.add(nanos);
  }

  public void recordRemoveTime(long nanos) {
    removeNanos.add(nanos);
  }

  /** A hit or a miss. */
  public void recordLookup(boolean hit) {
    (hit ? hits : misses).increment();
  }

  /** {@code count} puts, made since {@code startNanos} ({@code System.nanoTime()}). */
  public void recordPutsSince(long count, long startNanos) {
    puts.add(count);
    putNanos.add(System.nanoTime() - startNanos);
  }

  /** {@code count} removals, made since {@code startNanos} ({@code System.nanoTime()}). */
  public void recordRemovalsSince(long count, long startNanos) {
    removals.add(count);
    removeNanos.add(System.nanoTime() - startNanos);
  }

  @Override
  public void clear() {
    for (LongAdder adder : new LongAdder[] {hits, misses, puts, removals, evictions, getNanos, putNanos,
        removeNanos}) {
      adder.reset();
    }
  }

  @Override
  public long getCacheHits() {
    return hits.sum();
  }

  @Override
  public float getCacheHitPercentage() {
    long hitCount = getCacheHits();
    long gets = hitCount + getCacheMisses();
    return gets == 0 ? 0f : 100f * hitCount / gets;
  }

  @Override
  public long getCacheMisses() {
    return misses.sum();
  }

  @Override
  public float getCacheMissPercentage() {
    long missCount = getCacheMisses();
    long gets = missCount + getCacheHits();
    return gets == 0 ? 0f : 100f * missCount / gets;
  }

  @Override
  public long getCacheGets() {
    return getCacheHits() + getCacheMisses();
  }

  @Override
  public long getCachePuts() {
    return puts.sum();
  }

  @Override
  public long getCacheRemovals() {
    return removals.sum();
  }

  @Override
  public long getCacheEvictions() {
    return evictions.sum();
  }

  @Override
  public float getAverageGetTime() {
    return averageMicros(getNanos.sum(), getCacheGets());
  }

  @Override
  public float getAveragePutTime() {
    return averageMicros(putNanos.sum(), getCachePuts());
  }

  @Override
  public float getAverageRemoveTime() {
    return averageMicros(removeNanos.sum(), getCacheRemovals());
  }

  private static float averageMicros(long nanos, long count) {
    return count == 0 ? 0f : (nanos / 1000f) / count;
  }
}
