package io.keyedcache.redis;

import io.keyedcache.provider.KeyedCachingProvider;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.processor.EntryProcessor;

/**
 * One JVM of {@link LeaseFaultTest}, on a cache with created expiry and statistics whose key {@code hot} every JVM
 * changes. Prints {@code READY}, then per operation that took 100 ms or more {@code SLOW <start epoch ms> <ms>}, per
 * failure {@code FAIL <start epoch ms> <ms> <message>}, and at the end {@code DONE <operations>}.
 *
 * <pre>
 * mix &lt;redis uri&gt; &lt;namespace&gt; &lt;id&gt; &lt;threads&gt; &lt;millis&gt; [name=value...]   steps and scripted writes on hot
 * hold &lt;redis uri&gt; &lt;namespace&gt; &lt;id&gt; &lt;millis&gt; [name=value...]    one step on hot that takes millis
 *                                                  (prints INSIDE once inside)
 * </pre>
 */
public final class LeaseWorker {
  private LeaseWorker() {}

  /** Adds one to the entry's number: a step that runs Java under the key's lease. */
  public static final class Increment implements EntryProcessor<String, String, Void>, Serializable {
    private static final long serialVersionUID = 1L;
    private final long sleepMillis;

    Increment(long sleepMillis) {
      this.sleepMillis = sleepMillis;
    }

    @Override
    public Void process(javax.cache.processor.MutableEntry<String, String> entry, Object... arguments) {
      if (sleepMillis > 0) {
        System.out.println("INSIDE");
        System.out.flush();
        try {
          Thread.sleep(sleepMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      entry.setValue(Long.toString(entry.exists() ? Long.parseLong(entry.getValue()) + 1 : 1));
      return null;
    }
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Properties properties = new Properties();
    properties.setProperty("namespace", args[2]);
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (equals > 0 && !arg.contains("://")) {
        properties.setProperty(arg.substring(0, equals), arg.substring(equals + 1));
      }
    }
    CacheManager manager = Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(args[1] + "#" + args[2] + "-" + args[3]), LeaseWorker.class.getClassLoader(), properties);
    Cache<String, String> cache = manager.createCache("leased", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10)))
        .setStatisticsEnabled(true));
    System.out.println("READY");
    System.out.flush();
    if (mode.equals("hold")) {
      timed(() -> cache.invoke("hot", new Increment(Long.parseLong(args[4]))));
      System.out.println("DONE 1");
    } else {
      int threads = Integer.parseInt(args[4]);
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[5]));
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<Long>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          long operations = 0;
          for (long i = 0; System.nanoTime() < until && operations < 1_000_000; i++) {
            if ((i + thread) % 2 == 0) {
              timed(() -> cache.invoke("hot", new Increment(0)));
            } else {
              timed(() -> cache.put("hot", Long.toString(-1)));
            }
            operations++;
          }
          return operations;
        }));
      }
      long operations = 0;
      for (Future<Long> future : done) {
        operations += future.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      System.out.println("DONE " + operations);
    }
    System.out.flush();
    manager.close();
    System.exit(0);
  }

  private static void timed(Runnable operation) {
    long start = System.currentTimeMillis();
    long began = System.nanoTime();
    try {
      operation.run();
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
      if (took >= 100) {
        System.out.println("SLOW " + start + " " + took);
      }
    } catch (RuntimeException e) {
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
      System.out.println("FAIL " + start + " " + took + " " + String.valueOf(e.getMessage()).replace('\n', ' '));
    }
  }
}
