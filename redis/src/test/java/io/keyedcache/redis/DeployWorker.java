package io.keyedcache.redis;

import io.keyedcache.provider.KeyedCachingProvider;
import java.io.Serializable;
import java.net.URI;
import java.util.List;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * One JVM of {@link RollingDeployTest}, a version of an application: {@code new} has {@link Product} in its
 * serialization filter, {@code old} does not. It writes its own entries, reads its own and the other version's, and
 * prints {@code HITS <prefix> <count>}, {@code MISSES <prefix> <count>}, {@code LOG <message>} for each warning
 * keyedcache logged, then {@code DONE}.
 *
 * <pre>
 * &lt;new|old&gt; &lt;redis uri&gt; &lt;namespace&gt; &lt;write prefix or -&gt; &lt;read prefix&gt;... &lt;rounds&gt;
 * </pre>
 */
public final class DeployWorker {
  static final int KEYS = 50;

  /** A class of the new version of the application. */
  public record Product(String name, long price) implements Serializable {}

  private DeployWorker() {}

  public static void main(String[] args) throws Exception {
    boolean newVersion = args[0].equals("new");
    List<String> logged = LogLines.of(RedisStores.class).messages();
    Properties settings = new Properties();
    settings.setProperty("namespace", args[2]);
    settings.setProperty("serialization-filter", newVersion ? "io.keyedcache.redis.DeployWorker$Product"
        : "io.keyedcache.redis.SomethingElse");
    CacheManager manager = Caching.getCachingProvider(KeyedCachingProvider.class.getName()).getCacheManager(
        URI.create(args[1] + "#" + args[0]), DeployWorker.class.getClassLoader(), settings);
    Cache<Object, Object> cache = manager.createCache("shared", new MutableConfiguration<>());
    String written = args[3];
    if (!written.equals("-")) {
      for (int i = 0; i < KEYS; i++) {
        cache.put(written + i, newVersion ? new Product("product " + i, i) : "text " + i);
      }
    }
    int rounds = Integer.parseInt(args[args.length - 1]);
    for (int r = 4; r < args.length - 1; r++) {
      String prefix = args[r];
      int hits = 0;
      int misses = 0;
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < KEYS; i++) {
          if (cache.get(prefix + i) != null) {
            hits++;
          } else {
            misses++;
          }
        }
      }
      System.out.println("HITS " + prefix + " " + hits);
      System.out.println("MISSES " + prefix + " " + misses);
    }
    logged.forEach(line -> System.out.println("LOG " + line.replace('\n', ' ')));
    manager.close();
    System.out.println("DONE");
  }
}
