package io.keyedcache.demo;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The shared tier at work across two JVMs, printed: two processes ({@link SharedDemoJvm}) on one {@code redis-server}
 * show single flight of a cached function, a group deletion that the other JVM sees at once, and a near cache that
 * the other JVM's write invalidates.
 *
 * <p>{@code mvn -B -q -pl demo -am package exec:java -DskipTests -Dexec.mainClass=io.keyedcache.demo.SharedDemo}
 * starts {@code redis-server} (or the program named by {@code -Dkeyedcache.demo.server=valkey-server}) on a free
 * loopback port and stops it at the end; {@code -Dkeyedcache.demo.redis=redis://host:port} uses a server that is
 * already running instead (the demo's keys are under the namespace {@code keyedcache-demo}, cleared at the start).
 */
public final class SharedDemo {
  private static final long REPLY_SECONDS = 30;

  private SharedDemo() {}

  public static void main(String[] args) throws Exception {
    String given = System.getProperty("keyedcache.demo.redis");
    Process server = null;
    Path folder = null;
    String uri = given;
    if (uri == null) {
      folder = Files.createTempDirectory("keyedcache-demo");
      int port = freePort();
      String program = System.getProperty("keyedcache.demo.server", "redis-server");
      server = new ProcessBuilder(program, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
          "--appendonly", "no", "--dir", folder.toString()).redirectErrorStream(true)
          .redirectOutput(folder.resolve("server.log").toFile()).start();
      uri = "redis://127.0.0.1:" + port;
      awaitPort(port, server);
      System.out.println("started " + program + " on " + uri + " (pid " + server.pid() + ")");
    }
    List<Jvm> jvms = new ArrayList<>();
    try {
      Jvm a = new Jvm("A", uri, true);
      jvms.add(a);
      Jvm b = new Jvm("B", uri, false);
      jvms.add(b);
      System.out.println("JVM A is pid " + a.process.pid() + ", JVM B is pid " + b.process.pid()
          + ", each a keyedcache manager on " + uri + "#keyedcache-demo");

      step("1. single flight across JVMs: A and B call the cached function price(8) at once; it takes 1 s");
      CompletableFuture<Void> inA = CompletableFuture.runAsync(() -> a.ask("price 8"));
      CompletableFuture<Void> inB = CompletableFuture.runAsync(() -> b.ask("price 8"));
      inA.get(REPLY_SECONDS, TimeUnit.SECONDS);
      inB.get(REPLY_SECONDS, TimeUnit.SECONDS);
      a.ask("computations");
      b.ask("computations");
      b.ask("price 8");

      step("2. a group deletion in A, seen by B at once");
      a.ask("put product::123 apple");
      a.ask("put product::123::reviews crisp,sweet");
      a.ask("put product::1234 pear");
      b.ask("get product::123::reviews");
      a.ask("deleteGroup product::123");
      b.ask("get product::123::reviews");
      b.ask("get product::1234");

      step("3. B's near cache, invalidated by A's write");
      b.ask("get product::1234");
      b.ask("get product::1234");
      a.ask("put product::1234 pear, ripe");
      b.ask("get product::1234");
      a.ask("tier");
      b.ask("tier");
    } finally {
      for (Jvm jvm : jvms) {
        jvm.close();
      }
      if (server != null) {
        server.destroy();
        server.waitFor(10, TimeUnit.SECONDS);
        System.out.println();
        System.out.println("stopped the server");
      }
      if (folder != null) {
        for (File file : folder.toFile().listFiles()) {
          file.delete();
        }
        Files.deleteIfExists(folder);
      }
    }
  }

  /**
   * The demo's class path: under {@code mvn exec:java} the project's jars are in the class loader the plugin made,
   * not on {@code java.class.path} (which names Maven's own launcher).
   */
  static String classPath() {
    if (SharedDemo.class.getClassLoader() instanceof java.net.URLClassLoader loader) {
      List<String> entries = new ArrayList<>();
      for (java.net.URL url : loader.getURLs()) {
        try {
          entries.add(Path.of(url.toURI()).toString());
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
          throw new IllegalStateException("the class path entry " + url + " is not a file", e);
        }
      }
      return String.join(File.pathSeparator, entries);
    }
    return System.getProperty("java.class.path");
  }

  private static void step(String title) {
    System.out.println();
    System.out.println(title);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void awaitPort(int port, Process server) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() - until < 0) {
      if (!server.isAlive()) {
        throw new IllegalStateException("the server exited at once with " + server.exitValue()
            + ": is redis-server installed (apt-get install redis-server)?");
      }
      try (Socket socket = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    server.destroyForcibly();
    throw new IllegalStateException("the server did not listen on port " + port + " within 10 s");
  }

  /** One JVM of the demo: a process that takes a command per line and answers lines ending with a lone ".". */
  private static final class Jvm implements AutoCloseable {
    private final String name;
    private final Process process;
    private final PrintStream commands;
    private final BufferedReader replies;

    Jvm(String name, String uri, boolean clear) throws IOException {
      this.name = name;
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      this.process = new ProcessBuilder(java, "-cp", classPath(),
          SharedDemoJvm.class.getName(), uri, Boolean.toString(clear)).redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
      this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      ask("ready");
    }

    /** Sends {@code command} and prints the JVM's answer, each line under its name. */
    void ask(String command) {
      CompletableFuture<List<String>> answer = CompletableFuture.supplyAsync(() -> {
        synchronized (this) {
          commands.println(command);
          List<String> lines = new ArrayList<>();
          try {
            for (String line = replies.readLine(); line != null && !line.equals("."); line = replies.readLine()) {
              lines.add(line);
            }
          } catch (IOException e) {
            lines.add("(lost: " + e.getMessage() + ")");
          }
          return lines;
        }
      });
      try {
        for (String line : answer.get(REPLY_SECONDS, TimeUnit.SECONDS)) {
          System.out.println("   " + name + ": " + line);
        }
      } catch (Exception e) {
        throw new IllegalStateException("JVM " + name + " did not answer '" + command + "' within "
            + REPLY_SECONDS + " s", e);
      }
    }

    @Override
    public void close() throws InterruptedException {
      commands.println("quit");
      commands.close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
