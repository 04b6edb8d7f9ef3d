package io.keyedcache;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads a key back from its readable text ({@link CacheKey#toString()}), for people who type keys: an operator
 * in JConsole, a support script. The inverse of {@link KeyParts#render} for every part that stands for itself;
 * parts that stand as a digest, a {@link CacheIdentity} or a {@code java.time} value are refused by name.
 */
final class KeyText {
  private final String text;
  private final ClassLoader classLoader;
  private int pos;

  private KeyText(String text, ClassLoader classLoader) {
    this.text = text;
    this.classLoader = classLoader;
  }

  static CacheKey parse(String text, ClassLoader classLoader) {
    KeyText reader = new KeyText(text, classLoader);
    List<Object> parts = reader.parts();
    if (reader.pos != text.length()) {
      throw reader.error("'::' or the end");
    }
    return CacheKey.of(parts.toArray());
  }

  private List<Object> parts() {
    List<Object> parts = new ArrayList<>();
    parts.add(part());
    while (text.startsWith(KeyParts.DELIMITER, pos)) {
      pos += KeyParts.DELIMITER.length();
      parts.add(part());
    }
    return parts;
  }

  private Object part() {
    if (pos >= text.length()) {
      throw error("a part");
    }
    char c = text.charAt(pos);
    if (c == '"') {
      return quoted('"');
    }
    if (c == '\'') {
      int start = pos;
      String s = quoted('\'');
      if (s.length() != 1) {
        pos = start;
        throw error("one character between single quotes");
      }
      return s.charAt(0);
    }
    if (c == '(') {
      pos++;
      List<Object> inner = parts();
      expect(')');
      return CacheKey.of(inner.toArray());
    }
    if (c == '[') {
      pos++;
      List<Object> list = new ArrayList<>();
      if (!text.startsWith("]", pos)) {
        list.add(part());
        while (text.startsWith(", ", pos)) {
          pos += 2;
          list.add(part());
        }
      }
      expect(']');
      return list;
    }
    if (c == '-' || Character.isDigit(c)) {
      return number();
    }
    int start = pos;
    String word = word();
    if (word.isEmpty()) {
      throw error("a part");
    }
    if (text.startsWith(":", pos) && !text.startsWith(KeyParts.DELIMITER, pos)) {
      pos++;
      return prefixed(word, start);
    }
    if (text.startsWith("#", pos)) {
      pos = start;
      throw error("a part that stands for itself; a CacheIdentity part cannot be read back");
    }
    if (word.equals("true") || word.equals("false")) {
      return Boolean.valueOf(word);
    }
    return word;
  }

  private Object prefixed(String prefix, int start) {
    int valueStart = pos;
    String value = until();
    switch (prefix) {
      case "uuid":
        try {
          return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
          pos = valueStart;
          throw error("a UUID");
        }
      case "enum": {
        int dot = value.lastIndexOf('.');
        if (dot > 0) {
          try {
            Class<?> type = Class.forName(value.substring(0, dot), false, classLoader);
            if (type.isEnum()) {
              for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(value.substring(dot + 1))) {
                  return constant;
                }
              }
            }
          } catch (ClassNotFoundException | LinkageError e) {
            // reported below
          }
        }
        pos = valueStart;
        throw error("an enum constant <class name>.<constant> that exists");
      }
      case "Double":
      case "Float": {
        double special = value.equals("NaN") ? Double.NaN : value.equals("Infinity") ? Double.POSITIVE_INFINITY
            : value.equals("-Infinity") ? Double.NEGATIVE_INFINITY : 0;
        if (special != 0) {
          return prefix.equals("Double") ? (Object) special : (Object) (float) special;
        }
        pos = valueStart;
        throw error("NaN, Infinity or -Infinity");
      }
      default:
        pos = start;
        throw error("a part that stands for itself; a " + prefix + " part cannot be read back");
    }
  }

  private Object number() {
    int start = pos;
    pos++;
    while (pos < text.length() && "0123456789.eE+-".indexOf(text.charAt(pos)) >= 0
        && !text.startsWith(KeyParts.DELIMITER, pos)) {
      pos++;
    }
    String digits = text.substring(start, pos);
    char suffix = pos < text.length() ? text.charAt(pos) : ' ';
    try {
      switch (suffix) {
        case 'L':
          pos++;
          return Long.valueOf(digits);
        case 'S':
          pos++;
          return Short.valueOf(digits);
        case 'B':
          pos++;
          return Byte.valueOf(digits);
        case 'D':
          pos++;
          return Double.valueOf(digits);
        case 'F':
          pos++;
          return Float.valueOf(digits);
        case 'N':
          pos++;
          return new BigInteger(digits);
        case 'M':
          pos++;
          return new BigDecimal(digits);
        default:
          return Integer.valueOf(digits);
      }
    } catch (NumberFormatException e) {
      pos = start;
      throw error("a number: an int, or one with its type's letter (12L, 1.5D, 7N, 1.50M)");
    }
  }

  private String word() {
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == '@')) {
        break;
      }
      pos++;
    }
    return text.substring(start, pos);
  }

  /** The text up to the next delimiter or closing bracket of the enclosing part. */
  private String until() {
    int start = pos;
    while (pos < text.length() && !text.startsWith(KeyParts.DELIMITER, pos) && text.charAt(pos) != ')'
        && text.charAt(pos) != ']' && !text.startsWith(", ", pos)) {
      pos++;
    }
    return text.substring(start, pos);
  }

  private String quoted(char quote) {
    int start = pos;
    pos++;
    StringBuilder s = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == quote) {
        return s.toString();
      }
      if (c == '\\' && pos < text.length()) {
        c = text.charAt(pos++);
      }
      s.append(c);
    }
    pos = start;
    throw error("a closing " + quote);
  }

  private void expect(char c) {
    if (!text.startsWith(String.valueOf(c), pos)) {
      throw error("'" + c + "'");
    }
    pos++;
  }

  private IllegalArgumentException error(String expected) {
    return new IllegalArgumentException("Cannot read a CacheKey from '" + text + "': at position " + pos
        + ", expected " + expected);
  }
}
