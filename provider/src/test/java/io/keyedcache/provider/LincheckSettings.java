package io.keyedcache.provider;

import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.Options;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.jetbrains.kotlinx.lincheck.strategy.stress.StressOptions;
import org.jetbrains.kotlinx.lincheck.verifier.Verifier;
import org.jetbrains.kotlinx.lincheck.verifier.linearizability.LinearizabilityVerifier;

/**
 * The sizes of the Lincheck runs, read from system properties so that a long run needs no code change:
 * {@code -Dlincheck.iterations=50 -Dlincheck.invocations=500}. The defaults keep the whole set to about two minutes
 * on a 2-core CI machine. Every scenario: 2 operations first, then 2 threads of 3, then 1.
 */
final class LincheckSettings {
  static final int ITERATIONS = Integer.getInteger("lincheck.iterations", 20);
  static final int INVOCATIONS = Integer.getInteger("lincheck.invocations", 200);

  private LincheckSettings() {}

  /** Model checking: interleavings Lincheck chooses, on instrumented code; linearizability. */
  static void modelCheck(Class<?> test, Class<?> specification) {
    modelCheck(test, specification, LinearizabilityVerifier.class);
  }

  static void modelCheck(Class<?> test, Class<?> specification, Class<? extends Verifier> verifier) {
    LinChecker.check(test, sized(new ModelCheckingOptions().invocationsPerIteration(INVOCATIONS), specification)
        .verifier(verifier));
  }

  /** For checks expected to fail: the first failing scenario, not shrunk, is enough. */
  static void modelCheckUnminimized(Class<?> test, Class<?> specification, Class<? extends Verifier> verifier) {
    LinChecker.check(test, sized(new ModelCheckingOptions().invocationsPerIteration(INVOCATIONS), specification)
        .verifier(verifier).minimizeFailedScenario(false));
  }

  /** Stress: the same kind of scenarios on real threads, many times each. */
  static void stress(Class<?> test, Class<?> specification) {
    stress(test, specification, LinearizabilityVerifier.class);
  }

  static void stress(Class<?> test, Class<?> specification, Class<? extends Verifier> verifier) {
    LinChecker.check(test, sized(new StressOptions().invocationsPerIteration(INVOCATIONS), specification)
        .verifier(verifier));
  }

  private static <O extends Options<O, ?>> O sized(O options, Class<?> specification) {
    return options.iterations(ITERATIONS).threads(2).actorsPerThread(3).actorsBefore(2).actorsAfter(1)
        .sequentialSpecification(specification);
  }
}
