package io.keyedcache.jackson;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.keyedcache.redis.ValueCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The shared tier's {@code json} codec: a value is stored as its class's name, a newline, and its JSON as Jackson
 * writes it. Selected by the setting {@code codec = json} with this module on the class path.
 *
 * <p>What it is for: classes that change between versions of an application (a property added in one version is
 * ignored by the one before, a property missing is left at its default), and values that programs in other languages
 * read. Values are objects Jackson can write and read (records, beans with a constructor Jackson can use, and the
 * JDK's collections of them); java.time values are written as ISO-8601 text. Where a property's declared type is
 * {@code Object}, an interface or abstract (a {@code List}, a {@code Map}), the JSON names the class of its value, so
 * that a {@code List<Dto>} comes back as one.
 *
 * <p>Decoding makes objects only of classes that the manager's {@code serialization-filter} allows, as Java
 * serialization does: the class of the value and of every property whose JSON names its class; any other entry is a
 * miss for the JVM, left in place and logged. Thread-safe.
 */
public final class JsonCodec implements ValueCodec {
  /** The codec's name, for the setting {@code codec}. */
  public static final String NAME = "json";

  /** The filter of the manager whose value is being decoded on this thread. */
  private static final ThreadLocal<Decoding> DECODING = new ThreadLocal<>();

  private final ObjectMapper mapper;

  /** Public for {@link java.util.ServiceLoader}. */
  public JsonCodec() {
    this.mapper = JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .activateDefaultTyping(new Filtered(), ObjectMapper.DefaultTyping.OBJECT_AND_NON_CONCRETE)
        .build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte[] encode(Object value) {
    byte[] type = value.getClass().getName().getBytes(StandardCharsets.UTF_8);
    byte[] json;
    try {
      json = mapper.writerFor(value.getClass()).writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot store a value of class " + value.getClass().getName()
          + " on the shared tier with the codec json: Jackson cannot write it (" + e.getOriginalMessage() + ")", e);
    }
    byte[] bytes = Arrays.copyOf(type, type.length + 1 + json.length);
    bytes[type.length] = '\n';
    System.arraycopy(json, 0, bytes, type.length + 1, json.length);
    return bytes;
  }

  @Override
  public Object decode(byte[] bytes, Decoding decoding) throws IOException, ClassNotFoundException {
    int newline = 0;
    while (newline < bytes.length && bytes[newline] != '\n') {
      newline++;
    }
    if (newline == bytes.length) {
      throw new IOException("no class name before the JSON");
    }
    String name = new String(bytes, 0, newline, StandardCharsets.UTF_8);
    Class<?> type = Class.forName(name, false, decoding.classLoader());
    if (!decoding.allows(type)) {
      throw new IOException("the class " + name + " is outside this manager's serialization-filter");
    }
    Decoding previous = DECODING.get();
    DECODING.set(decoding);
    try {
      return mapper.readerFor(type).readValue(bytes, newline + 1, bytes.length - newline - 1);
    } finally {
      if (previous == null) {
        DECODING.remove();
      } else {
        DECODING.set(previous);
      }
    }
  }

  /** Lets the JSON name a class only when the filter of the manager decoding it allows that class. */
  private static final class Filtered extends PolymorphicTypeValidator.Base {
    private static final long serialVersionUID = 1L;

    @Override
    public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
      Decoding decoding = DECODING.get();
      if (decoding == null) {
        return Validity.DENIED; // only decode() reads
      }
      return decoding.allows(subType.getRawClass()) ? Validity.ALLOWED : Validity.DENIED;
    }
  }
}
