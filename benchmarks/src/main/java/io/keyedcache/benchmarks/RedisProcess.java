package io.keyedcache.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** A {@code redis-server} for one benchmark fork, on a free loopback port, without persistence. */
final class RedisProcess implements AutoCloseable {
  final int port;
  private final Process process;

  private RedisProcess(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  /** Starts a server; {@code arguments} are further options of {@code redis-server}. */
  static RedisProcess start(String... arguments) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("redis-server", "--port",
        Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
    command.addAll(java.util.List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    RedisProcess redis = new RedisProcess(port, process);
    for (int i = 0; i < 500 && !"+PONG".equals(redis.send("PING")); i++) {
      Thread.sleep(10);
    }
    return redis;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Sends one inline command; the first line of its reply, or null. */
  String send(String command) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
        line.append((char) c);
      }
      return line.toString();
    } catch (IOException e) {
      return null;
    }
  }

  /** How many GET commands the server has run (INFO commandstats). */
  long gets() {
    for (String line : bulk("INFO commandstats").split("\r\n")) {
      if (line.startsWith("cmdstat_get:calls=")) {
        return Long.parseLong(line.substring("cmdstat_get:calls=".length(), line.indexOf(',')));
      }
    }
    return 0;
  }

  /** The text of a command's bulk string reply ({@code INFO}, {@code CLUSTER INFO}). */
  String bulk(String command) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder head = new StringBuilder();
      for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
        head.append((char) c);
      }
      in.read(); // '\n'
      return new String(in.readNBytes(Integer.parseInt(head.substring(1))), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    send("SHUTDOWN NOSAVE");
    process.waitFor(5, TimeUnit.SECONDS);
    process.destroyForcibly();
  }
}
