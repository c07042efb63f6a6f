package dev.arrowrpc.codegen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
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
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --trust CERT.pem} over Flight ({@code grpc+tls}) and HTTPS, with a self-signed certificate
 * made by {@code openssl} (skipped, saying why, when it cannot run): trusted, the call goes through;
 * untrusted, the command exits with the transport status.
 */
class TlsTest {
  @TempDir Path dir;

  @Test
  void flightOverTlsTrustsTheGivenCertificate() throws Exception {
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

  private static SSLContext serverContext(Path cert, Path key) throws Exception {
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
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
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
