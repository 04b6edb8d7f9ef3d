package io.keyedcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link CacheKey} over many random part lists from a seeded generator. A failure prints the seed;
 * set the system property {@code cachekey.seed} to replay it.
 */
class CacheKeyPropertiesTest {
  private static final String ALPHABET = "ab:\\\"' ,[]()#.-_1é";
  // Strings are built from tokens that other renderings use, so that near-collisions are frequent.
  private static final String[] TOKENS = {"a", "b", "::", ":", "\\", "\"", "'", " ", ",", "[", "(", "1", "L", "#",
      "true", "enum", "uuid:", "é"};
  private static final int KEYS = 20_000;

  private final long seed = Long.getLong("cachekey.seed", System.nanoTime());
  private final Random random = new Random(seed);

  private Object randomPart(int depth) {
    switch (random.nextInt(depth > 1 ? 8 : 10)) {
      case 0:
      case 1:
      case 2:
        return randomString();
      case 3:
        return random.nextInt(5) - 2;
      case 4:
        return (long) (random.nextInt(5) - 2);
      case 5:
        return random.nextBoolean();
      case 6:
        return ALPHABET.charAt(random.nextInt(ALPHABET.length()));
      case 7:
        return random.nextInt(3) / 2.0;
      case 8:
        List<Object> list = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
          list.add(randomPart(depth + 1));
        }
        return list;
      default:
        return CacheKey.of(randomParts(depth + 1));
    }
  }

  private String randomString() {
    StringBuilder s = new StringBuilder();
    for (int i = random.nextInt(4); i > 0; i--) {
      s.append(TOKENS[random.nextInt(TOKENS.length)]);
    }
    return s.toString();
  }

  private Object[] randomParts(int depth) {
    Object[] parts = new Object[1 + random.nextInt(3)];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = randomPart(depth);
    }
    return parts;
  }

  @Test
  void equalPartsGiveEqualKeysAndDistinctKeysGiveDistinctTexts() {
    Map<List<Object>, CacheKey> byParts = new HashMap<>();
    Map<String, CacheKey> byText = new HashMap<>();
    try {
      for (int i = 0; i < KEYS; i++) {
        Object[] parts = randomParts(0);
        CacheKey key = CacheKey.of(parts);
        CacheKey again = CacheKey.of(parts.clone());
        assertEquals(key, again);
        assertEquals(key.hashCode(), again.hashCode());
        assertEquals(key.toString(), again.toString());

        List<Object> normalized = key.parts();
        CacheKey previous = byParts.putIfAbsent(normalized, key);
        if (previous != null) {
          assertEquals(previous, key);
          assertEquals(previous.hashCode(), key.hashCode());
        }
        CacheKey sameText = byText.putIfAbsent(key.toString(), key);
        if (sameText != null && !sameText.equals(key)) {
          fail("Two different keys render alike: " + sameText.parts() + " and " + key.parts() + " as " + key);
        }
      }
      // Different keys are different under equals too: no two distinct part lists made equal keys.
      assertEquals(byParts.size(), byText.size());
    } catch (AssertionError e) {
      throw new AssertionError("Failed with -Dcachekey.seed=" + seed + ": " + e.getMessage(), e);
    }
  }

  @Test
  void everyKeyOfReadablePartsIsReadBackFromItsText() {
    try {
      for (int i = 0; i < KEYS; i++) {
        CacheKey key = CacheKey.of(randomParts(0));
        CacheKey read = CacheKey.parse(key.toString());
        assertEquals(key, read, key.toString());
        assertEquals(key.toString(), read.toString());
      }
    } catch (AssertionError | IllegalArgumentException e) {
      throw new AssertionError("Failed with -Dcachekey.seed=" + seed + ": " + e.getMessage(), e);
    }
  }

  @Test
  void orderIsConsistentWithEqualsAndKeepsEachGroupContiguous() {
    try {
      List<CacheKey> keys = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        CacheKey key = CacheKey.of(randomParts(1));
        keys.add(key);
        keys.add(key.child(randomPart(1)));
        keys.add(key.child(randomPart(1), randomPart(1)));
      }
      for (int i = 0; i < keys.size(); i++) {
        CacheKey a = keys.get(i);
        CacheKey b = keys.get(random.nextInt(keys.size()));
        assertEquals(a.equals(b), a.compareTo(b) == 0, a + " vs " + b);
        assertEquals(Integer.signum(a.compareTo(b)), -Integer.signum(b.compareTo(a)), a + " vs " + b);
      }
      TreeSet<CacheKey> sorted = new TreeSet<>(keys);
      for (int i = 0; i < 500; i++) {
        CacheKey parent = keys.get(random.nextInt(keys.size()));
        boolean inGroup = true;
        for (CacheKey k : sorted.tailSet(parent, true)) {
          if (!parent.isGroupOf(k)) {
            inGroup = false;
          } else {
            assertTrue(inGroup, "group of " + parent + " is not contiguous at " + k);
          }
        }
      }
    } catch (AssertionError e) {
      throw new AssertionError("Failed with -Dcachekey.seed=" + seed + ": " + e.getMessage(), e);
    }
  }
}
