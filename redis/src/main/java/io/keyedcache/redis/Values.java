package io.keyedcache.redis;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;
import java.util.UUID;

/** Which values a script may compare by their stored bytes: those whose bytes are equal exactly when they are. */
final class Values {
  private static final Set<Class<?>> EXACT = Set.of(String.class, Integer.class, Long.class, Short.class,
      Byte.class, Character.class, Boolean.class, Double.class, Float.class, BigInteger.class, BigDecimal.class,
      UUID.class);

  private Values() {}

  /**
   * Whether two values of {@code value}'s class are equal exactly when their encodings are: the JDK's value types
   * (an enum constant, and {@code java.time}'s values, included). For any other class {@code equals} may hold
   * between different bytes (a set in another order) or fail between equal ones (identity), so Java compares.
   */
  static boolean exact(Object value) {
    Class<?> type = value.getClass();
    return EXACT.contains(type) || type.isEnum() || (type.getEnclosingClass() != null && type.getEnclosingClass()
        .isEnum() && value instanceof Enum) || "java.time".equals(type.getPackageName());
  }
}
