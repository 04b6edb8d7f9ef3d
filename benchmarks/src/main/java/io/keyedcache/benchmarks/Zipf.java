package io.keyedcache.benchmarks;

import java.util.Random;

/** Zipf-distributed ranks over {@code [0, n)}, drawn ahead of time so the measured loop only reads an array. */
final class Zipf {
  private Zipf() {}

  /**
   * @param n the number of distinct items
   * @param exponent the skew; 1.0 is the classic Zipf law
   * @param samples how many draws (a power of two, so that callers can index with a mask)
   */
  static int[] draws(int n, double exponent, int samples, long seed) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1.0 / Math.pow(i + 1, exponent);
      cdf[i] = sum;
    }
    Random random = new Random(seed);
    int[] draws = new int[samples];
    for (int s = 0; s < samples; s++) {
      double u = random.nextDouble() * sum;
      int low = 0;
      int high = n - 1;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (cdf[mid] < u) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      draws[s] = low;
    }
    return draws;
  }
}
