package io.keyedcache.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The commands that clients send a redis-server, as {@code MONITOR} shows them: each round trip's top-level command,
 * apart from the commands that scripts run (shown as {@code [0 lua]}). {@link #during} counts what one action sends.
 */
final class Monitor implements AutoCloseable {
  private final RedisServer server;
  private final Socket socket;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private int marks;

  Monitor(RedisServer server) throws IOException {
    this.server = server;
    this.socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
    OutputStream out = socket.getOutputStream();
    out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    if (!"+OK".equals(in.readLine())) {
      throw new IOException("MONITOR was refused");
    }
    Thread reader = new Thread(() -> {
      try {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // closed
      }
    }, "test-monitor");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * The top-level commands (their names, lower case) that clients other than the test's own sent while
   * {@code action} ran, leaving out {@code ping} and {@code script} (the near caches' heartbeat, a script's load).
   */
  List<String> during(Runnable action) {
    return during("", action);
  }

  /** {@link #during(Runnable)}, counting only the commands whose line holds {@code naming} (a cache's hash tag). */
  List<String> during(String naming, Runnable action) {
    int from = mark();
    action.run();
    int to = mark();
    List<String> commands = new ArrayList<>();
    for (String line : lines.subList(from, to)) {
      if (line.contains(" lua]") || line.contains("\"test-mark-") || !line.contains(naming)) {
        continue;
      }
      int quote = line.indexOf('"');
      String name = line.substring(quote + 1, line.indexOf('"', quote + 1)).toLowerCase();
      if (!name.equals("ping") && !name.equals("script") && !name.equals("info")) {
        commands.add(name);
      }
    }
    return commands;
  }

  /** Sends a marker and waits until the monitor has seen it: what came before it is in {@link #lines}. */
  private int mark() {
    String marker = "test-mark-" + (++marks);
    server.send("ECHO " + marker);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < until) {
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (lines.get(i).contains("\"" + marker + "\"")) {
          return i;
        }
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("MONITOR did not show " + marker + " within 5 s");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
