package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manager's own TLS stores: a redis-server that takes TLS only with a client certificate (mutual TLS, its own
 * default), a CA and certificates that the test makes with {@code openssl}, and managers whose trust and key stores
 * are settings, not the JVM's.
 */
class TlsTest {
  private static final String SECRET = "changeit-test";
  private static final java.util.concurrent.atomic.AtomicInteger CLIENTS = new java.util.concurrent.atomic.AtomicInteger();

  @TempDir
  static Path dir;
  private static RedisServer server;
  private static int tlsPort;

  @RegisterExtension
  final Managers managers = new Managers();

  @BeforeAll
  static void startServer() throws Exception {
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days",
        "2", "-subj", "/CN=keyedcache test CA");
    certificate("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    certificate("client", "extendedKeyUsage=clientAuth\n");
    run("openssl", "pkcs12", "-export", "-in", "client.crt", "-inkey", "client.key", "-out", "client.p12",
        "-passout", "pass:" + SECRET, "-name", "client");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    run(keytool.toString(), "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore", "trust.p12",
        "-storetype", "PKCS12", "-storepass", SECRET);
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      tlsPort = free.getLocalPort();
    }
    server = RedisServer.start("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", file("server.crt"),
        "--tls-key-file", file("server.key"), "--tls-ca-cert-file", file("ca.crt"), "--tls-auth-clients", "yes");
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static void certificate(String name, String extensions) throws Exception {
    Files.writeString(dir.resolve(name + ".ext"), extensions);
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj",
        "/CN=keyedcache test " + name);
    run("openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("tools.log").toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(
          dir.resolve("tools.log")));
    }
  }

  private static String file(String name) {
    return dir.resolve(name).toString();
  }

  private Cache<Object, Object> cache(String namespace, String... settings) {
    Properties properties = new Properties();
    for (int i = 0; i < settings.length; i += 2) {
      properties.setProperty(settings[i], settings[i + 1]);
    }
    // a client name of its own: a manager of its own, with its own connections
    return managers.open(URI.create("rediss://127.0.0.1:" + tlsPort + "?timeout=2000&client-name=test-"
        + CLIENTS.incrementAndGet() + "#" + namespace), properties)
        .createCache("c", new MutableConfiguration<>());
  }

  @Test
  void mutualTlsWithTheManagersOwnStores() throws Exception {
    Cache<Object, Object> pem = cache("mtls", "tls-trust-store", file("ca.crt"), "tls-key-store", file("client.p12"),
        "tls-key-store-password", SECRET);
    Cache<Object, Object> stores = cache("mtls", "tls-trust-store", file("trust.p12"), "tls-trust-store-password",
        SECRET, "tls-key-store", file("client.p12"), "tls-key-store-password", SECRET);
    pem.put("k", "v1");
    assertThat(stores.get("k")).isEqualTo("v1");
    assertThat(pem.get("k")).isEqualTo("v1"); // kept near now
    stores.put("k", "v2");
    // the near cache's own connection is over TLS with the same stores: it hears of the write
    Waiting.until("the near cache to hear of the write", () -> "v2".equals(pem.get("k")), 10);
    assertThat(server.send("EXISTS mtls:{mtls:c}:v:sk")).as("the entry on the server").isEqualTo(":1");
  }

  @Test
  void withoutAClientCertificateTheMessageNamesTheSetting() {
    assertThatThrownBy(() -> cache("nokey", "tls-trust-store", file("ca.crt")))
        .isInstanceOf(CacheException.class).hasMessageContaining("tls-key-store")
        .hasMessageContaining("127.0.0.1:" + tlsPort);
  }

  @Test
  void aServerOutsideTheTrustStoreIsRefusedAndTheMessageNamesTheSetting() throws Exception {
    List<String> settings = new ArrayList<>(List.of("tls-key-store", file("client.p12"), "tls-key-store-password",
        SECRET));
    // trusting only the client's own certificate: the server's does not chain to it
    settings.addAll(List.of("tls-trust-store", file("client.crt")));
    assertThatThrownBy(() -> cache("untrusted", settings.toArray(String[]::new)))
        .isInstanceOf(CacheException.class).hasMessageContaining("tls-trust-store");
  }

  @Test
  void tlsSettingsNeedATlsUriAndReadableFiles() {
    Properties properties = new Properties();
    properties.setProperty("tls-trust-store", file("ca.crt"));
    assertThatThrownBy(() -> managers.open(URI.create(server.uri() + "#plain"), properties))
        .isInstanceOf(CacheException.class).hasMessageContaining("rediss://");
    properties.setProperty("tls-trust-store", file("missing.pem"));
    assertThatThrownBy(() -> managers.open(URI.create("rediss://127.0.0.1:" + tlsPort + "#missing"), properties))
        .isInstanceOf(CacheException.class).hasMessageContaining("tls-trust-store")
        .hasMessageContaining("missing.pem").hasMessageContaining("not a readable file");
  }
}
