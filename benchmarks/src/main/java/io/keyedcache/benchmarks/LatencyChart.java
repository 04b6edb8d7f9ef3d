package io.keyedcache.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The report of {@link RefreshLatency}: p50, p99 and max by second of each run, as a Markdown table and an SVG line
 * chart on a logarithmic scale, and the figures the targets speak of.
 */
final class LatencyChart {
  private LatencyChart() {}

  /** One second of a run, in milliseconds. */
  record Second(int second, int calls, double p50, double p99, double max) {}

  /**
   * One run: its seconds, and over the calls that began after their JVM's first answer, p50, p99 and max; how many
   * of those took at least the computation time.
   */
  record Run(String mode, List<Second> seconds, long calls, double p50, double p99, double max, long slow,
      long computations) {
    static Run read(String mode, List<Path> files, int count, long computations) throws IOException {
      List<List<Long>> bySecond = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        bySecond.add(new ArrayList<>());
      }
      List<Long> after = new ArrayList<>();
      for (Path file : files) {
        for (String line : Files.readAllLines(file)) {
          String[] parts = line.split(" ");
          int second = Integer.parseInt(parts[0]);
          long nanos = Long.parseLong(parts[1]);
          if (second < count) {
            bySecond.get(second).add(nanos);
          }
          if (parts[2].equals("0")) {
            after.add(nanos);
          }
        }
      }
      List<Second> seconds = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        long[] sorted = sorted(bySecond.get(i));
        seconds.add(new Second(i, sorted.length, millis(sorted, 0.50), millis(sorted, 0.99), millis(sorted, 1.0)));
      }
      long[] sorted = sorted(after);
      long slow = Arrays.stream(sorted).filter(n -> n >= RefreshLatency.COMPUTE_MILLIS * 1_000_000L).count();
      return new Run(mode, seconds, sorted.length, millis(sorted, 0.50), millis(sorted, 0.99), millis(sorted, 1.0),
          slow, computations);
    }

    private static long[] sorted(List<Long> values) {
      long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
      Arrays.sort(sorted);
      return sorted;
    }

    private static double millis(long[] sorted, double quantile) {
      if (sorted.length == 0) {
        return 0;
      }
      int at = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
      return sorted[Math.max(0, at)] / 1e6;
    }
  }

  static void report(List<Run> runs, long computeMillis, Path svg) throws IOException {
    Run hit = runs.get(0);
    List<Run> functions = runs.stream().filter(run -> run.computations() > 0).toList();
    StringBuilder table = new StringBuilder("| second |");
    for (Run run : functions) {
      table.append(String.format(" %s p50 | p99 | max |", run.mode()));
    }
    table.append("\n|---|").append("---|---|---|".repeat(functions.size())).append('\n');
    for (int s = 0; s < hit.seconds().size(); s++) {
      table.append("| ").append(s).append(" |");
      for (Run run : functions) {
        Second second = run.seconds().get(s);
        table.append(String.format(Locale.ROOT, " %.3f | %.3f | %.1f |", second.p50(), second.p99(), second.max()));
      }
      table.append('\n');
    }
    System.out.println(table);
    for (Run run : runs) {
      System.out.printf(Locale.ROOT, "%s: %,d calls after each JVM's first answer: p50 %.3f ms, p99 %.3f ms, max %.1f"
          + " ms; %d took %d ms or more; %d computations%n", run.mode(), run.calls(), run.p50(), run.p99(),
          run.max(), run.slow(), computeMillis, run.computations());
    }
    for (Run run : runs.subList(1, runs.size())) {
      System.out.printf(Locale.ROOT, "%s: p99 / hit p99 = %.2f; p99 / rewritten p99 = %.2f; max / computation = %.2f%n",
          run.mode(), run.p99() / hit.p99(), run.p99() / runs.get(Math.min(1, runs.size() - 1)).p99(),
          run.max() / computeMillis);
    }
    Files.writeString(svg, svg(runs, computeMillis), StandardCharsets.UTF_8);
  }

  private static final double LOW = 0.0005;
  private static final double HIGH = 1000;
  private static final int WIDTH = 860;
  private static final int HEIGHT = 420;
  private static final int LEFT = 70;
  private static final int RIGHT = 210;
  private static final int TOP = 30;
  private static final int BOTTOM = 50;

  private static double y(double millis) {
    double clamped = Math.max(LOW, Math.min(HIGH, millis));
    double share = (Math.log10(clamped) - Math.log10(LOW)) / (Math.log10(HIGH) - Math.log10(LOW));
    return TOP + (1 - share) * (HEIGHT - TOP - BOTTOM);
  }

  private static double x(double second, int count) {
    return LEFT + (second + 0.5) / count * (WIDTH - LEFT - RIGHT);
  }

  private static String svg(List<Run> runs, long computeMillis) {
    int count = runs.get(0).seconds().size();
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
        + " font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", WIDTH, HEIGHT));
    out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">Cached function on the shared"
        + " tier, 3 JVMs x 8 threads: latency per second (ms, log scale)</text>%n", LEFT));
    for (double tick = 0.001; tick <= HIGH * 1.001; tick *= 10) {
      out.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#dddddd\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, WIDTH - RIGHT, y(tick), y(tick),
          LEFT - 6, y(tick) + 4, tick < 1 ? String.format(Locale.ROOT, "%.3f", tick).replaceAll("0+$", "")
          : String.valueOf((long) tick)));
    }
    for (int s = 0; s < count; s += 2) {
      out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
          x(s, count), HEIGHT - BOTTOM + 16, s));
    }
    out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">second of the run</text>%n",
        (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 12));
    reference(out, computeMillis, "#000000", "computation " + computeMillis + " ms", 0);
    reference(out, runs.get(0).p99(), "#888888", String.format(Locale.ROOT, "plain hit p99 %.3f ms",
        runs.get(0).p99()), 1);
    String[] colors = {"#d62728", "#1f77b4"};
    int legend = 2;
    List<Run> functions = runs.stream().filter(run -> run.computations() > 0).toList();
    for (int r = 0; r < functions.size(); r++) {
      Run run = functions.get(r);
      String color = colors[r % colors.length];
      line(out, run, Second::max, color, "none", run.mode() + " max", legend++);
      line(out, run, Second::p99, color, "6,3", run.mode() + " p99", legend++);
      line(out, run, Second::p50, color, "2,3", run.mode() + " p50", legend++);
    }
    return out.append("</svg>\n").toString();
  }

  private static void reference(StringBuilder out, double millis, String color, String label, int row) {
    out.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
        + " stroke-dasharray=\"1,4\"/>%n", LEFT, WIDTH - RIGHT, y(millis), y(millis), color));
    legendRow(out, color, "1,4", label, row);
  }

  private static void line(StringBuilder out, Run run, java.util.function.ToDoubleFunction<Second> value, String color,
      String dash, String label, int row) {
    StringBuilder points = new StringBuilder();
    int count = run.seconds().size();
    for (Second second : run.seconds()) {
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(second.second(), count), y(value.applyAsDouble(second))));
    }
    out.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\""
        + " stroke-dasharray=\"%s\" points=\"%s\"/>%n", color, dash, points.toString().trim()));
    legendRow(out, color, dash, label, row);
  }

  private static void legendRow(StringBuilder out, String color, String dash, String label, int row) {
    int top = TOP + 10 + row * 20;
    out.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\""
        + " stroke-width=\"2\" stroke-dasharray=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>%n", WIDTH - RIGHT + 15,
        WIDTH - RIGHT + 45, top, top, color, dash, WIDTH - RIGHT + 52, top + 4, label));
  }
}
