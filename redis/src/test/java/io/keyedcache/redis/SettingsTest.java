package io.keyedcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyedcache.provider.configuration.ConfigurationFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared tier's settings, read alike from the URI's query, the manager's properties and the configuration file:
 * unknown names refused with the likely one, timeouts that bound a hung or paused server, the client name,
 * credentials apart from the URI, and messages that say what is wrong.
 */
class SettingsTest {
  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  final Managers managers = new Managers();

  private CacheManager manager(String uri, String... settings) {
    Properties properties = new Properties();
    for (int i = 0; i < settings.length; i += 2) {
      properties.setProperty(settings[i], settings[i + 1]);
    }
    return managers.open(URI.create(uri), properties);
  }

  @Test
  void everySettingOfTheTierIsOneTheConfigurationFileTakes() {
    assertThat(ConfigurationFile.MANAGER_PROPERTIES.keySet()).containsAll(RedisSettings.NAMES);
  }

  @Test
  void anUnknownQueryParameterOrPropertyIsRefusedWithTheLikelyName() {
    String server = REDIS.server().uri();
    assertThatThrownBy(() -> manager(server + "?nearcache-size=5#s"))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("query parameter nearcache-size").hasMessageContaining("did you mean near-cache-size?");
    assertThatThrownBy(() -> manager(server + "#s", "lease-timout", "100"))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("setting lease-timout").hasMessageContaining("did you mean lease-timeout?");
    assertThat(manager(server + "#others", "javax.cache.test.1", "x", "other", "y")).as("properties of others")
        .isNotNull();
    assertThatThrownBy(() -> manager(server + "?timeout=soon#s"))
        .isInstanceOf(CacheException.class).hasMessageContaining("timeout").hasMessageContaining("'soon'");
  }

  @Test
  void aBadValueInTheFileNamesTheFileAndTheSetting(@org.junit.jupiter.api.io.TempDir java.nio.file.Path folder)
      throws IOException {
    java.nio.file.Path file = java.nio.file.Files.write(folder.resolve("caches.properties"), java.util.List.of(
        "tier = " + REDIS.server().uri(), "timeout = soon"));
    assertThatThrownBy(() -> managers.open(file.toUri(), new Properties()))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("keyedcache configuration " + file.toUri())
        .hasMessageContaining("setting 'timeout'").hasMessageContaining("whole number").hasMessageContaining("'soon'");
    java.nio.file.Path scan = java.nio.file.Files.write(folder.resolve("scan.properties"), java.util.List.of(
        "tier = " + REDIS.server().uri(), "scan-keyspace = sometimes"));
    assertThatThrownBy(() -> managers.open(scan.toUri(), new Properties()))
        .isInstanceOf(CacheException.class).hasMessageContaining("setting 'scan-keyspace'")
        .hasMessageContaining("auto").hasMessageContaining("'sometimes'");
  }

  @Test
  void theClientNameAndLettucesOwnParametersReachTheServer() {
    Cache<Object, Object> named = manager(REDIS.server().uri() + "#named").createCache("c",
        new MutableConfiguration<>());
    named.put("k", "v");
    assertThat(REDIS.server().bulk("CLIENT LIST")).contains("name=keyedcache-named ");
    Cache<Object, Object> chosen = manager(REDIS.server().uri() + "?client-name=shop-7&database=3#chosen")
        .createCache("c", new MutableConfiguration<>());
    chosen.put("k", "v");
    String clients = REDIS.server().bulk("CLIENT LIST");
    assertThat(clients).contains("name=shop-7 ");
    assertThat(clients.lines().filter(line -> line.contains("name=shop-7 ") && line.contains("cmd=evalsha")))
        .as("the connection that wrote").isNotEmpty().allMatch(line -> line.contains(" db=3 "));
  }

  @Test
  void credentialsComeFromTheSettingsApartFromTheUri() throws Exception {
    try (RedisServer locked = RedisServer.start("--requirepass", "right-one")) {
      // one URI per manager: a second getCacheManager of the same URI returns the first manager
      String uri = locked.uri() + "#locked";
      Cache<Object, Object> cache = manager(uri + "-right", "password", "right-one").createCache("c",
          new MutableConfiguration<>());
      cache.put("k", "v");
      assertThat(cache.get("k")).isEqualTo("v");
      assertThatThrownBy(() -> manager(uri + "-wrong", "password", "wrong-one"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("cannot log in").hasMessageContaining("WRONGPASS")
          .hasMessageContaining("settings user and password").hasMessageNotContaining("wrong-one");
      // a user of the settings with the URI's password
      assertThat(locked.send("ACL SETUSER app on >app-pw ~* &* +@all")).isEqualTo("+OK");
      Cache<Object, Object> mixed = manager("redis://app-pw@127.0.0.1:" + locked.port() + "#locked-mixed", "user",
          "app").createCache("c", new MutableConfiguration<>());
      mixed.put("k", "v");
      assertThat(locked.bulk("CLIENT LIST")).contains("user=app ");
      assertThatThrownBy(() -> manager(uri + "-none"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("needs a password").hasMessageContaining(RedisSettings.PASSWORD_VARIABLE);
    }
    Properties none = new Properties();
    RedisSettings fromEnvironment = RedisSettings.parse(URI.create("redis://127.0.0.1:6379"), none,
        Map.of(RedisSettings.USER_VARIABLE, "app", RedisSettings.PASSWORD_VARIABLE, "from-env"));
    assertThat(fromEnvironment.user()).isEqualTo("app");
    assertThat(new String(fromEnvironment.password())).isEqualTo("from-env");
    assertThat(fromEnvironment.toString()).doesNotContain("from-env");
  }

  /** A port that accepts connections and never answers: the manager gives up within the timeout, not a minute. */
  @Test
  void aServerThatNeverAnswersFailsWithinTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> manager("redis://127.0.0.1:" + silent.getLocalPort() + "?timeout=500#silent"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("127.0.0.1:" + silent.getLocalPort()).hasMessageContaining("500 ms");
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).as("seconds to fail").isLessThan(10);
    }
  }

  @Test
  void aPausedServerFailsCallsWithinTheTimeout() throws Exception {
    try (RedisServer paused = RedisServer.start()) {
      Cache<Object, Object> cache = manager(paused.uri() + "?timeout=300&near-cache-size=0#paused")
          .createCache("c", new MutableConfiguration<>());
      cache.put("k", "v");
      paused.suspend();
      try {
        long start = System.nanoTime();
        assertThatThrownBy(() -> cache.get("k")).isInstanceOf(CacheException.class)
            .hasMessageContaining("did not answer within 300 ms");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).as("seconds to fail").isLessThan(10);
      } finally {
        paused.resume();
      }
      assertThat(cache.get("k")).isEqualTo("v");
    }
  }

  /** Something else on the port (here a web server's answer): said so, not "Invalid first byte". */
  @Test
  void aServiceThatIsNotRedisIsNamedAsSuch() throws Exception {
    try (ServerSocket web = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread answering = new Thread(() -> {
        for (int i = 0; i < 5 && !web.isClosed(); i++) {
          try (Socket client = web.accept()) {
            InputStream in = client.getInputStream();
            in.read(new byte[256]);
            OutputStream out = client.getOutputStream();
            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
          } catch (IOException e) {
            return;
          }
        }
      });
      answering.setDaemon(true);
      answering.start();
      assertThatThrownBy(() -> manager("redis://127.0.0.1:" + web.getLocalPort() + "#web"))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("does not speak Redis's protocol");
    }
  }

  @Test
  void aUnixSocketThatCannotBeOpenedIsACacheException() {
    assertThatThrownBy(() -> manager("redis-socket:///tmp/keyedcache-no-such.sock#socket"))
        .isInstanceOf(CacheException.class).hasMessageContaining("redis-socket://")
        .hasMessageContaining("netty-transport-native-epoll");
  }

  /** Through a Sentinel (one redis-sentinel process on loopback): the namespace fragment does not get in its way. */
  @Test
  void aManagerFindsItsMasterThroughASentinel() throws Exception {
    try (RedisServer master = RedisServer.start(); RedisServer sentinel = RedisServer.sentinel(master.port(), "shop")) {
      Cache<Object, Object> cache = manager("redis-sentinel://127.0.0.1:" + sentinel.port()
          + "?sentinelMasterId=shop#sentinelled").createCache("c", new MutableConfiguration<>());
      cache.put("k", "v");
      assertThat(cache.get("k")).isEqualTo("v");
      assertThat(master.send("EXISTS sentinelled:{sentinelled:c}:v:sk")).as("on the master").isEqualTo(":1");
    }
  }

  @Test
  void aSentinelUriWithoutItsMastersNameSaysHowToGiveIt() {
    assertThatThrownBy(() -> manager("redis-sentinel://127.0.0.1:26379#mymaster"))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("sentinelMasterId").hasMessageContaining("namespace");
  }
}
