package io.keyedcache.provider.configuration;

import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.cache.CacheException;
import javax.cache.configuration.Factory;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.Duration;

/**
 * The values of a configuration file, read and checked: booleans, counts, durations and classes, each failure a
 * {@link CacheException} that names the file, the key and what was expected.
 */
final class FileValues {
  private FileValues() {}

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  static boolean bool(String source, String key, String value) {
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    throw error(source, key, "true or false, not '" + value + "'");
  }

  static long count(String source, String key, String value) {
    try {
      long count = Long.parseLong(value.replace("_", ""));
      if (count >= 0) {
        return count;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw error(source, key, "a whole number, 0 or more, not '" + value + "'");
  }

  static Duration duration(String source, String key, String value) {
    long millis;
    Matcher matcher = SHORT_DURATION.matcher(value.toLowerCase(Locale.ROOT));
    try {
      if (matcher.matches()) {
        long amount = Long.parseLong(matcher.group(1));
        switch (matcher.group(2)) {
          case "ms":
            millis = amount;
            break;
          case "s":
            millis = TimeUnit.SECONDS.toMillis(amount);
            break;
          case "m":
            millis = TimeUnit.MINUTES.toMillis(amount);
            break;
          case "h":
            millis = TimeUnit.HOURS.toMillis(amount);
            break;
          default:
            millis = TimeUnit.DAYS.toMillis(amount);
        }
      } else {
        millis = java.time.Duration.parse(value).toMillis();
      }
    } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
      millis = -1;
    }
    if (millis <= 0) {
      throw error(source, key, "a positive duration such as 500ms, 30s, 10m, 1h, 2d or PT30S, not '" + value + "'");
    }
    return new Duration(TimeUnit.MILLISECONDS, millis);
  }

  @SuppressWarnings("unchecked")
  static <T> Class<T> type(String source, String key, String className, Class<?> required,
      ClassLoader classLoader) {
    Class<?> type;
    try {
      type = Class.forName(className, false, classLoader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw error(source, key, "a class that exists, but " + className + " was not found");
    }
    if (!required.isAssignableFrom(type)) {
      throw error(source, key, "a class implementing " + required.getName() + ", but " + className + " is not one");
    }
    return (Class<T>) type;
  }

  static <T> T instance(String source, String key, String className, Class<?> required,
      ClassLoader classLoader) {
    Class<T> type = type(source, key, className, required, classLoader);
    try {
      return type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw error(source, key, "a class with a public no-argument constructor, but " + className
          + " could not be created: " + e);
    }
  }

  /** A factory of {@code required}: from a class implementing it, or from a {@link Factory} class. */
  @SuppressWarnings("unchecked")
  static <T> Factory<T> factory(String source, String key, String className, Class<?> required,
      ClassLoader classLoader) {
    Class<?> type = type(source, key, className, Object.class, classLoader);
    if (Factory.class.isAssignableFrom(type)) {
      return (Factory<T>) instance(source, key, className, Factory.class, classLoader);
    }
    if (!required.isAssignableFrom(type)) {
      throw error(source, key, "the class name of a " + required.getName() + " or of a Factory of one, but "
          + className + " is neither");
    }
    instance(source, key, className, required, classLoader); // fails now rather than when the cache is created
    return FactoryBuilder.factoryOf((Class<T>) type);
  }

  static CacheException error(String source, String key, String expected) {
    return new CacheException("keyedcache configuration " + source + ": " + key + " — expected " + expected);
  }

  static java.time.Duration javaDuration(Duration duration) {
    return java.time.Duration.ofNanos(duration.getTimeUnit().toNanos(duration.getDurationAmount()));
  }

  /** Checks what {@code refresh-after} (the file's {@code key}) needs: read-through, and a lifetime set by writes. */
  static void refreshable(String source, KeyedCacheConfiguration<Object, Object> config, String expiry,
      Duration expiryDuration, String key, String prefix) {
    if (!config.isReadThrough()) {
      throw error(source, key, "read-through as well (" + prefix + "read-through = true, with a loader)");
    }
    if (!"created".equals(expiry) && !"modified".equals(expiry)) {
      throw error(source, key, "expiry created or modified (" + prefix + "expiry), whose lifetime starts at a"
          + " write and is not extended by reads");
    }
    if (config.getRefreshAfter().compareTo(javaDuration(expiryDuration)) >= 0) {
      throw error(source, key, "a duration below " + prefix + "expiry-duration");
    }
  }
}
