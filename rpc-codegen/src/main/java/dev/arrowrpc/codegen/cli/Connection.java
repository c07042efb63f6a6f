package dev.arrowrpc.codegen.cli;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.transport.flight.FlightRpc;
import dev.arrowrpc.transport.http.HttpCapabilities;
import dev.arrowrpc.transport.http.HttpRpc;
import dev.arrowrpc.transport.http.HttpTransport;
import dev.arrowrpc.transport.pipe.Subprocess;
import dev.arrowrpc.transport.pipe.Tcp;
import dev.arrowrpc.transport.pipe.UnixSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The options every subcommand shares: one transport (exactly one of {@code --cmd}, {@code
 * --unix}, {@code --tcp}, {@code --url}, {@code --flight}), its credentials and TLS trust, and
 * {@code -v}.
 */
final class Connection {
  @ArgGroup(exclusive = true, multiplicity = "1", heading = "Transport (exactly one):%n")
  Target target;

  @Option(names = "--bearer", paramLabel = "TOKEN",
      description = "HTTP and Flight: send 'Authorization: Bearer TOKEN' with every request.")
  Optional<String> bearer = Optional.empty();

  @Option(names = "--header", paramLabel = "NAME=VALUE",
      description = "HTTP and Flight: send this header with every request (repeatable).")
  Map<String, String> headers = new LinkedHashMap<>();

  @Option(names = "--trust", paramLabel = "CERT.pem",
      description = "HTTPS and grpc+tls: trust the certificates in this PEM file instead of the system's roots.")
  Optional<Path> trust = Optional.empty();

  @Option(names = "--cert", paramLabel = "CERT.pem",
      description = "HTTPS and grpc+tls: present this client certificate chain (mutual TLS); needs --key.")
  Optional<Path> cert = Optional.empty();

  @Option(names = "--key", paramLabel = "KEY.pem",
      description = "The private key of --cert: an unencrypted PKCS#8 PEM file (BEGIN PRIVATE KEY).")
  Optional<Path> key = Optional.empty();

  @Option(names = {"-k", "--insecure"},
      description = "HTTPS and grpc+tls: do not verify the server's certificate or host name (for tests; "
          + "anyone on the path can read and change the traffic).")
  boolean insecure;

  @Option(names = "--max-response-bytes", paramLabel = "BYTES|unbounded",
      description = "HTTP: the most bytes one decoded response may hold (default 268435456, 256 MiB, as the "
          + "reference's client); the server must advertise support for the limit. 'unbounded' sends none, for "
          + "servers that do not know it.")
  Optional<String> maxResponseBytes = Optional.empty();

  @Option(names = {"-v", "--verbose"},
      description = "On errors, show the remote traceback, details and stack traces; show log extras.")
  boolean verbose;

  /** The transport: one of five. */
  static final class Target {
    @Option(names = "--cmd", paramLabel = "COMMAND",
        description = "Launch a worker and speak over its stdin/stdout. Split into words like a shell "
            + "would (quotes, backslashes); a command with pipes, redirections, variables or ';' runs "
            + "through 'sh -c'.")
    Optional<String> command = Optional.empty();

    @Option(names = "--unix", paramLabel = "PATH", description = "Connect to a Unix domain socket.")
    Optional<Path> unix = Optional.empty();

    @Option(names = "--tcp", paramLabel = "HOST:PORT", description = "Connect over TCP.")
    Optional<String> tcp = Optional.empty();

    @Option(names = "--url", paramLabel = "URL",
        description = "Connect over HTTP(S) to the service's base URL (prefix included), "
            + "such as http://localhost:8080/vgi.")
    Optional<String> url = Optional.empty();

    @Option(names = "--flight", paramLabel = "URI",
        description = "Connect over Arrow Flight: grpc+tcp://HOST:PORT or grpc+tls://HOST:PORT.")
    Optional<String> flight = Optional.empty();
  }

  /**
   * Opens a client over the chosen transport. Service logs are shown on stderr with their level; a
   * launched worker's stderr is passed through.
   *
   * @param memory the allocator results are read into
   * @param console where logs go
   * @return the client
   * @throws IOException when the transport cannot be opened
   */
  RpcClient open(BufferAllocator memory, ArrowRpcCli.Console console) throws IOException {
    Consumer<LogMessage> onLog = message -> console.err().println(logLine(message));
    if (target.command.isPresent()) {
      requireNoHttpOptions("--cmd");
      ByteTransport worker = Subprocess.builder(Shell.split(target.command.get()))
          .stderr(line -> console.err().println(line)).launch();
      return byteClient(worker, memory, onLog);
    }
    if (target.unix.isPresent()) {
      requireNoHttpOptions("--unix");
      return byteClient(UnixSocket.connect(target.unix.get()), memory, onLog);
    }
    if (target.tcp.isPresent()) {
      requireNoHttpOptions("--tcp");
      String address = target.tcp.get();
      int colon = address.lastIndexOf(':');
      int port;
      try {
        port = Integer.parseInt(address.substring(colon + 1));
      } catch (NumberFormatException | IndexOutOfBoundsException e) {
        throw new UsageException("--tcp takes HOST:PORT, got '" + address + "'");
      }
      String host = colon <= 0 ? "127.0.0.1" : address.substring(0, colon);
      return byteClient(Tcp.connect(host, port), memory, onLog);
    }
    if (target.url.isPresent()) {
      return http(target.url.get(), memory, onLog);
    }
    if (maxResponseBytes.isPresent()) {
      throw new UsageException("--max-response-bytes applies to --url only");
    }
    return flight(target.flight.orElseThrow(), memory, onLog);
  }

  private void requireNoHttpOptions(String transport) {
    if (maxResponseBytes.isPresent()) {
      throw new UsageException("--max-response-bytes applies to --url only, not to " + transport);
    }
    if (bearer.isPresent() || !headers.isEmpty() || tlsOptions()) {
      throw new UsageException("--bearer, --header, --trust, --cert, --key and --insecure apply to --url and "
          + "--flight, not to " + transport);
    }
  }

  /** {@return whether a TLS option is given} (and checks that they fit together) */
  private boolean tlsOptions() {
    if (cert.isPresent() != key.isPresent()) {
      throw new UsageException("--cert and --key go together: a client certificate needs its private key");
    }
    if (insecure && trust.isPresent()) {
      throw new UsageException("--insecure verifies nothing, so --trust has no effect with it: give one of them");
    }
    return trust.isPresent() || cert.isPresent() || insecure;
  }

  private static RpcClient byteClient(ByteTransport transport, BufferAllocator memory, Consumer<LogMessage> onLog) {
    return RpcClient.builder(transport).allocator(memory).onLog(onLog).build();
  }

  /**
   * What an HTTP server advertises ({@code OPTIONS /health}), when the target is a URL and it answers.
   *
   * @return the capabilities; empty for other transports or when the server does not say
   */
  Optional<HttpCapabilities> httpCapabilities() {
    if (target.url.isEmpty()) {
      return Optional.empty();
    }
    try {
      HttpTransport transport = httpBuilder(target.url.get()).transport();
      try (transport) {
        return Optional.of(transport.capabilities());
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // as the reference's CLI: the description stands without them
    }
  }

  private RpcClient http(String url, BufferAllocator memory, Consumer<LogMessage> onLog) throws IOException {
    return httpBuilder(url).allocator(memory).onLog(onLog).build();
  }

  private HttpRpc.Builder httpBuilder(String url) throws IOException {
    HttpRpc.Builder builder;
    try {
      builder = HttpRpc.builder(url);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--url: " + e.getMessage());
    }
    bearer.ifPresent(builder::bearerToken);
    headers.forEach(builder::header);
    if (maxResponseBytes.isPresent()) {
      responseBudget(builder, maxResponseBytes.get());
    }
    if (tlsOptions()) {
      if (!url.regionMatches(true, 0, "https:", 0, 6)) {
        throw new UsageException("--trust, --cert, --key and --insecure need an https:// URL, got '" + url + "'");
      }
      X509TrustManager trusted = insecure ? TrustEverything.INSTANCE
          : trust.isPresent() ? trustManager(trust.get()) : systemTrust();
      try {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(cert.isPresent() ? ClientKeys.managers(cert.get(), key.orElseThrow()) : null,
            new TrustManager[] {trusted}, null);
        OkHttpClient.Builder http = new OkHttpClient.Builder().sslSocketFactory(tls.getSocketFactory(), trusted);
        if (insecure) {
          http.hostnameVerifier((host, session) -> true);
        }
        builder.okHttpClient(http.build());
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot set up TLS: " + e.getMessage(), e);
      }
    }
    return builder;
  }

  private static void responseBudget(HttpRpc.Builder builder, String value) {
    if (value.strip().equalsIgnoreCase("unbounded")) {
      builder.unboundedResponses();
      return;
    }
    try {
      builder.acceptMaxResponseBytes(Long.parseLong(value.strip()));
    } catch (NumberFormatException e) {
      throw new UsageException("--max-response-bytes takes a number of bytes or 'unbounded', got '" + value + "'");
    } catch (IllegalArgumentException e) {
      throw new UsageException("--max-response-bytes: " + e.getMessage());
    }
  }

  private RpcClient flight(String uri, BufferAllocator memory, Consumer<LogMessage> onLog) {
    Location location;
    try {
      location = new Location(uri);
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new UsageException("--flight takes grpc+tcp://HOST:PORT or grpc+tls://HOST:PORT, got '" + uri + "'");
    }
    String scheme = location.getUri().getScheme();
    if (!List.of("grpc", "grpc+tcp", "grpc+tls").contains(scheme)) {
      throw new UsageException("--flight takes grpc+tcp://HOST:PORT or grpc+tls://HOST:PORT, got '" + uri + "'");
    }
    if (tlsOptions() && !scheme.equals("grpc+tls")) {
      throw new UsageException("--trust, --cert, --key and --insecure need a grpc+tls:// location, got '" + uri + "'");
    }
    FlightRpc.Builder builder = FlightRpc.builder(location).allocator(memory).onLog(onLog);
    bearer.ifPresent(builder::bearerToken);
    headers.forEach(builder::header);
    trust.ifPresent(builder::trustedCertificates);
    if (insecure && cert.isPresent()) {
      throw new UsageException("--insecure cannot go with --cert over Flight: Arrow Flight's client does not skip "
          + "verifying the server while it presents a client certificate (give --trust instead)");
    }
    if (cert.isPresent()) {
      ClientKeys.check(cert.get(), key.orElseThrow()); // the same errors as over HTTPS, before gRPC reads them
      builder.clientCertificate(cert.get(), key.orElseThrow());
    }
    if (insecure) {
      builder.verifyServer(false);
    }
    return builder.build();
  }

  /** The JVM's default trust manager (the system's roots). */
  private static X509TrustManager systemTrust() throws IOException {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new IOException("no X.509 trust manager in this JVM");
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the system's trusted roots: " + e.getMessage(), e);
    }
  }

  /** A trust manager trusting exactly the certificates of a PEM file. */
  private static X509TrustManager trustManager(Path pem) throws IOException {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("trusted-" + n++, certificate);
      }
      if (n == 0) {
        throw new UsageException("--trust: no certificate in " + pem);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new IOException("no X.509 trust manager in this JVM");
    } catch (GeneralSecurityException e) {
      throw new UsageException("--trust: cannot read certificates from " + pem + ": " + e.getMessage());
    }
  }

  /** A service log line as shown on stderr: its level, its message, and (with -v) its extras. */
  String logLine(LogMessage message) {
    StringBuilder line = new StringBuilder("[").append(message.level()).append("] ").append(message.message());
    if (verbose && !message.extra().isEmpty()) {
      line.append(' ').append(Json.text(message.extra()));
    }
    return line.toString();
  }
}
