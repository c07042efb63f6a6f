package dev.arrowrpc.codegen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.arrowrpc.transport.flight.FlightRpcServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --trust CERT.pem}, {@code --cert}/{@code --key} (mutual TLS) and {@code --insecure} over
 * Flight ({@code grpc+tls}) and HTTPS, with self-signed certificates made by {@code openssl}
 * (skipped, saying why, when it cannot run): trusted, the call goes through; untrusted, the command
 * exits with the transport status; options that do not fit are usage errors.
 */
class TlsTest {
  @TempDir Path dir;

  @Test
  void flightOverTlsTrustsTheGivenCertificateOrSkipsVerification() throws Exception {
    Pem server = pem("server");
    Path cert = server.cert();
    Path key = server.key();
    withFlight(builder -> builder.tls(cert, key), (uri, port) -> {
      Served.Run trusted = Served.Run.of("", "call", "--flight", uri, "--trust", cert.toString(), "add", "a=1",
          "b=2", "--format", "jsonl");
      assertEquals("{\"result\":3}\n", trusted.text(), trusted::toString);
      Served.Run untrusted = Served.Run.of("", "list", "--flight", uri);
      assertEquals(Exit.TRANSPORT, untrusted.status(), untrusted::toString);
      Served.Run insecure = Served.Run.of("", "call", "--flight", uri, "--insecure", "add", "a=2", "b=2",
          "--format", "jsonl");
      assertEquals("{\"result\":4}\n", insecure.text(), "the server's certificate is not verified: " + insecure);
      Served.Run plain = Served.Run.of("", "list", "--flight", "grpc+tcp://localhost:" + port,
          "--trust", cert.toString());
      assertEquals(Exit.USAGE, plain.status(), "--trust needs grpc+tls: " + plain);
    });
  }

  @Test
  void httpsTrustsTheGivenCertificate() throws Exception {
    Pem server = pem("server");
    Path cert = server.cert();
    Path key = server.key();
    withHttps(serverContext(cert, key, null), false, url -> {
      Served.Run trusted = Served.Run.of("", "list", "--url", url, "--trust", cert.toString());
      assertEquals(Exit.TRANSPORT, trusted.status(), trusted::toString);
      assertTrue(trusted.err().contains("HTTP 404"), "the handshake succeeded: " + trusted);
      Served.Run untrusted = Served.Run.of("", "list", "--url", url);
      assertEquals(Exit.TRANSPORT, untrusted.status(), untrusted::toString);
      assertTrue(!untrusted.err().contains("HTTP 404"), "refused before any HTTP: " + untrusted);
    });
  }

  @Test
  void flightPresentsAClientCertificate() throws Exception {
    Pem server = pem("server");
    Pem client = pem("client");
    withFlight(builder -> builder.tls(server.cert(), server.key()).mutualTls(client.cert()), (uri, port) -> {
      Served.Run mutual = Served.Run.of("", "call", "--flight", uri, "--trust", server.cert().toString(), "--cert",
          client.cert().toString(), "--key", client.key().toString(), "add", "a=1", "b=2", "--format", "jsonl");
      assertEquals("{\"result\":3}\n", mutual.text(), mutual::toString);
      // Arrow Flight's client will not skip verification while presenting a certificate
      Served.Run both = Served.Run.of("", "list", "--flight", uri, "--insecure", "--cert", client.cert().toString(),
          "--key", client.key().toString());
      assertEquals(Exit.USAGE, both.status(), both::toString);
      Served.Run anonymous = Served.Run.of("", "list", "--flight", uri, "--trust", server.cert().toString());
      assertEquals(Exit.TRANSPORT, anonymous.status(), "the server asks for a client certificate: " + anonymous);
    });
  }

  @Test
  void httpsPresentsAClientCertificateAndCanSkipVerification() throws Exception {
    Pem server = pem("server");
    Pem client = pem("client");
    withHttps(serverContext(server.cert(), server.key(), client.cert()), true, url -> {
      Served.Run mutual = Served.Run.of("", "list", "--url", url, "--trust", server.cert().toString(), "--cert",
          client.cert().toString(), "--key", client.key().toString());
      assertEquals(Exit.TRANSPORT, mutual.status(), mutual::toString);
      assertTrue(mutual.err().contains("HTTP 404"), "the mutual handshake succeeded: " + mutual);
      Served.Run insecure = Served.Run.of("", "list", "--url", url, "-k", "--cert", client.cert().toString(),
          "--key", client.key().toString());
      assertTrue(insecure.err().contains("HTTP 404"), "the server's certificate is not verified: " + insecure);
      Served.Run anonymous = Served.Run.of("", "list", "--url", url, "--trust", server.cert().toString());
      assertEquals(Exit.TRANSPORT, anonymous.status(), anonymous::toString);
      assertTrue(!anonymous.err().contains("HTTP 404"), "refused without a client certificate: " + anonymous);
    });
  }

  /** Runs checks against a Flight server of the test service, set up by {@code tls}; no memory left after. */
  private static void withFlight(java.util.function.UnaryOperator<FlightRpcServer.Builder> tls,
      FlightChecks checks) throws Exception {
    try (BufferAllocator memory = new RootAllocator()) {
      FlightRpcServer server = tls.apply(FlightRpcServer.builder(Served.server(memory))).start();
      try {
        checks.run("grpc+tls://localhost:" + server.port(), server.port());
      } finally {
        server.close();
      }
      assertEquals(0, memory.getAllocatedMemory());
    }
  }

  /** Checks against an HTTPS endpoint: its URL. */
  @FunctionalInterface
  private interface HttpsChecks {
    void run(String url) throws Exception;
  }

  /** Checks against a Flight server: its {@code grpc+tls} URI and port. */
  @FunctionalInterface
  private interface FlightChecks {
    void run(String uri, int port) throws Exception;
  }

  /**
   * Runs checks against a TLS endpoint that answers every call with 404 (enough to tell a handshake
   * that succeeded), asking for a client certificate when {@code needClientAuth}. The HTTP client's
   * capability probe ({@code OPTIONS}, which its response budget sends first) is answered with the
   * budget's support, so that the 404 is the call's.
   */
  private static void withHttps(SSLContext context, boolean needClientAuth, HttpsChecks checks)
      throws Exception {
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setNeedClientAuth(needClientAuth);
        params.setSSLParameters(parameters);
      }
    });
    server.createContext("/", exchange -> {
      if (exchange.getRequestMethod().equals("OPTIONS")) {
        exchange.getResponseHeaders().add("VGI-Accept-Max-Response-Bytes-Support", "true");
        exchange.sendResponseHeaders(200, -1);
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
      exchange.close();
    });
    server.start();
    try {
      checks.run("https://127.0.0.1:" + server.getAddress().getPort() + "/vgi");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void tlsOptionsThatDoNotFitAreUsageErrors() throws Exception {
    Pem server = pem("server");
    Path cert = server.cert();
    Path key = server.key();
    Path rsa = dir.resolve("rsa.key");
    Files.writeString(rsa, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
    List<List<String>> misuses = List.of(
        List.of("list", "--url", "https://127.0.0.1:1/vgi", "--cert", cert.toString()),
        List.of("list", "--url", "https://127.0.0.1:1/vgi", "--insecure", "--trust", cert.toString()),
        List.of("list", "--url", "http://127.0.0.1:1/vgi", "--insecure"),
        List.of("list", "--flight", "grpc+tcp://127.0.0.1:1", "--cert", cert.toString(), "--key", key.toString()),
        List.of("list", "--tcp", "127.0.0.1:1", "-k"),
        List.of("list", "--url", "https://127.0.0.1:1/vgi", "--cert", cert.toString(), "--key", rsa.toString()));
    for (List<String> args : misuses) {
      Served.Run run = Served.Run.of("", args.toArray(new String[0]));
      assertEquals(Exit.USAGE, run.status(), String.join(" ", args) + ": " + run);
    }
    Served.Run pkcs1 = Served.Run.of("", "list", "--url", "https://127.0.0.1:1/vgi", "--cert", cert.toString(),
        "--key", rsa.toString());
    assertTrue(pkcs1.err().contains("openssl pkcs8"), "says how to convert the key: " + pkcs1);
  }

  /** A server's TLS context; with {@code clientCa}, it trusts exactly that certificate for clients. */
  private static SSLContext serverContext(Path cert, Path key, Path clientCa) throws Exception {
    String pem = Files.readString(key, StandardCharsets.US_ASCII);
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PrivateKey privateKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
        Base64.getDecoder().decode(body)));
    Certificate certificate;
    try (var in = Files.newInputStream(cert)) {
      certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] password = "test".toCharArray();
    store.setKeyEntry("server", privateKey, password, new Certificate[] {certificate});
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    javax.net.ssl.TrustManager[] trust = null;
    if (clientCa != null) {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      try (var in = Files.newInputStream(clientCa)) {
        trusted.setCertificateEntry("client", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      javax.net.ssl.TrustManagerFactory factory =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trusted);
      trust = factory.getTrustManagers();
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), trust, null);
    return context;
  }

  /** A certificate and its key, PEM files. */
  private record Pem(Path cert, Path key) {}

  /** {@code NAME.pem} and {@code NAME.key} in the test's directory, made once. */
  private Pem pem(String name) throws IOException, InterruptedException {
    Pem pem = new Pem(dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
    if (!Files.exists(pem.cert())) {
      selfSigned(pem.cert(), pem.key());
    }
    return pem;
  }

  /** A self-signed certificate for localhost and 127.0.0.1, or the test is skipped. */
  private static void selfSigned(Path cert, Path key) throws IOException, InterruptedException {
    List<String> command = List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
        "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout", key.toString(), "-out", cert.toString());
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("openssl is not available to make a test certificate: " + e.getMessage());
      return;
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      Assumptions.abort("openssl could not make a test certificate: " + output);
    }
  }
}
