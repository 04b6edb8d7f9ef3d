package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListenerFuture;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import javax.cache.processor.MutableEntry;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Differential test against the JSR-107 reference implementation: seeded random sequences of every {@link Cache}
 * operation over five keys run on our provider and on the RI, side by side, each cache with a synchronous listener
 * of every event type (old values required), statistics on, and a recording loader and writer. After each
 * operation the two must agree on the return value or exception, the events per key, the change of each
 * statistic, and the loader's and writer's calls. A difference is shrunk to a shortest sequence that still shows
 * it; it fails the test unless it is one of the {@link #ALLOWED} differences, each of which
 * {@code docs/conformance.md} explains with the spec or TCK text that decides it.
 *
 * <p>Sizes: {@code -Ddifferential.sequences} (per setup), {@code -Ddifferential.length}, {@code -Ddifferential.seed}.
 */
class DifferentialTest {
  private static final int SEQUENCES = Integer.getInteger("differential.sequences", 500);
  private static final int LENGTH = Integer.getInteger("differential.length", 30);
  private static final long SEED = Long.getLong("differential.seed", 20261126L);
  private static final int KEYS = 5;

  private static final CacheManager OURS = Caching.getCachingProvider(KeyedCachingProvider.class.getName())
      .getCacheManager(URI.create("keyedcache:differential"), DifferentialTest.class.getClassLoader());
  private static final CacheManager RI = Caching.getCachingProvider("org.jsr107.ri.spi.RICachingProvider")
      .getCacheManager(URI.create("differential-ri"), DifferentialTest.class.getClassLoader());
  private static final MBeanServer MBEANS = ManagementFactory.getPlatformMBeanServer();
  private static final Map<String, List<String>> JOURNALS = new ConcurrentHashMap<>();
  private static int caches;

  @AfterAll
  static void closeManagers() {
    OURS.close();
    RI.close();
  }

  // =========================================================================================== setups

  /** The configurations compared. */
  enum Setup {
    BY_VALUE, BY_REFERENCE, READ_THROUGH, WRITE_THROUGH, EXPIRE_ON_CREATION, EXPIRE_ON_ACCESS, EXPIRE_ON_UPDATE;

    MutableConfiguration<Integer, Integer> configuration(String journal) {
      MutableConfiguration<Integer, Integer> configuration = new MutableConfiguration<Integer, Integer>()
          .setTypes(Integer.class, Integer.class).setStatisticsEnabled(true).setStoreByValue(this != BY_REFERENCE)
          .setCacheLoaderFactory(FactoryBuilder.factoryOf(new RecordingLoader(journal)))
          .setCacheWriterFactory(FactoryBuilder.factoryOf(new RecordingWriter(journal)))
          .setReadThrough(this == READ_THROUGH).setWriteThrough(this == WRITE_THROUGH);
      configuration.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
          FactoryBuilder.factoryOf(new RecordingListener(journal)), null, true, true));
      switch (this) {
        case EXPIRE_ON_CREATION -> configuration.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ZERO));
        case EXPIRE_ON_ACCESS -> configuration.setExpiryPolicyFactory(FactoryBuilder.factoryOf(ExpireOnAccess.class));
        case EXPIRE_ON_UPDATE -> configuration.setExpiryPolicyFactory(FactoryBuilder.factoryOf(ExpireOnUpdate.class));
        default -> { }
      }
      return configuration;
    }
  }

  /** Entries live until read. */
  public static final class ExpireOnAccess implements ExpiryPolicy, Serializable {
    @Override
    public Duration getExpiryForCreation() {
      return Duration.ETERNAL;
    }

    @Override
    public Duration getExpiryForAccess() {
      return Duration.ZERO;
    }

    @Override
    public Duration getExpiryForUpdate() {
      return null;
    }
  }

  /** Entries live until updated. */
  public static final class ExpireOnUpdate implements ExpiryPolicy, Serializable {
    @Override
    public Duration getExpiryForCreation() {
      return Duration.ETERNAL;
    }

    @Override
    public Duration getExpiryForAccess() {
      return null;
    }

    @Override
    public Duration getExpiryForUpdate() {
      return Duration.ZERO;
    }
  }

  /** Loads 100 + key; has no value for key 4; fails for key 3 (and so for any batch holding it). */
  public static final class RecordingLoader implements CacheLoader<Integer, Integer>, Serializable {
    private final String journal;

    RecordingLoader(String journal) {
      this.journal = journal;
    }

    @Override
    public Integer load(Integer key) {
      JOURNALS.get(journal).add("load " + key);
      return value(key);
    }

    private static Integer value(Integer key) {
      if (key == 3) {
        throw new IllegalStateException("the loader has no way to load 3");
      }
      return key == 4 ? null : 100 + key;
    }

    @Override
    public Map<Integer, Integer> loadAll(Iterable<? extends Integer> keys) {
      TreeSet<Integer> sorted = new TreeSet<>();
      keys.forEach(sorted::add);
      JOURNALS.get(journal).add("loadAll " + sorted);
      Map<Integer, Integer> loaded = new LinkedHashMap<>();
      for (Integer key : sorted) {
        Integer value = value(key);
        if (value != null) {
          loaded.put(key, value);
        }
      }
      return loaded;
    }
  }

  /** Records writes and deletes; refuses to write the value 3 and to delete key 0, after doing the rest. */
  public static final class RecordingWriter implements CacheWriter<Integer, Integer>, Serializable {
    private final String journal;

    RecordingWriter(String journal) {
      this.journal = journal;
    }

    @Override
    public void write(Cache.Entry<? extends Integer, ? extends Integer> entry) {
      JOURNALS.get(journal).add("write " + entry.getKey() + "=" + entry.getValue());
      if (entry.getValue() == 3) {
        throw new CacheWriterException("the writer refuses the value 3");
      }
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends Integer, ? extends Integer>> entries) {
      TreeMap<Integer, Integer> sorted = new TreeMap<>();
      entries.forEach(entry -> sorted.put(entry.getKey(), entry.getValue()));
      JOURNALS.get(journal).add("writeAll " + sorted);
      entries.removeIf(entry -> entry.getValue() != 3);
      if (!entries.isEmpty()) {
        throw new CacheWriterException("the writer refuses the value 3");
      }
    }

    @Override
    public void delete(Object key) {
      JOURNALS.get(journal).add("delete " + key);
      if (key.equals(0)) {
        throw new CacheWriterException("the writer refuses to delete 0");
      }
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      JOURNALS.get(journal).add("deleteAll " + new TreeSet<>(keys.stream().map(k -> (Integer) k).toList()));
      keys.removeIf(key -> !key.equals(0));
      if (!keys.isEmpty()) {
        throw new CacheWriterException("the writer refuses to delete 0");
      }
    }
  }

  /** Records every event with its old value, in the order delivered. */
  public static final class RecordingListener implements CacheEntryCreatedListener<Integer, Integer>,
      CacheEntryUpdatedListener<Integer, Integer>, CacheEntryRemovedListener<Integer, Integer>,
      CacheEntryExpiredListener<Integer, Integer>, Serializable {
    private final String journal;

    RecordingListener(String journal) {
      this.journal = journal;
    }

    private void record(Iterable<CacheEntryEvent<? extends Integer, ? extends Integer>> events) {
      for (CacheEntryEvent<? extends Integer, ? extends Integer> event : events) {
        JOURNALS.get(journal).add("event " + event.getKey() + " " + event.getEventType() + " "
            + event.getValue() + " old " + event.getOldValue());
      }
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends Integer, ? extends Integer>> events) {
      record(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends Integer, ? extends Integer>> events) {
      record(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends Integer, ? extends Integer>> events) {
      record(events);
    }

    @Override
    public void onExpired(Iterable<CacheEntryEvent<? extends Integer, ? extends Integer>> events) {
      record(events);
    }
  }

  // =========================================================================================== operations

  /** What an entry processor does. */
  enum Act {
    READ, EXISTS, SET, REMOVE, READ_SET, SET_REMOVE, REMOVE_SET, EXISTS_REMOVE, THROW, READ_THROW
  }

  /** An entry processor doing one {@link Act}, with the value it sets. */
  static final class Processor implements EntryProcessor<Integer, Integer, Object>, Serializable {
    private final Act act;
    private final int value;

    Processor(Act act, int value) {
      this.act = act;
      this.value = value;
    }

    @Override
    public Object process(MutableEntry<Integer, Integer> entry, Object... arguments) {
      switch (act) {
        case READ:
          return entry.getValue();
        case EXISTS:
          return entry.exists();
        case SET:
          entry.setValue(value);
          return null;
        case REMOVE:
          entry.remove();
          return null;
        case READ_SET: {
          Integer old = entry.getValue();
          entry.setValue(value);
          return old;
        }
        case SET_REMOVE:
          entry.setValue(value);
          entry.remove();
          return null;
        case REMOVE_SET:
          entry.remove();
          entry.setValue(value);
          return null;
        case EXISTS_REMOVE: {
          boolean existed = entry.exists();
          entry.remove();
          return existed;
        }
        case THROW:
          throw new IllegalStateException("the processor fails");
        case READ_THROW:
          entry.getValue();
          throw new IllegalStateException("the processor fails after reading");
        default:
          throw new AssertionError(act);
      }
    }

    @Override
    public String toString() {
      return act + (act.name().contains("SET") ? "(" + value + ")" : "");
    }
  }

  /** One operation of a sequence: its name (shown when a sequence is reported) and what it does to a cache. */
  interface Op {
    Object apply(Cache<Integer, Integer> cache) throws Exception;
  }

  record Step(String name, Op op) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Set<Integer> keys(Random random) {
    Set<Integer> keys = new LinkedHashSet<>();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      keys.add(random.nextInt(KEYS));
    }
    return keys;
  }

  private static Step step(Random random) {
    int k = random.nextInt(KEYS);
    int v = 1 + random.nextInt(3);
    int w = 1 + random.nextInt(3);
    Set<Integer> keys = keys(random);
    Processor processor = new Processor(Act.values()[random.nextInt(Act.values().length)], v);
    switch (random.nextInt(22)) {
      case 0: return new Step("get(" + k + ")", c -> c.get(k));
      case 1: return new Step("getAll(" + keys + ")", c -> new TreeMap<>(c.getAll(keys)));
      case 2: return new Step("containsKey(" + k + ")", c -> c.containsKey(k));
      case 3: case 4: return new Step("put(" + k + ", " + v + ")", c -> {
        c.put(k, v);
        return null;
      });
      case 5: {
        Map<Integer, Integer> map = new LinkedHashMap<>();
        keys.forEach(key -> map.put(key, v + key % 2));
        return new Step("putAll(" + map + ")", c -> {
          c.putAll(map);
          return null;
        });
      }
      case 6: return new Step("putIfAbsent(" + k + ", " + v + ")", c -> c.putIfAbsent(k, v));
      case 7: return new Step("getAndPut(" + k + ", " + v + ")", c -> c.getAndPut(k, v));
      case 8: return new Step("remove(" + k + ")", c -> c.remove(k));
      case 9: return new Step("remove(" + k + ", " + v + ")", c -> c.remove(k, v));
      case 10: return new Step("getAndRemove(" + k + ")", c -> c.getAndRemove(k));
      case 11: return new Step("replace(" + k + ", " + v + ")", c -> c.replace(k, v));
      case 12: return new Step("replace(" + k + ", " + v + ", " + w + ")", c -> c.replace(k, v, w));
      case 13: return new Step("getAndReplace(" + k + ", " + v + ")", c -> c.getAndReplace(k, v));
      case 14: return new Step("removeAll(" + keys + ")", c -> {
        c.removeAll(keys);
        return null;
      });
      case 15: return random.nextInt(4) == 0
          ? new Step("removeAll()", c -> {
            c.removeAll();
            return null;
          })
          : new Step("clear()", c -> {
            c.clear();
            return null;
          });
      case 16: case 17: return new Step("invoke(" + k + ", " + processor + ")", c -> c.invoke(k, processor));
      case 18: return new Step("invokeAll(" + keys + ", " + processor + ")", c -> {
        Map<Integer, Object> results = new TreeMap<>();
        for (Map.Entry<Integer, EntryProcessorResult<Object>> result : c.invokeAll(keys, processor).entrySet()) {
          results.put(result.getKey(), outcome(() -> result.getValue().get()));
        }
        return results;
      });
      case 19: return new Step("iterate, removing " + k, c -> {
        TreeMap<Integer, Integer> seen = new TreeMap<>();
        for (Iterator<Cache.Entry<Integer, Integer>> it = c.iterator(); it.hasNext(); ) {
          Cache.Entry<Integer, Integer> entry = it.next();
          seen.put(entry.getKey(), entry.getValue());
          if (entry.getKey() == k) {
            it.remove();
          }
        }
        return seen;
      });
      default: {
        boolean replace = random.nextBoolean();
        return new Step("loadAll(" + keys + ", " + replace + ")", c -> {
          CompletionListenerFuture done = new CompletionListenerFuture();
          c.loadAll(keys, replace, done);
          try {
            done.get(10, TimeUnit.SECONDS);
            return "loaded";
          } catch (ExecutionException e) {
            return "failed " + describe(e.getCause());
          }
        });
      }
    }
  }

  static List<Step> sequence(long seed) {
    Random random = new Random(seed);
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < LENGTH; i++) {
      steps.add(step(random));
    }
    return steps;
  }

  // =========================================================================================== running

  /** What one side showed for one step. */
  record Observation(String result, String events, String statistics, String calls) {}

  /** A difference of one aspect at one step. */
  record Difference(Setup setup, String step, String aspect, String ours, String ri) {
    String signature() {
      return setup + " " + step.replaceAll("\\(.*", "") + " " + aspect;
    }

    @Override
    public String toString() {
      return setup + ", " + step + ": " + aspect + "\n    ours: " + ours + "\n    RI:   " + ri;
    }
  }

  /** One side: a fresh cache and its journal. */
  static final class Side {
    final Cache<Integer, Integer> cache;
    final String journal;
    final ObjectName statistics;
    final CacheManager manager;
    final String name;

    Side(CacheManager manager, Setup setup) throws Exception {
      this.manager = manager;
      this.name = "differential-" + (++caches);
      this.journal = name;
      JOURNALS.put(journal, new CopyOnWriteArrayList<>());
      this.cache = manager.createCache(name, setup.configuration(journal));
      this.statistics = MBEANS.queryNames(new ObjectName("javax.cache:type=CacheStatistics,Cache=" + name + ",*"),
          null).iterator().next();
    }

    long[] statistics() throws Exception {
      String[] names = {"CacheGets", "CacheHits", "CacheMisses", "CachePuts", "CacheRemovals", "CacheEvictions"};
      long[] values = new long[names.length];
      for (int i = 0; i < names.length; i++) {
        values[i] = (Long) MBEANS.getAttribute(statistics, names[i]);
      }
      return values;
    }

    Observation run(Step step) throws Exception {
      List<String> entries = JOURNALS.get(journal);
      entries.clear();
      long[] before = statistics();
      String result = outcome(() -> step.op().apply(cache));
      long[] after = statistics();
      String[] names = {"gets", "hits", "misses", "puts", "removals", "evictions"};
      StringBuilder change = new StringBuilder();
      for (int i = 0; i < names.length; i++) {
        if (after[i] != before[i]) {
          change.append(names[i]).append(" +").append(after[i] - before[i]).append(' ');
        }
      }
      TreeMap<String, List<String>> events = new TreeMap<>();
      List<String> calls = new ArrayList<>();
      for (String entry : entries) {
        if (entry.startsWith("event ")) {
          String[] parts = entry.split(" ", 3);
          events.computeIfAbsent(parts[1], key -> new ArrayList<>()).add(parts[2]);
        } else {
          calls.add(entry);
        }
      }
      calls.sort(null);
      return new Observation(result, events.toString(), change.toString().trim(), calls.toString());
    }

    void destroy() {
      manager.destroyCache(name);
      JOURNALS.remove(journal);
    }
  }

  interface Call {
    Object call() throws Exception;
  }

  static String outcome(Call call) {
    try {
      return String.valueOf(call.call());
    } catch (Throwable e) {
      return "throws " + describe(e);
    }
  }

  static String describe(Throwable e) {
    return e.getClass().getSimpleName() + (e.getCause() == null ? "" : "(" + e.getCause().getClass().getSimpleName()
        + ")");
  }

  /** Runs a sequence on both sides; returns its differences, stopping after one that is not allowed. */
  static List<Difference> compare(Setup setup, List<Step> steps) throws Exception {
    Side ours = new Side(OURS, setup);
    Side ri = new Side(RI, setup);
    List<Difference> differences = new ArrayList<>();
    try {
      for (Step step : steps) {
        Observation a = ours.run(step);
        Observation b = ri.run(step);
        boolean stop = false;
        for (Difference difference : differences(setup, step, a, b)) {
          differences.add(difference);
          Allowed allowed = allowed(difference);
          // after a different result the two caches may hold different entries: later steps would only echo it
          if (allowed == null || difference.aspect().equals("result") || !allowed.stateless) {
            stop = true;
          }
        }
        if (stop) {
          break;
        }
      }
    } finally {
      ours.destroy();
      ri.destroy();
    }
    return differences;
  }

  static List<Difference> differences(Setup setup, Step step, Observation a, Observation b) {
    List<Difference> found = new ArrayList<>();
    if (!a.result().equals(b.result())) {
      found.add(new Difference(setup, step.name(), "result", a.result(), b.result()));
    }
    if (!a.events().equals(b.events())) {
      found.add(new Difference(setup, step.name(), "events", a.events(), b.events()));
    }
    if (!a.statistics().equals(b.statistics())) {
      found.add(new Difference(setup, step.name(), "statistics", a.statistics(), b.statistics()));
    }
    if (!a.calls().equals(b.calls())) {
      found.add(new Difference(setup, step.name(), "loader/writer calls", a.calls(), b.calls()));
    }
    return found;
  }

  /** The shortest sequence found (removing one step at a time) whose first difference has the same signature. */
  static List<Step> shrink(Setup setup, List<Step> steps, String signature) throws Exception {
    List<Step> current = new ArrayList<>(steps);
    boolean shrunk = true;
    while (shrunk) {
      shrunk = false;
      for (int i = 0; i < current.size(); i++) {
        List<Step> candidate = new ArrayList<>(current);
        candidate.remove(i);
        if (unexplained(compare(setup, candidate), signature) != null) {
          current = candidate;
          shrunk = true;
          i--;
        }
      }
    }
    return current;
  }

  /** The first difference of this signature that no allowed difference explains, or {@code null}. */
  static Difference unexplained(List<Difference> differences, String signature) {
    for (Difference difference : differences) {
      if (difference.signature().equals(signature) && allowed(difference) == null) {
        return difference;
      }
    }
    return null;
  }

  // =========================================================================================== allowed

  /**
   * A difference explained in docs/conformance.md. {@code stateless}: it leaves both caches holding the same
   * entries, so the sequence goes on after it.
   */
  record Allowed(String id, boolean stateless, Predicate<Difference> matches) {}

  static final List<Allowed> ALLOWED = List.of(
      new Allowed("ri-removed-event-for-absent-entry", true, d -> d.step().startsWith("invoke")
          && (d.aspect().equals("events") && removedOnlyByRi(d)
              || d.aspect().equals("statistics") && removalsOnlyByRi(d)
                 && counts(d.ours()).getOrDefault("misses", 0L) >= extraRemovals(d))),
      new Allowed("ri-wraps-invokeAll-failures-twice", true, d -> d.aspect().equals("result")
          && d.step().startsWith("invokeAll(")
          && d.ours().replaceAll("EntryProcessorException\\((?!CacheLoaderException)\\w+\\)",
              "EntryProcessorException(EntryProcessorException)").equals(d.ri())),
      new Allowed("ri-loader-failure-in-invoke-unwrapped", true, d -> d.aspect().equals("result")
          && d.step().startsWith("invoke(") && d.ours().equals("throws EntryProcessorException(CacheLoaderException)")
          && d.ri().startsWith("throws CacheLoaderException")),
      new Allowed("ri-calls-loadAll-with-no-keys", true, d -> d.aspect().equals("loader/writer calls")
          && d.step().startsWith("loadAll(") && d.ri().contains("loadAll []")
          && d.ri().replace("loadAll [], ", "").replace(", loadAll []", "").replace("loadAll []", "")
              .equals(d.ours())),
      new Allowed("getAll-loads-with-one-loadAll", false, d -> d.setup() == Setup.READ_THROUGH
          && d.step().startsWith("getAll(")
          && (d.aspect().equals("loader/writer calls") && d.ours().matches("\\[loadAll \\[[0-9, ]*\\]\\]")
              && d.ri().matches("\\[(load \\d(, )?)*\\]")
            || d.aspect().equals("statistics") || d.aspect().equals("result"))),
      new Allowed("ri-expired-event-for-entry-never-created", true, d -> d.setup() == Setup.EXPIRE_ON_CREATION
          && d.aspect().equals("events") && withoutExpired(d.ri()).equals(d.ours())),
      new Allowed("ri-counts-a-hit-for-putIfAbsent-expiring-at-creation", true,
          d -> d.setup() == Setup.EXPIRE_ON_CREATION && d.step().startsWith("putIfAbsent(")
          && d.aspect().equals("statistics") && d.ours().equals("gets +1 misses +1")
          && d.ri().equals("gets +1 hits +1")),
      new Allowed("expired-events-when-noticed", true, d -> expiring(d) && d.aspect().equals("events")
          && withoutExpired(d.ri()).equals(withoutExpired(d.ours()))),
      new Allowed("iterator-remove-after-access-expiry", true, d -> d.setup() == Setup.EXPIRE_ON_ACCESS
          && d.step().startsWith("iterate")
          && (d.aspect().equals("events") && withoutExpired(d.ri().replace("REMOVED", "EXPIRED"))
                  .equals(withoutExpired(d.ours()))
                  && d.ours().matches(".*\\b" + d.step().replaceAll("\\D", "") + "=\\[[^\\]]*EXPIRED.*")
              || d.aspect().equals("statistics") && removalsOnlyByRi(d))),
      new Allowed("ri-counts-removal-of-expired-entry", true, d -> expiring(d) && d.aspect().equals("statistics")
          && d.step().startsWith("remove") && removalsOnlyByRi(d)),
      new Allowed("ri-swallows-writer-exceptions-in-batches", true, d -> d.setup() == Setup.WRITE_THROUGH
          && (d.step().startsWith("putAll(") || d.step().startsWith("removeAll"))
          && d.aspect().equals("result") && d.ours().equals("throws CacheWriterException") && d.ri().equals("null")));

  static boolean expiring(Difference d) {
    return d.setup() == Setup.EXPIRE_ON_ACCESS || d.setup() == Setup.EXPIRE_ON_UPDATE;
  }

  /** Events without the expiries. */
  static String withoutExpired(String events) {
    return without(events, "EXPIRED \\d+ old \\d+");
  }

  /** The events of a {@code {key=[event, ...]}} rendering without those matching {@code regex}. */
  static String without(String events, String regex) {
    return events.replaceAll("(, )?" + regex, "").replace("[, ", "[").replaceAll("\\d+=\\[\\](, )?", "")
        .replace(", }", "}");
  }

  /**
   * Whether the RI's events are ours plus REMOVED events for keys we sent no REMOVED for (expiries set aside:
   * when they are seen differs, see expired-events-when-noticed).
   */
  static boolean removedOnlyByRi(Difference d) {
    String ours = withoutExpired(d.ours());
    String ri = withoutExpired(d.ri());
    for (int key = 0; key < KEYS; key++) {
      if (!ours.contains(key + "=[") || !ours.replaceAll(".*" + key + "=\\[([^\\]]*)\\].*", "$1").contains("REMOVED")) {
        ri = ri.replaceAll("(" + key + "=\\[[^\\]]*?)(, )?REMOVED \\w+ old \\w+", "$1");
      }
    }
    return without(ri, "^$").equals(ours);
  }

  /** Whether the RI's statistics are ours with more removals. */
  static boolean removalsOnlyByRi(Difference d) {
    Map<String, Long> ours = counts(d.ours());
    Map<String, Long> ri = counts(d.ri());
    if (extraRemovals(d) <= 0) {
      return false;
    }
    ours.remove("removals");
    ri.remove("removals");
    return ri.equals(ours);
  }

  static long extraRemovals(Difference d) {
    return counts(d.ri()).getOrDefault("removals", 0L) - counts(d.ours()).getOrDefault("removals", 0L);
  }

  /** The statistics changes of a {@code gets +1 misses +1} rendering. */
  static Map<String, Long> counts(String rendering) {
    Map<String, Long> counts = new TreeMap<>();
    String[] parts = rendering.trim().isEmpty() ? new String[0] : rendering.trim().split(" ");
    for (int i = 0; i + 1 < parts.length; i += 2) {
      counts.put(parts[i], Long.parseLong(parts[i + 1].substring(1)));
    }
    return counts;
  }

  static Allowed allowed(Difference difference) {
    for (Allowed allowed : ALLOWED) {
      if (allowed.matches().test(difference)) {
        return allowed;
      }
    }
    return null;
  }

  // =========================================================================================== the test

  @Test
  void ourProviderAgreesWithTheReferenceImplementationExceptWhereDocumented() throws Exception {
    Map<String, Integer> allowedSeen = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    Set<String> reported = new TreeSet<>();
    long steps = 0;
    for (Setup setup : Setup.values()) {
      for (int s = 0; s < SEQUENCES; s++) {
        long seed = SEED + 1_000L * setup.ordinal() + s;
        List<Step> sequence = sequence(seed);
        List<Difference> differences = compare(setup, sequence);
        steps += sequence.size();
        for (Difference difference : differences) {
          Allowed allowed = allowed(difference);
          if (allowed != null) {
            allowedSeen.merge(allowed.id(), 1, Integer::sum);
          } else if (reported.add(difference.signature())) {
            List<Step> shortest = shrink(setup, sequence, difference.signature());
            Difference shown = unexplained(compare(setup, shortest), difference.signature());
            failures.add("seed " + seed + ", shortest sequence " + shortest + "\n  " + (shown != null ? shown
                : difference + "\n  (seen once, not again when the sequence was run again)"));
          }
        }
      }
    }
    String summary = String.format("differential: %d setups x %d sequences x %d steps = %d steps on each side; "
        + "allowed differences seen: %s", Setup.values().length, SEQUENCES, LENGTH, steps, allowedSeen);
    System.out.println(summary);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "differential.txt"), summary + "\n" + String.join("\n", failures) + "\n",
        StandardCharsets.UTF_8);
    assertThat(failures).as("differences from the RI not explained in docs/conformance.md").isEmpty();
    checkTheDocumentExplainsEveryAllowedDifference();
  }

  private static void checkTheDocumentExplainsEveryAllowedDifference() throws IOException {
    String document = Files.readString(Path.of("..", "docs", "conformance.md"), StandardCharsets.UTF_8);
    for (Allowed allowed : ALLOWED) {
      assertThat(document).as("docs/conformance.md explains " + allowed.id()).contains("`" + allowed.id() + "`");
    }
    assertThat(Objects.requireNonNull(document)).isNotEmpty();
  }
}
