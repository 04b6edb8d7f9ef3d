package io.keyedcache.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shape of the provider's main code, read from its sources: packages whose imports point one way only, a
 * store seam that knows nothing of JCache, and a JCache layer that knows nothing of Caffeine.
 */
class PackageDependenciesTest {
  private static final Path SOURCES = Path.of("src/main/java/io/keyedcache/provider");
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);
  private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.keyedcache\\.provider(?:\\.[a-z]\\w*)*)\\.[A-Z]");
  /** The classes of the JCache layer: they may use the store seam, never Caffeine. */
  private static final Set<String> LAYER = Set.of("KeyedJCache", "Change", "Upsert", "Removal", "Replacement",
      "Invocation", "ReadThrough", "Management", "NativeKeyedCache");

  private record Source(String pkg, String name, String text) {
    /** The text without comments: Javadoc may name what the code does not use. */
    String code() {
      return text.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    }
  }

  private static List<Source> sources() throws IOException {
    List<Source> sources = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        String text = Files.readString(file);
        Matcher pkg = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE).matcher(text);
        assertThat(pkg.find()).as(file.toString()).isTrue();
        String name = file.getFileName().toString().replace(".java", "");
        sources.add(new Source(pkg.group(1), name, text));
      }
    }
    return sources;
  }

  /** The packages of ours that a source uses, by import or by a fully qualified name. */
  private static Set<String> uses(Source source) {
    Set<String> used = new TreeSet<>();
    Matcher imports = IMPORT.matcher(source.text());
    while (imports.find()) {
      if (imports.group(1).startsWith("io.keyedcache.provider")) {
        used.add(packageOf(imports.group(1)));
      }
    }
    Matcher references = REFERENCE.matcher(source.code().replaceAll("(?m)^(package|import) .*$", ""));
    while (references.find()) {
      used.add(references.group(1));
    }
    used.remove(source.pkg());
    return used;
  }

  /** An import names a type, or a type's member for static imports: the package is the lower-case part. */
  private static String packageOf(String name) {
    StringBuilder pkg = new StringBuilder();
    for (String part : name.split("\\.")) {
      if (Character.isUpperCase(part.charAt(0))) {
        break;
      }
      pkg.append(pkg.length() == 0 ? "" : ".").append(part);
    }
    return pkg.toString();
  }

  @Test
  void packageImportsFormNoCycle() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    for (Source source : sources()) {
      graph.computeIfAbsent(source.pkg(), p -> new TreeSet<>()).addAll(uses(source));
    }
    assertThat(graph).containsKeys("io.keyedcache.provider", "io.keyedcache.provider.store",
        "io.keyedcache.provider.caffeine");
    for (String start : graph.keySet()) {
      assertThat(reachable(graph, start)).as("packages that " + start + " reaches through its imports")
          .doesNotContain(start);
    }
  }

  private static Set<String> reachable(Map<String, Set<String>> graph, String start) {
    Set<String> seen = new TreeSet<>();
    List<String> todo = new ArrayList<>(graph.getOrDefault(start, Set.of()));
    while (!todo.isEmpty()) {
      String next = todo.remove(todo.size() - 1);
      if (seen.add(next)) {
        todo.addAll(graph.getOrDefault(next, Set.of()));
      }
    }
    return seen;
  }

  @Test
  void theStoreSeamAndTheCaffeineStoreKnowNothingOfJCache() throws IOException {
    for (Source source : sources()) {
      if (source.pkg().endsWith(".store") || source.pkg().endsWith(".caffeine")) {
        assertThat(source.code()).as(source.name()).doesNotContain("javax.cache");
        assertThat(uses(source)).as(source.name()).doesNotContain("io.keyedcache.provider",
            "io.keyedcache.provider.event", "io.keyedcache.provider.expiry", "io.keyedcache.provider.integration",
            "io.keyedcache.provider.processor", "io.keyedcache.provider.management", "io.keyedcache.provider.copy");
      }
    }
  }

  @Test
  void theJCacheLayerKnowsNothingOfCaffeine() throws IOException {
    Set<String> checked = new TreeSet<>();
    for (Source source : sources()) {
      if (source.pkg().equals("io.keyedcache.provider") && LAYER.contains(source.name())) {
        checked.add(source.name());
        assertThat(source.code()).as(source.name()).doesNotContain("com.github.benmanes");
        assertThat(uses(source)).as(source.name()).doesNotContain("io.keyedcache.provider.caffeine");
      }
    }
    assertThat(checked).isEqualTo(LAYER);
  }
}
