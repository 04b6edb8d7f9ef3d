package io.keyedcache.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} for tests, on a free loopback port, with no persistence; stopped by
 * {@code SHUTDOWN NOSAVE} and then by its process. Needs the Debian package {@code redis-server}.
 */
public final class RedisServer implements RedisTarget {
  /**
   * The system property naming the server program the tests start: {@code redis-server} by default,
   * {@code valkey-server} for the runs on Valkey (then {@code valkey-cli} joins a cluster).
   */
  public static final String PROGRAM = "keyedcache.test.redis.server";

  private final List<String> extra;
  /** A Sentinel's configuration file, which comes first on its command line; null for a server. */
  private Path sentinelConfig;
  private final String password;
  private final Path directory;
  private int port;
  private Process process;

  private RedisServer(List<String> extra) throws IOException {
    this.extra = extra;
    int at = extra.indexOf("--requirepass");
    this.password = at >= 0 && at + 1 < extra.size() ? extra.get(at + 1) : null;
    this.directory = Files.createTempDirectory("redis-test");
  }

  /** Starts a server; {@code arguments} are more of redis-server's options, such as {@code --requirepass x}. */
  public static RedisServer start(String... arguments) throws IOException {
    RedisServer server = new RedisServer(List.of(arguments));
    server.startOnFreePort();
    return server;
  }

  /**
   * Starts a Sentinel ({@code redis-server <config> --sentinel}) that monitors the master on {@code masterPort} under
   * the name {@code masterName}, with a quorum of one.
   */
  public static RedisServer sentinel(int masterPort, String masterName) throws IOException {
    RedisServer sentinel = new RedisServer(List.of("--sentinel"));
    sentinel.sentinelConfig = sentinel.directory.resolve("sentinel.conf");
    Files.writeString(sentinel.sentinelConfig, "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort
        + " 1\nsentinel down-after-milliseconds " + masterName + " 5000\n");
    sentinel.startOnFreePort();
    return sentinel;
  }

  /** The server program the tests start ({@link #PROGRAM}). */
  public static String program() {
    return System.getProperty(PROGRAM, "redis-server");
  }

  /** The command-line client that goes with it. */
  static String client() {
    return program().replace("-server", "-cli");
  }

  public int port() {
    return port;
  }

  @Override
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  private void startOnFreePort() throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = socket.getLocalPort();
      }
      try {
        launch();
        return;
      } catch (IOException e) {
        last = e; // the port was taken meanwhile, most likely
      }
    }
    throw last;
  }

  private void launch() throws IOException {
    List<String> command = new ArrayList<>(List.of(program()));
    if (sentinelConfig != null) {
      command.add(sentinelConfig.toString());
    }
    command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
        "no", "--dir", directory.toString()));
    command.addAll(extra);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(directory.resolve("redis.log").toFile());
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException(program() + " could not be started: install the Debian package "
          + program() + " (.ci/run does; valkey-server from bookworm-backports)", e);
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < until) {
      if (!process.isAlive()) {
        throw new IOException(program() + " on port " + port + " exited: " + Files.readString(
            directory.resolve("redis.log")));
      }
      if (ping()) {
        return;
      }
      sleep(20);
    }
    process.destroyForcibly();
    throw new IOException(program() + " on port " + port + " did not answer PING within 10 s");
  }

  /** Whether the server answers PING now (a NOAUTH error counts: it is up). */
  public boolean ping() {
    String reply = send("PING");
    return reply != null && (reply.startsWith("+PONG") || reply.startsWith("-NOAUTH"));
  }

  /** Sends one inline command and returns the first line of the reply, or null if the server is not there. */
  @Override
  public String send(String command) {
    return exchange(command, false);
  }

  /** Sends one inline command whose reply is a bulk string (INFO, GET) and returns it, or null for none. */
  public String bulk(String command) {
    return exchange(command, true);
  }

  private String exchange(String command, boolean bulk) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      if (password != null) {
        out.write(("AUTH " + password + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        line(in);
      }
      out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      String head = line(in);
      if (!bulk) {
        return head;
      }
      if (!head.startsWith("$") || head.equals("$-1")) {
        return null;
      }
      return new String(in.readNBytes(Integer.parseInt(head.substring(1))), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }

  /** How many times the server has run {@code command} (lower case, such as {@code get}) since it started. */
  @Override
  public long calls(String command) {
    String info = bulk("INFO commandstats");
    if (info == null) {
      throw new IllegalStateException("redis-server on port " + port + " did not answer INFO");
    }
    for (String line : info.split("\r\n")) {
      if (line.startsWith("cmdstat_" + command + ":calls=")) {
        String rest = line.substring(("cmdstat_" + command + ":calls=").length());
        return Long.parseLong(rest.substring(0, rest.indexOf(',')));
      }
    }
    return 0;
  }

  /** Stops the server's process (SIGSTOP) until {@link #resume()}: a server that hangs, its sockets open. */
  public void suspend() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** Lets a suspended server run again (SIGCONT). */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
      line.append((char) c);
    }
    return line.toString().strip();
  }

  /** Kills the server at once (SIGKILL), as a crash would. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the server again on the same port, empty. */
  public void restart() throws IOException {
    kill();
    launch();
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      send("SHUTDOWN NOSAVE");
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
