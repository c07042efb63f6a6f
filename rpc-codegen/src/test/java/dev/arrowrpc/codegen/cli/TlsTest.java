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
    Path cert = dir.resolve("server.pem");
    Path key = dir.resolve("server.key");
    selfSigned(cert, key);
    try (BufferAllocator memory = new RootAllocator()) {
      FlightRpcServer server = FlightRpcServer.builder(Served.server(memory)).tls(cert, key).start();
      try {
        String uri = "grpc+tls://localhost:" + server.port();
        Served.Run trusted = Served.Run.of("", "call", "--flight", uri, "--trust", cert.toString(), "add", "a=1",
            "b=2", "--format", "jsonl");
        assertEquals("{\"result\":3}\n", trusted.text(), trusted::toString);
        Served.Run untrusted = Served.Run.of("", "list", "--flight", uri);
        assertEquals(Exit.TRANSPORT, untrusted.status(), untrusted::toString);
        Served.Run insecure = Served.Run.of("", "call", "--flight", uri, "--insecure", "add", "a=2", "b=2",
            "--format", "jsonl");
        assertEquals("{\"result\":4}\n", insecure.text(), "the server's certificate is not verified: " + insecure);
        Served.Run plain = Served.Run.of("", "list", "--flight", "grpc+tcp://localhost:" + server.port(),
            "--trust", cert.toString());
        assertEquals(Exit.USAGE, plain.status(), "--trust needs grpc+tls: " + plain);
      } finally {
        server.close();
      }
      assertEquals(0, memory.getAllocatedMemory());
    }
  }

  @Test
  void httpsTrustsTheGivenCertificate() throws Exception {
    Path cert = dir.resolve("server.pem");
    Path key = dir.resolve("server.key");
    selfSigned(cert, key);
    // a TLS endpoint that answers every request with 404: enough to tell a handshake that succeeded
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext(cert, key)));
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    server.start();
    try {
      String url = "https://127.0.0.1:" + server.getAddress().getPort() + "/vgi";
      Served.Run trusted = Served.Run.of("", "list", "--url", url, "--trust", cert.toString());
      assertEquals(Exit.TRANSPORT, trusted.status(), trusted::toString);
      assertTrue(trusted.err().contains("HTTP 404"), "the handshake succeeded: " + trusted);
      Served.Run untrusted = Served.Run.of("", "list", "--url", url);
      assertEquals(Exit.TRANSPORT, untrusted.status(), untrusted::toString);
      assertTrue(!untrusted.err().contains("HTTP 404"), "refused before any HTTP: " + untrusted);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void flightPresentsAClientCertificate() throws Exception {
    Path cert = dir.resolve("server.pem");
    Path key = dir.resolve("server.key");
    selfSigned(cert, key);
    Path clientCert = dir.resolve("client.pem");
    Path clientKey = dir.resolve("client.key");
    selfSigned(clientCert, clientKey);
    try (BufferAllocator memory = new RootAllocator()) {
      FlightRpcServer server = FlightRpcServer.builder(Served.server(memory)).tls(cert, key).mutualTls(clientCert)
          .start();
      try {
        String uri = "grpc+tls://localhost:" + server.port();
        Served.Run mutual = Served.Run.of("", "call", "--flight", uri, "--trust", cert.toString(), "--cert",
            clientCert.toString(), "--key", clientKey.toString(), "add", "a=1", "b=2", "--format", "jsonl");
        assertEquals("{\"result\":3}\n", mutual.text(), mutual::toString);
        // Arrow Flight's client will not skip verification while presenting a certificate
        Served.Run both = Served.Run.of("", "list", "--flight", uri, "--insecure", "--cert", clientCert.toString(),
            "--key", clientKey.toString());
        assertEquals(Exit.USAGE, both.status(), both::toString);
        Served.Run anonymous = Served.Run.of("", "list", "--flight", uri, "--trust", cert.toString());
        assertEquals(Exit.TRANSPORT, anonymous.status(), "the server asks for a client certificate: " + anonymous);
      } finally {
        server.close();
      }
      assertEquals(0, memory.getAllocatedMemory());
    }
  }

  @Test
  void httpsPresentsAClientCertificateAndCanSkipVerification() throws Exception {
    Path cert = dir.resolve("server.pem");
    Path key = dir.resolve("server.key");
    selfSigned(cert, key);
    Path clientCert = dir.resolve("client.pem");
    Path clientKey = dir.resolve("client.key");
    selfSigned(clientCert, clientKey);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    SSLContext context = serverContext(cert, key, clientCert);
    server.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setNeedClientAuth(true);
        params.setSSLParameters(parameters);
      }
    });
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    server.start();
    try {
      String url = "https://127.0.0.1:" + server.getAddress().getPort() + "/vgi";
      Served.Run mutual = Served.Run.of("", "list", "--url", url, "--trust", cert.toString(), "--cert",
          clientCert.toString(), "--key", clientKey.toString());
      assertEquals(Exit.TRANSPORT, mutual.status(), mutual::toString);
      assertTrue(mutual.err().contains("HTTP 404"), "the mutual handshake succeeded: " + mutual);
      Served.Run insecure = Served.Run.of("", "list", "--url", url, "-k", "--cert", clientCert.toString(),
          "--key", clientKey.toString());
      assertTrue(insecure.err().contains("HTTP 404"), "the server's certificate is not verified: " + insecure);
      Served.Run anonymous = Served.Run.of("", "list", "--url", url, "--trust", cert.toString());
      assertEquals(Exit.TRANSPORT, anonymous.status(), anonymous::toString);
      assertTrue(!anonymous.err().contains("HTTP 404"), "refused without a client certificate: " + anonymous);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void tlsOptionsThatDoNotFitAreUsageErrors() throws Exception {
    Path cert = dir.resolve("server.pem");
    Path key = dir.resolve("server.key");
    selfSigned(cert, key);
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

  private static SSLContext serverContext(Path cert, Path key) throws Exception {
    return serverContext(cert, key, null);
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
