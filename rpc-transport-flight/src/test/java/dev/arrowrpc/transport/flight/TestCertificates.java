package dev.arrowrpc.transport.flight;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Self-signed PEM certificates made with {@code openssl} for TLS tests: a server certificate for
 * {@code localhost} and {@code 127.0.0.1}, and a client certificate (each its own root). Tests are
 * skipped, saying why, when {@code openssl} cannot run.
 *
 * @param serverCert the server's certificate (also the root a client trusts)
 * @param serverKey the server's private key (PKCS#8)
 * @param clientCert the client's certificate (also the root the server trusts for mutual TLS)
 * @param clientKey the client's private key (PKCS#8)
 */
record TestCertificates(Path serverCert, Path serverKey, Path clientCert, Path clientKey) {
  /** Makes them in a directory, or skips the test when openssl is not there. */
  static TestCertificates make(Path dir) throws IOException, InterruptedException {
    TestCertificates certs = new TestCertificates(dir.resolve("server.pem"), dir.resolve("server.key"),
        dir.resolve("client.pem"), dir.resolve("client.key"));
    selfSigned(certs.serverCert(), certs.serverKey(), "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    selfSigned(certs.clientCert(), certs.clientKey(), "arrow-rpc test client", "extendedKeyUsage=clientAuth");
    return certs;
  }

  private static void selfSigned(Path cert, Path key, String cn, String extension)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-sha256", "-days", "2", "-subj", "/CN=" + cn, "-addext", extension,
        "-keyout", key.toString(), "-out", cert.toString()));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("openssl is not available to make a test certificate: " + e.getMessage());
      throw e;
    }
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      Assumptions.abort("openssl could not make a test certificate: " + output);
    }
  }
}
