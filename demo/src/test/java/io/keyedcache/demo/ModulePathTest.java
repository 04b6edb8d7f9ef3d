package io.keyedcache.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The provider on the module path: its jars (and cache-api's and Caffeine's) as modules, found by
 * {@code Caching.getCachingProvider()} through the service file of the automatic module {@code io.keyedcache.provider}.
 * Needs the packaged jars of the reactor, so it runs under {@code mvn verify} (the README's test command).
 */
class ModulePathTest {
  private static final String[] LIBRARIES = {"provider", "keyed-extensions", "cache-api", "caffeine", "jspecify",
      "error_prone_annotations"};

  @Test
  void theProviderWorksFromTheModulePath() throws Exception {
    List<String> modulePath = new ArrayList<>();
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Paths.get(entry).getFileName().toString();
      boolean library = false;
      for (String prefix : LIBRARIES) {
        library |= name.startsWith(prefix + "-") && name.endsWith(".jar");
      }
      if (library) {
        modulePath.add(entry);
      } else if (!name.endsWith(".jar")) {
        classPath.add(entry); // this module's classes and test classes
      }
    }
    assertEquals(LIBRARIES.length, modulePath.size(), "libraries found: " + modulePath);

    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "--module-path", String.join(File.pathSeparator, modulePath),
        "--add-modules", "ALL-MODULE-PATH", "-cp", String.join(File.pathSeparator, classPath),
        ModulePathCheck.class.getName()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out: " + output);

    assertEquals(0, process.exitValue(), output);
    assertTrue(output.contains("provider io.keyedcache.provider.KeyedCachingProvider in module io.keyedcache.provider"),
        output);
    assertTrue(output.contains("keyed API in module io.keyedcache"), output);
    assertTrue(output.contains("read back apple"), output);
  }
}
