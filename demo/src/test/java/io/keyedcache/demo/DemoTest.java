package io.keyedcache.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The demos as the README's commands run them, each in a process of its own: what they print is what they did. The
 * shared one starts its own {@code redis-server} (the tests' server program: {@code keyedcache.test.redis.server}).
 */
class DemoTest {

  @Test
  void theEmbeddedDemoCountsWhatItShows() throws Exception {
    String output = run(Demo.class.getName());
    assertTrue(output.contains("first call  price(8) = 10.0"), output);
    assertTrue(output.contains("first call  price(9) = 11.25"), output);
    assertTrue(output.contains("computations so far: 2 (price(8) and price(9))"), output);
    assertTrue(output.contains("deleteGroup(\"product\", 123) removed [product::123, product::123::reviews,"
        + " product::123::stock::paris]"), output);
  }

  @Test
  void theSharedDemoShowsSingleFlightGroupDeletionAndInvalidationAcrossTwoJvms() throws Exception {
    String output = run("-Dkeyedcache.demo.server=" + System.getProperty("keyedcache.test.redis.server",
        "redis-server"), SharedDemo.class.getName());
    List<String> lines = output.lines().toList();
    assertEquals(1, lines.stream().filter(line -> line.contains("price(8) = 10.0")
        && line.contains("computed in this JVM")).count(), output);
    assertEquals(1, lines.stream().filter(line -> line.contains("price(8) = 10.0")
        && line.contains("waited for the other JVM's computation")).count(), output);
    assertEquals(1, lines.stream().filter(line -> line.contains("B: price(8) = 10.0")
        && line.contains("from the cache")).count(), output);
    assertTrue(output.contains("B: get product::123::reviews = crisp,sweet"), output);
    assertTrue(output.contains("A: deleteGroup product::123 removed [product::123, product::123::reviews]"), output);
    assertTrue(output.contains("B: get product::123::reviews: NotCachedException"), output);
    assertTrue(output.contains("B: get product::1234 = pear in"), output);
    assertTrue(output.contains("(near cache, no round trip)"), output);
    assertTrue(output.contains("B: get product::1234 = pear, ripe in"), output);
    assertTrue(output.contains("stopped the server"), output);
  }

  private static String run(String... arguments) throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
    command.addAll(List.of(arguments));
    Path log = Files.createTempFile("demo", ".log");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean ended = process.waitFor(120, TimeUnit.SECONDS);
      if (!ended) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertTrue(ended, "timed out: " + output);
      assertEquals(0, process.exitValue(), output);
      return output;
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
