package io.keyedcache.benchmarks;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/** Reads the access traces of {@code shared/traces}: xz files of big-endian ints, gzip files of decimal lines. */
final class Traces {
  private Traces() {}

  static int[] read(Path file) throws IOException {
    String name = file.getFileName().toString();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      if (name.endsWith(".xz")) {
        return readInts(new DataInputStream(new BufferedInputStream(new XZInputStream(raw), 1 << 16)));
      }
      return readLines(new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII)));
    }
  }

  private static int[] readInts(DataInputStream in) throws IOException {
    IntList keys = new IntList();
    try {
      for (;;) {
        keys.add(in.readInt());
      }
    } catch (EOFException end) {
      return keys.toArray();
    }
  }

  private static int[] readLines(BufferedReader in) throws IOException {
    IntList keys = new IntList();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      line = line.trim();
      if (!line.isEmpty()) {
        keys.add((int) Long.parseLong(line));
      }
    }
    return keys.toArray();
  }

  /** Whether the trace's keys are cache2k's packed {@code (type, id, index)} keys. */
  static boolean isComposite(Path file) {
    return file.getFileName().toString().endsWith(".xz");
  }

  /** Bits 27-31 the type, 9-26 the id, 0-8 the index. */
  static Object[] unpack(int key) {
    return new Object[] {key >>> 27, (key >>> 9) & 0x3FFFF, key & 0x1FF};
  }

  static final class IntList {
    private int[] items = new int[1 << 16];
    private int size;

    void add(int value) {
      if (size == items.length) {
        items = java.util.Arrays.copyOf(items, size * 2);
      }
      items[size++] = value;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(items, size);
    }
  }
}
