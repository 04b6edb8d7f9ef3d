package io.keyedcache.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH's JSON results into the throughput ratios against the raw client of the same run: raw Caffeine for
 * the embedded benchmarks ({@code provider} parameter), raw Lettuce for {@link SharedTierBenchmark} ({@code target}
 * parameter, one row per thread count), the embedded tier for {@link NearCacheBenchmark} (its {@code hit} only):
 * a Markdown table on standard output and an SVG bar chart. Usage:
 * {@code java -cp benchmarks.jar io.keyedcache.benchmarks.Chart jmh.json[,more.json] chart.svg}.
 */
public final class Chart {
  private static final String[] COLORS = {"#444444", "#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd"};

  private Chart() {}

  /** One measured score. */
  record Score(String row, String provider, double score, double error) {}

  private static final List<String> SHARED = List.of("RAW_LETTUCE", "KEYEDCACHE", "REDISSON");
  private static final List<String> NEAR = List.of("EMBEDDED", "EMBEDDED_BOUNDED", "NEAR", "SHARED", "REDISSON");

  public static void main(String[] args) throws Exception {
    List<Score> scores = new ArrayList<>();
    for (String file : args[0].split(",")) {
      scores.addAll(read(Paths.get(file)));
    }
    Map<String, Map<String, Score>> rows = new LinkedHashMap<>();
    for (Score score : scores) {
      rows.computeIfAbsent(score.row(), r -> new LinkedHashMap<>()).put(score.provider(), score);
    }
    boolean shared = scores.stream().anyMatch(score -> SHARED.get(0).equals(score.provider()));
    boolean near = scores.stream().anyMatch(score -> NEAR.get(0).equals(score.provider()));
    List<String> providers = new ArrayList<>();
    if (shared) {
      providers.addAll(SHARED);
    } else if (near) {
      providers.addAll(NEAR);
      rows.values().removeIf(row -> !row.containsKey(NEAR.get(0))); // a workload without the embedded tier: no base
    } else {
      for (Provider provider : Provider.values()) {
        providers.add(provider.name());
      }
    }
    String base = providers.get(0);

    StringBuilder table = new StringBuilder("| workload | ");
    table.append(String.join(" | ", providers)).append(" |\n|---|").append("---|".repeat(providers.size()))
        .append('\n');
    for (Map.Entry<String, Map<String, Score>> row : rows.entrySet()) {
      Score baseScore = row.getValue().get(base);
      table.append("| ").append(row.getKey()).append(" |");
      for (String provider : providers) {
        Score score = row.getValue().get(provider);
        table.append(' ').append(score == null || baseScore == null ? "—" : ratio(score, baseScore)).append(" |");
      }
      table.append('\n');
    }
    System.out.print(table);
    if (args.length > 1) {
      Files.writeString(Paths.get(args[1]), svg(rows, providers, shared ? "raw Lettuce"
          : near ? "the embedded tier" : "raw Caffeine"), StandardCharsets.UTF_8);
    }
  }

  /** The ratio to the raw client, with the range that the two 99.9% confidence intervals allow. */
  private static String ratio(Score score, Score base) {
    double ratio = score.score() / base.score();
    double low = (score.score() - score.error()) / (base.score() + base.error());
    double high = (score.score() + score.error()) / Math.max(1e-12, base.score() - base.error());
    return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", ratio, Math.max(0, low), high);
  }

  static List<Score> read(Path file) throws Exception {
    List<Score> scores = new ArrayList<>();
    for (Object item : (List<?>) Json.parse(Files.readString(file))) {
      Map<?, ?> result = (Map<?, ?>) item;
      if (!"thrpt".equals(result.get("mode"))) {
        continue;
      }
      Map<?, ?> params = (Map<?, ?>) result.get("params");
      if (params == null || (params.get("provider") == null && params.get("target") == null)) {
        continue;
      }
      String benchmark = (String) result.get("benchmark");
      String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      String row;
      String provider;
      if (params.get("target") != null) {
        int threads = ((Number) result.get("threads")).intValue();
        row = method + ", " + threads + (threads == 1 ? " thread" : " threads");
        provider = (String) params.get("target");
      } else {
        row = method + ("true".equals(params.get("storeByValue")) ? ", by value" : ", by reference");
        provider = (String) params.get("provider");
      }
      Map<?, ?> metric = (Map<?, ?>) result.get("primaryMetric");
      Object error = metric.get("scoreError");
      scores.add(new Score(row, provider, (Double) metric.get("score"),
          error instanceof Double ? (Double) error : 0.0));
    }
    return scores;
  }

  private static String svg(Map<String, Map<String, Score>> rows, List<String> providers, String baseName) {
    int barHeight = 9;
    int groupGap = 14;
    int left = 230;
    int width = 760;
    double maxRatio = 1.2;
    int groupHeight = barHeight * providers.size() + groupGap;
    int height = 60 + rows.size() * groupHeight + 40;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
        + " font-family=\"sans-serif\" font-size=\"11\">\n", left + width + 20, height));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">Throughput relative to %s"
        + " (1.0 = as fast); error bars: 99.9%% confidence</text>\n", left, baseName));
    for (int tick = 0; tick <= 6; tick++) {
      double r = tick * 0.2;
      double x = left + width * r / maxRatio;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"35\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>\n",
          x, x, height - 40, r == 1.0 ? "#888" : "#eee"));
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.1f</text>\n", x,
          height - 25, r));
    }
    int y = 45;
    for (Map.Entry<String, Map<String, Score>> row : rows.entrySet()) {
      Score base = row.getValue().get(providers.get(0));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 8,
          y + groupHeight / 2 - 4, row.getKey()));
      for (int p = 0; p < providers.size(); p++) {
        Score score = row.getValue().get(providers.get(p));
        if (score != null && base != null) {
          double ratio = Math.min(maxRatio, score.score() / base.score());
          double errorRatio = ratio * Math.sqrt(Math.pow(score.error() / score.score(), 2)
              + Math.pow(base.error() / base.score(), 2));
          double w = width * ratio / maxRatio;
          int by = y + p * barHeight;
          svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
              left, by, w, barHeight - 2, COLORS[p % COLORS.length]));
          double e1 = left + width * Math.max(0, ratio - errorRatio) / maxRatio;
          double e2 = left + width * Math.min(maxRatio, ratio + errorRatio) / maxRatio;
          svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
              + " stroke=\"black\"/>\n", e1, by + (barHeight - 2) / 2.0, e2, by + (barHeight - 2) / 2.0));
        }
      }
      y += groupHeight;
    }
    int lx = left;
    for (int p = 0; p < providers.size(); p++) {
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
          + "<text x=\"%d\" y=\"%d\">%s</text>\n", lx, height - 14, COLORS[p % COLORS.length], lx + 14,
          height - 5, providers.get(p)));
      lx += 125;
    }
    return svg.append("</svg>\n").toString();
  }
}
