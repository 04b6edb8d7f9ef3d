package io.keyedcache;

/**
 * A function of any number of arguments, for {@link KeyedCache#varargsFunction}.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface VarargsFunction<R> {

  /** Computes the result for these arguments. */
  R apply(Object... args);
}
