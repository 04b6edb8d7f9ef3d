package io.keyedcache.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.StaticCredentialsProvider;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;

/**
 * How a manager's settings become Lettuce's options (timeouts, reconnect delay, client name, credentials), and how
 * what Lettuce throws becomes a message that says what is wrong and which setting changes it.
 */
final class Connecting {
  private Connecting() {}

  /**
   * The URIs to connect to: {@code given} (made for this manager alone), given the settings' timeout, client name and
   * credentials in place (a builder copy would lose a Sentinel URI's sentinels).
   */
  static List<RedisURI> seeds(List<RedisURI> given, RedisSettings settings) {
    for (RedisURI uri : given) {
      uri.setTimeout(Duration.ofMillis(settings.timeoutMillis()));
      if (uri.getClientName() == null) {
        uri.setClientName(settings.clientName());
      }
      if (settings.user() != null || settings.password() != null) {
        RedisCredentials inUri = credentialsOf(uri);
        String user = settings.user() != null ? settings.user()
            : inUri != null && inUri.hasUsername() ? inUri.getUsername() : null;
        char[] password = settings.password() != null ? settings.password()
            : inUri != null && inUri.hasPassword() ? inUri.getPassword() : null;
        uri.setCredentialsProvider(new StaticCredentialsProvider(user, password));
      }
    }
    return given;
  }

  /** The credentials the URI's user information gives, or null. */
  private static RedisCredentials credentialsOf(RedisURI uri) {
    RedisCredentialsProvider provider = uri.getCredentialsProvider();
    if (provider instanceof RedisCredentialsProvider.ImmediateRedisCredentialsProvider given) {
      return given.resolveCredentialsNow();
    }
    // what RedisURI.create makes of the user information resolves at once, though not declared immediate
    return provider == null ? null : provider.resolveCredentials().block(Duration.ofSeconds(1));
  }

  /** The client's own resources: its threads, and reconnect attempts that back off up to reconnect-delay. */
  static ClientResources resources(RedisSettings settings) {
    long most = settings.reconnectDelayMillis();
    return ClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(Math.min(10, most)), Duration.ofMillis(most), 2,
            TimeUnit.MILLISECONDS))
        .build();
  }

  /** The manager's own TLS stores as Lettuce's options, or null: the JVM's trust (and no client certificate). */
  static SslOptions ssl(RedisSettings settings) {
    RedisSettings.Tls tls = settings.tls();
    if (tls == null) {
      return null;
    }
    SslOptions.Builder builder = SslOptions.builder().jdkSslProvider();
    if (tls.trustStore() != null) {
      File trust = new File(tls.trustStore());
      if (tls.trustsPem()) {
        builder.trustManager(trust);
      } else {
        builder.truststore(trust, tls.trustStorePassword() == null ? "" : new String(tls.trustStorePassword()));
      }
    }
    if (tls.keyStore() != null) {
      builder.keystore(new File(tls.keyStore()), tls.keyStorePassword() == null ? new char[0]
          : tls.keyStorePassword());
    }
    return builder.build();
  }

  /** The client options every connection of the manager shares; {@code options} has the rest. */
  static <B extends ClientOptions.Builder> B common(B options, RedisSettings settings) {
    options.socketOptions(socket(settings)).timeoutOptions(timeouts(settings));
    SslOptions ssl = ssl(settings);
    if (ssl != null) {
      options.sslOptions(ssl);
    }
    return options;
  }

  static SocketOptions socket(RedisSettings settings) {
    return SocketOptions.builder().connectTimeout(Duration.ofMillis(settings.connectTimeoutMillis()))
        .keepAlive(true).build();
  }

  static TimeoutOptions timeouts(RedisSettings settings) {
    return TimeoutOptions.enabled(Duration.ofMillis(settings.timeoutMillis()));
  }

  /**
   * The exception for a manager that could not connect to {@code where}: an {@link Unreachable} when nothing answered
   * there (or not in time), a plain {@link CacheException} when something did and refused (a password, a protocol).
   */
  static CacheException failure(String where, RuntimeException e, long timeoutMillis) {
    String root = root(e).getMessage() == null ? root(e).toString() : root(e).getMessage();
    String reason;
    if (root.startsWith("WRONGPASS")) {
      reason = "keyedcache cannot log in to " + where + ": the server refused the user name or password (" + root
          + "); check the settings user and password, or the URI's user information";
    } else if (root.startsWith("NOAUTH") || root.contains("Authentication required")) {
      reason = "keyedcache cannot log in to " + where + ": the server needs a password (" + root + "); give it"
          + " with the setting password, the environment variable " + RedisSettings.PASSWORD_VARIABLE
          + ", or the URI's user information";
    } else if (root.startsWith("Invalid first byte")) {
      reason = "keyedcache reached " + where + ", but what answers there does not speak Redis's protocol (" + root
          + "): is it another service on that port?";
    } else if (root(e) instanceof javax.net.ssl.SSLException || root(e) instanceof java.security.GeneralSecurityException
        || root(e) instanceof java.security.cert.CertificateException) {
      reason = "keyedcache cannot open a TLS connection to " + where + " (" + root + "): check tls-trust-store (the"
          + " CA that signed the server's certificate, which must name the host of the URI) and tls-key-store (this"
          + " client's key and certificate, when the server asks for one: tls-auth-clients) and their passwords";
    } else if (root(e) instanceof RedisCommandTimeoutException || root.contains("timed out")) {
      reason = "keyedcache cannot reach " + where + ": it did not answer within " + timeoutMillis
          + " ms (the setting timeout; connect-timeout bounds the connection itself)";
    } else if (e instanceof IllegalStateException && (root.contains("epoll") || root.contains("native transport"))) {
      reason = "keyedcache cannot open " + where + ": a Unix domain socket needs Netty's native transport on the"
          + " class path (io.netty:netty-transport-native-epoll on Linux); " + root;
    } else {
      reason = "keyedcache cannot reach " + where + ": " + describe(e);
    }
    return reason.startsWith("keyedcache cannot reach ") ? new Unreachable(reason, e) : new CacheException(reason, e);
  }

  /**
   * Whether {@code e} says that the server could not be reached or did not answer in time (the connection refused,
   * lost or not yet made, or a reply overdue), rather than that it answered with an error.
   */
  static boolean unreachable(io.lettuce.core.RedisException e) {
    if (e instanceof RedisCommandTimeoutException || e instanceof io.lettuce.core.RedisConnectionException) {
      return true;
    }
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.startsWith("Currently not connected") || message.startsWith("Connection closed")
        || message.startsWith("Connection disconnected") || message.startsWith("Connection reset")
        || message.startsWith("Connection is closed")) {
      return true;
    }
    Throwable root = root(e);
    return root instanceof java.io.IOException || root instanceof java.nio.channels.ClosedChannelException;
  }

  /** What to do about a failure whose message is {@code message}, for the manager of {@code namespace}; or empty. */
  static String hint(String message, String namespace) {
    if (message.contains("NOPERM")) {
      return " (the Redis user lacks a permission the shared tier needs: the keys ~" + namespace + ":*, the channels &"
          + namespace + ":* and the commands that docs/shared-tier.md lists under ACL; or set namespace to one the"
          + " user may use)";
    }
    if (message.startsWith("OOM") || message.contains(" OOM ")) {
      return " (the server is full: docs/shared-tier.md says which maxmemory-policy suits the tier)";
    }
    return "";
  }

  /** A failure's message, with its root cause's when that says more, each said once. */
  static String describe(RuntimeException e) {
    Throwable root = root(e);
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    String cause = root.getMessage();
    if (root == e || cause == null || message.contains(cause)) {
      return message;
    }
    return cause.contains(message) ? cause : message + " (" + cause + ")";
  }

  private static Throwable root(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }
}
