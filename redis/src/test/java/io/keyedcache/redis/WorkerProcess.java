package io.keyedcache.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link JvmWorker} in a JVM process of its own, and the lines it printed so far. */
final class WorkerProcess {
  final Process process;
  final List<String> lines = new CopyOnWriteArrayList<>();

  private WorkerProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@link JvmWorker} with {@code args}, on this JVM's java and class path. */
  static WorkerProcess start(String... args) throws IOException {
    return start(JvmWorker.class, args);
  }

  /** Starts the main class {@code main} with {@code args}, on this JVM's java and class path. */
  static WorkerProcess start(Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    return new WorkerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** The lines that begin with {@code prefix}, without it. */
  List<String> starting(String prefix) {
    List<String> found = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith(prefix)) {
        found.add(line.substring(prefix.length()));
      }
    }
    return found;
  }
}
