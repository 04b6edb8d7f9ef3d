package io.keyedcache.redis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback in front of a redis-server, for tests that must order what a client sees: it can hold the
 * server's replies on data connections (every connection that has not asked for {@code CLIENT TRACKING}) while the
 * tracking connections' pushes go on, and then let them through.
 */
final class Proxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int target;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private volatile boolean holding;
  private volatile boolean holdingPushes;
  private volatile boolean partitioned;

  Proxy(int target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "test-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  String uri() {
    return "redis://127.0.0.1:" + listener.getLocalPort();
  }

  /** From now on, replies to data connections wait at the proxy. */
  void hold() {
    holding = true;
  }

  /** From now on, what the server sends on tracking connections (the pushes) waits at the proxy. */
  void holdPushes() {
    holdingPushes = true;
  }

  /** Whether some reply to a data connection is waiting at the proxy. */
  boolean holdsAReply() {
    return links.stream().anyMatch(link -> link.held.size() > 0);
  }

  /** How many pushes that name {@code text} went through to tracking connections. */
  long pushesNaming(String text) {
    return links.stream().filter(link -> link.tracking).mapToLong(link -> link.forwardedCount(text)).sum();
  }

  /** Lets everything held through, and stops holding. */
  void release() throws IOException {
    holding = false;
    holdingPushes = false;
    for (Link link : links) {
      link.flushHeld();
    }
  }

  /** Resets every connection through the proxy (both ends closed), as a network that drops them does. */
  void cut() {
    for (Link link : links) {
      link.close();
    }
    links.removeIf(link -> link.client.isClosed());
  }

  /**
   * From now on nothing crosses the proxy either way, and new connections are accepted but carry nothing: a network
   * partition, with every socket left open (half-open, as the client sees it). {@link #heal()} ends it; what was sent
   * meanwhile arrives then, as TCP retransmits it.
   */
  void partition() {
    partitioned = true;
  }

  void heal() throws IOException {
    synchronized (this) {
      partitioned = false;
      notifyAll();
    }
  }

  /** The local ports of the proxy's connections to the server: how the server's CLIENT LIST names them. */
  List<Integer> serverSidePorts() {
    return links.stream().filter(link -> !link.server.isClosed()).map(link -> link.server.getLocalPort()).toList();
  }

  /** Waits while partitioned. */
  private void passable() {
    synchronized (this) {
      while (partitioned) {
        try {
          wait(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
        Link link = new Link(client, server);
        links.add(link);
        link.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Link link : links) {
      link.close();
    }
  }

  private final class Link {
    final Socket client;
    final Socket server;
    final ByteArrayOutputStream held = new ByteArrayOutputStream();
    final StringBuilder forwarded = new StringBuilder();
    volatile boolean tracking;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void start() {
      pump("up", () -> {
        InputStream in = client.getInputStream();
        OutputStream out = server.getOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          passable();
          if (new String(buffer, 0, n, StandardCharsets.ISO_8859_1).toUpperCase().contains("TRACKING")) {
            tracking = true;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      });
      pump("down", () -> {
        InputStream in = server.getInputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          passable();
          synchronized (this) {
            if (holding && !tracking || holdingPushes && tracking) {
              held.write(buffer, 0, n);
            } else {
              forward(buffer, n);
            }
          }
        }
      });
    }

    private void forward(byte[] buffer, int n) throws IOException {
      OutputStream out = client.getOutputStream();
      out.write(buffer, 0, n);
      out.flush();
      synchronized (forwarded) {
        forwarded.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
      }
    }

    long forwardedCount(String text) {
      synchronized (forwarded) {
        long count = 0;
        for (int at = forwarded.indexOf(text); at >= 0; at = forwarded.indexOf(text, at + 1)) {
          count++;
        }
        return count;
      }
    }

    synchronized void flushHeld() throws IOException {
      if (held.size() > 0) {
        byte[] bytes = held.toByteArray();
        held.reset();
        forward(bytes, bytes.length);
      }
    }

    private void pump(String direction, Pump pump) {
      Thread thread = new Thread(() -> {
        try {
          pump.run();
        } catch (IOException e) {
          // the other side went away
        } finally {
          close();
        }
      }, "test-proxy-" + direction);
      thread.setDaemon(true);
      thread.start();
    }

    void close() {
      try {
        client.close();
      } catch (IOException e) {
        // closing anyway
      }
      try {
        server.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  private interface Pump {
    void run() throws IOException;
  }
}
