package io.keyedcache.provider.configuration;

import java.util.Collection;
import java.util.Locale;

/**
 * The name that a mistyped one probably meant, for messages about settings ("did you mean near-cache-size?"), so
 * that the configuration file and a tier's own settings say it alike.
 */
public final class Suggestion {
  private Suggestion() {}

  /**
   * The name of {@code known} closest to {@code name} (by edit distance, ignoring case) if it is at most
   * {@code maxDistance} edits away, else null.
   */
  public static String closest(String name, Collection<String> known, int maxDistance) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance || distance == bestDistance && best != null && candidate.compareTo(best) < 0) {
        bestDistance = distance;
        best = candidate;
      }
    }
    return bestDistance <= maxDistance ? best : null;
  }

  /** " (did you mean x?)" for the closest name at most {@code maxDistance} edits away, or empty. */
  public static String didYouMean(String name, Collection<String> known, int maxDistance) {
    String best = closest(name, known, maxDistance);
    return best == null ? "" : " (did you mean " + best + "?)";
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
