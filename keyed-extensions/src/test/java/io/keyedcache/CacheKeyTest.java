package io.keyedcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CacheKeyTest {

  enum Color { RED, GREEN }

  record Product(long id) implements CacheIdentity {
    @Override
    public Object cacheIdentity() {
      return id;
    }
  }

  static final class Opaque implements Serializable {
    final String text;

    Opaque(String text) {
      this.text = text;
    }
  }

  @Test
  void rendersReadably() {
    assertEquals("product::123", CacheKey.of("product", 123).toString());
    assertEquals("product::123L::\"a::b\"", CacheKey.of("product", 123L, "a::b").toString());
    assertEquals("\"1\"::1::true::\"true\"", CacheKey.of("1", 1, true, "true").toString());
    assertEquals("x::enum:io.keyedcache.CacheKeyTest$Color.RED", CacheKey.of("x", Color.RED).toString());
    assertEquals("LocalDate:2024-05-01", CacheKey.of(LocalDate.of(2024, 5, 1)).toString());
    assertEquals("io.keyedcache.CacheKeyTest$Product#42L", CacheKey.of(new Product(42)).toString());
    assertEquals("a::[1, \"b c\"]::(x::y)", CacheKey.of("a", List.of(1, "b c"), CacheKey.of("x", "y")).toString());
  }

  @Test
  void isInjectiveWhereTextAloneWouldNotBe() {
    assertNotEquals(CacheKey.of("a::b"), CacheKey.of("a", "b"));
    assertNotEquals(CacheKey.of(1), CacheKey.of("1"));
    assertNotEquals(CacheKey.of(1), CacheKey.of(1L));
    assertNotEquals(CacheKey.of("a", "b"), CacheKey.of(List.of("a", "b")));
    assertNotEquals(CacheKey.of("a", "b", "x"), CacheKey.of(CacheKey.of("a", "b"), "x"));
    assertNotEquals(CacheKey.of(new BigDecimal("1.0")), CacheKey.of(new BigDecimal("1.00")));
  }

  @Test
  void aKeyAsTheOnlyPartIsThatKey() {
    CacheKey key = CacheKey.of("product", 1);
    assertSame(key, CacheKey.of(key));
    assertEquals(key, CacheKey.builder(key).build());
  }

  @Test
  void namedPairsAreSortedByName() {
    CacheKey built = CacheKey.builder("search").with("page", 2).with("order", "price").build();
    assertEquals(CacheKey.of("search", "order", "price", "page", 2), built);
    assertEquals(built, CacheKey.builder("search").with("order", "price").with("page", 2).build());
  }

  @Test
  void hierarchy() {
    CacheKey product = CacheKey.of("product", 1);
    CacheKey reviews = product.child("reviews");
    assertEquals(CacheKey.of("product", 1, "reviews"), reviews);
    assertTrue(product.isParentOf(reviews));
    assertTrue(product.isParentOf(reviews.child(3)));
    assertFalse(reviews.isParentOf(product));
    assertFalse(product.isParentOf(product));
    assertTrue(product.isGroupOf(product));
    assertFalse(product.isParentOf(CacheKey.of("product", 12, "reviews")));
    assertFalse(CacheKey.of("product").isParentOf(CacheKey.of("products", 1)));
  }

  @Test
  void refusedPartsNameTheirTypeAndPosition() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CacheKey.of("a", new Object()));
    assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
    assertTrue(e.getMessage().contains("part 1"), e.getMessage());
    NullPointerException npe = assertThrows(NullPointerException.class, () -> CacheKey.of("a", null));
    assertTrue(npe.getMessage().contains("part 1"), npe.getMessage());
    assertThrows(IllegalArgumentException.class, CacheKey::of);
    assertThrows(NullPointerException.class, () -> CacheKey.of("a", List.of("b"), new ArrayList<>(java.util.Arrays.asList("c", null))));
    assertThrows(NullPointerException.class, () -> CacheKey.builder("a").with("b", null));
    assertThrows(IllegalArgumentException.class, () -> CacheKey.of("a").child());
  }

  @Test
  void otherSerializableObjectsStandAsADigestOfTheirSerializedForm() {
    CacheKey one = CacheKey.of("q", new Opaque("same"));
    assertEquals(one, CacheKey.of("q", new Opaque("same")));
    assertEquals(one.hashCode(), CacheKey.of("q", new Opaque("same")).hashCode());
    assertNotEquals(one, CacheKey.of("q", new Opaque("other")));
    assertTrue(one.toString().startsWith("q::digest:io.keyedcache.CacheKeyTest$Opaque/"), one.toString());
  }

  @Test
  void identityObjectsStandByClassAndIdentity() {
    assertEquals(CacheKey.of(new Product(7)), CacheKey.of(new Product(7)));
    assertNotEquals(CacheKey.of(new Product(7)), CacheKey.of(7L));
  }

  @Test
  void serializationKeepsEqualityAndHash() throws Exception {
    CacheKey key = CacheKey.of("p", 1, Color.GREEN, UUID.randomUUID(), List.of(2L, 'c'), new Product(9),
        LocalDate.of(2020, 1, 1), new Opaque("x"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(key);
    }
    Object copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = in.readObject();
    }
    assertEquals(key, copy);
    assertEquals(key.hashCode(), copy.hashCode());
    assertEquals(key.toString(), copy.toString());
  }

  @Test
  void hashesOfSmallIntegerTriplesDoNotCollide() {
    // The shape of the cache2k traces' keys: (type, id, index). With 31 * h + x, 20,484 such keys fell on
    // 1,721 hash codes; a good 32-bit mix leaves essentially none colliding.
    Set<Integer> hashes = new HashSet<>();
    Set<Integer> lowBits = new HashSet<>();
    int keys = 0;
    for (int type = 0; type < 4; type++) {
      for (int id = 0; id < 1_000; id++) {
        for (int index = 0; index < 6; index++) {
          int h = CacheKey.of(type, id, index).hashCode();
          hashes.add(h);
          lowBits.add(h & 0xFFFF);
          keys++;
        }
      }
    }
    assertTrue(hashes.size() >= keys - 5, hashes.size() + " distinct hashes of " + keys);
    // 24,000 keys thrown into 65,536 buckets at random fill about 20,600 of them.
    assertTrue(lowBits.size() > 20_000, lowBits.size() + " distinct low 16 bits");
  }

  enum Colour { RED, GREEN }

  @Test
  void parseReadsTheTextOfEveryPartThatStandsForItself() {
    UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    CacheKey key = CacheKey.of("product", 123, "123", 7L, (short) 3, (byte) 2, 1.5, 2.5f, new java.math.BigInteger("9"),
        new BigDecimal("1.50"), 'x', true, "true", Colour.GREEN, id, List.of(1, "a b"), CacheKey.of("n", 1),
        Double.NaN, Float.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Float.NaN, "with \"quote\" and \\", -4);
    assertEquals(key, CacheKey.parse(key.toString(), CacheKeyTest.class.getClassLoader()));
    assertEquals(CacheKey.of("product", 123), CacheKey.parse("product::123"));
    assertEquals(CacheKey.of("search", "fruit", "page", 2), CacheKey.parse("search::fruit::page::2"));
  }

  @Test
  void parseNamesWhatItCannotRead() {
    assertEquals("Cannot read a CacheKey from 'a::': at position 3, expected a part",
        assertThrows(IllegalArgumentException.class, () -> CacheKey.parse("a::")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CacheKey.parse("\"open"))
        .getMessage().contains("a closing \""));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CacheKey.parse("12Q"))
        .getMessage().contains("at position 2, expected '::' or the end"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CacheKey.parse("x::LocalDate:2024-01-01"))
        .getMessage().contains("a LocalDate part cannot be read back"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> CacheKey.parse(CacheKey.of(new ArrayList<>(List.of(LocalDate.of(2024, 1, 1)))).toString()))
        .getMessage().contains("cannot be read back"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CacheKey.parse("enum:no.Such.THING"))
        .getMessage().contains("an enum constant"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CacheKey.parse("digest:a.B/00ff"))
        .getMessage().contains("a digest part cannot be read back"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CacheKey.parse("enum:.GREEN"))
        .getMessage().contains("at position 5, expected an enum constant"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CacheKey.parse("\"ends in a backslash\\"))
        .getMessage().contains("at position 0, expected a closing \""));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CacheKey.parse("Float:Big"))
        .getMessage().contains("NaN, Infinity or -Infinity"));
    assertThrows(NullPointerException.class, () -> CacheKey.parse(null));
  }
}
