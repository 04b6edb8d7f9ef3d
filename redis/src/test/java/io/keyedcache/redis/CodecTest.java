package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A codec of the application's, named by its class: values that are not Serializable stored and copied through it;
 * a JVM without that codec takes its entries as misses, leaves them in place and says which codec it lacks.
 */
class CodecTest {
  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  final Managers managers = new Managers();

  /** Not Serializable: only the codec can store it. */
  public static final class Note {
    final String text;

    Note(String text) {
      this.text = text;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Note note && note.text.equals(text);
    }

    @Override
    public int hashCode() {
      return text.hashCode();
    }
  }

  /** Notes as their text backwards, so that the stored bytes show which codec wrote them. */
  public static final class NoteCodec implements ValueCodec {
    @Override
    public String name() {
      return "note";
    }

    @Override
    public byte[] encode(Object value) {
      if (!(value instanceof Note note)) {
        throw new IllegalArgumentException("only notes, not " + value.getClass().getName());
      }
      return new StringBuilder(note.text).reverse().toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Object decode(byte[] bytes, Decoding decoding) {
      return new Note(new StringBuilder(new String(bytes, StandardCharsets.UTF_8)).reverse().toString());
    }
  }

  private Cache<Object, Object> cache(String query, String namespace) {
    return managers.open(URI.create(REDIS.server().uri() + query + "#" + namespace), new Properties())
        .createCache("c", new MutableConfiguration<>());
  }

  @Test
  void aCodecNamedByItsClassStoresWhatJavaSerializationCannot() {
    Cache<Object, Object> notes = cache("?codec=" + NoteCodec.class.getName(), "notes");
    Note note = new Note("hello");
    notes.put("k", note);
    assertThat(notes.get("k")).isEqualTo(note).isNotSameAs(note);
    assertThat(notes.get("k")).as("a near hit, copied through the codec").isEqualTo(note).isNotSameAs(note);
    assertThat(REDIS.server().bulk("GET notes:{notes:c}:v:sk")).contains("note", "olleh");
    assertThat(notes.getAndPut("k", new Note("bye"))).isEqualTo(note);
    assertThatThrownBy(() -> notes.put("k2", new Object())).hasMessageContaining("only notes");
  }

  @Test
  void aJvmWithoutTheCodecTakesItsEntriesAsMissesAndLeavesThem() throws InterruptedException {
    Cache<Object, Object> notes = cache("?codec=" + NoteCodec.class.getName(), "lacking");
    Cache<Object, Object> plain = cache("?near-cache-size=0&client-name=plain", "lacking");
    notes.put("k", new Note("kept"));
    try (LogLines logged = LogLines.of(RedisStores.class)) {
      assertThat(plain.get("k")).isNull();
      assertThat(logged.messages()).anySatisfy(line -> assertThat(line).contains("codec note",
          "does not have", "left in place"));
    }
    assertThat(notes.get("k")).isEqualTo(new Note("kept"));
    plain.put("k", "replaced");
    Waiting.until("the near cache to hear of the write", () -> "replaced".equals(notes.get("k")), 10);
  }

  @Test
  void aCodecThatIsNoneIsRefusedWithWhatThereIs() {
    assertThatThrownBy(() -> cache("?codec=yaml", "none")).isInstanceOf(CacheException.class)
        .hasMessageContaining("'yaml'").hasMessageContaining("(java)");
    assertThatThrownBy(() -> cache("?codec=java.lang.String", "none2")).isInstanceOf(CacheException.class)
        .hasMessageContaining("must implement");
  }
}
