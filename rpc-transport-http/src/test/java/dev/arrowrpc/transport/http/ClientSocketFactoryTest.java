package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The default client's sockets: Nagle off, writes gathered until a flush, the bytes unchanged. */
@Timeout(30)
class ClientSocketFactoryTest {
  private final ClientSocketFactory factory = new ClientSocketFactory();

  @Test
  void everyWayOfMakingASocketTurnsNagleOff() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket server = new ServerSocket(0, 50, loopback)) {
      int port = server.getLocalPort();
      Socket[] sockets = {factory.createSocket(), factory.createSocket(loopback.getHostAddress(), port),
          factory.createSocket(loopback, port), factory.createSocket(loopback.getHostAddress(), port, loopback, 0),
          factory.createSocket(loopback, port, loopback, 0)};
      for (Socket socket : sockets) {
        try (socket) {
          assertTrue(socket.getTcpNoDelay());
          assertTrue(socket instanceof ClientSocketFactory.GatheringSocket);
        }
      }
    }
  }

  @Test
  void smallWritesWaitForTheFlush() throws IOException {
    try (Pair pair = new Pair()) {
      OutputStream out = pair.client.getOutputStream();
      out.write(new byte[] {1, 2, 3});
      pair.accepted.setSoTimeout(300);
      InputStream in = pair.accepted.getInputStream();
      assertThrows(SocketTimeoutException.class, in::read, "bytes went out before the flush");
      out.flush();
      assertArrayEquals(new byte[] {1, 2, 3}, in.readNBytes(3));
    }
  }

  @Test
  void bytesArriveUnchangedWhateverTheSizesOfTheWrites() throws IOException {
    byte[] data = new byte[3 * ClientSocketFactory.WRITE_BUFFER + 12_345];
    new Random(7).nextBytes(data);
    try (Pair pair = new Pair()) {
      OutputStream out = pair.client.getOutputStream();
      assertSame(out, pair.client.getOutputStream());
      int[] sizes = {1, 8192, 100, ClientSocketFactory.WRITE_BUFFER + 1, 8192, 7};
      int at = 0;
      for (int i = 0; at < data.length; i++) {
        int n = Math.min(sizes[i % sizes.length], data.length - at);
        out.write(data, at, n);
        at += n;
      }
      out.flush();
      pair.client.shutdownOutput();
      assertArrayEquals(data, pair.accepted.getInputStream().readAllBytes());
    }
  }

  @Test
  void shuttingTheOutputDownSendsWhatWasGathered() throws IOException {
    try (Pair pair = new Pair()) {
      pair.client.getOutputStream().write(new byte[] {9, 8, 7, 6});
      pair.client.shutdownOutput();
      assertArrayEquals(new byte[] {9, 8, 7, 6}, pair.accepted.getInputStream().readAllBytes());
    }
  }

  @Test
  void aClosedSocketHasNoStream() throws IOException {
    try (Pair pair = new Pair()) {
      pair.client.getOutputStream();
      pair.client.close();
      assertThrows(IOException.class, pair.client::getOutputStream);
      assertEquals(-1, pair.accepted.getInputStream().read());
    }
  }

  @Test
  void tlsLayeredOnTheSocketHandshakesAndMovesEveryByte(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    // as OkHttp does for https: the TLS socket is layered on the factory's socket, whose stream
    // gathers; the JDK's TLS must flush every handshake message and record through it
    java.nio.file.Path store = dir.resolve("server.p12");
    String keytool = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process made = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype",
        "PKCS12", "-keystore", store.toString(), "-storepass", "changeit").redirectErrorStream(true).start();
    String keytoolSaid = new String(made.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, made.waitFor(), keytoolSaid);
    java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(store)) {
      keys.load(in, "changeit".toCharArray());
    }
    javax.net.ssl.KeyManagerFactory keyManagers =
        javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, "changeit".toCharArray());
    javax.net.ssl.TrustManagerFactory trust =
        javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    trust.init(keys);
    javax.net.ssl.SSLContext serverTls = javax.net.ssl.SSLContext.getInstance("TLS");
    serverTls.init(keyManagers.getKeyManagers(), null, null);
    javax.net.ssl.SSLContext clientTls = javax.net.ssl.SSLContext.getInstance("TLS");
    clientTls.init(null, trust.getTrustManagers(), null);
    byte[] data = new byte[3 * 1024 * 1024 + 5];
    new Random(7).nextBytes(data);
    try (ServerSocket listening = serverTls.getServerSocketFactory().createServerSocket(0, 5,
        InetAddress.getLoopbackAddress())) {
      // completed before the server's socket closes: a TLS close waits for the peer's close_notify
      java.util.concurrent.CompletableFuture<byte[]> received = new java.util.concurrent.CompletableFuture<>();
      Thread server = new Thread(() -> {
        try (Socket accepted = listening.accept()) {
          accepted.setSoTimeout(10_000);
          byte[] all = accepted.getInputStream().readNBytes(data.length);
          accepted.getOutputStream().write(42);
          accepted.getOutputStream().flush();
          received.complete(all);
        } catch (IOException e) {
          received.completeExceptionally(e);
        }
      });
      server.start();
      Socket plain = factory.createSocket(InetAddress.getLoopbackAddress(), listening.getLocalPort());
      try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) clientTls.getSocketFactory()
          .createSocket(plain, "127.0.0.1", listening.getLocalPort(), true)) {
        tls.setSoTimeout(10_000);
        tls.startHandshake();
        OutputStream out = tls.getOutputStream();
        for (int at = 0; at < data.length; at += 8192) {
          out.write(data, at, Math.min(8192, data.length - at));
        }
        out.flush();
        assertEquals(42, tls.getInputStream().read(), "the server's answer after the whole body");
        assertArrayEquals(data, received.get(20, java.util.concurrent.TimeUnit.SECONDS));
      }
      server.join(20_000);
    }
  }

  /** A socket of the factory's connected to one accepted on loopback. */
  private final class Pair implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final Socket client = factory.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
    final Socket accepted = server.accept();

    Pair() throws IOException {
      accepted.setSoTimeout(10_000);
    }

    @Override
    public void close() throws IOException {
      try (server; client; accepted) {
        // all three closed
      }
    }
  }
}
