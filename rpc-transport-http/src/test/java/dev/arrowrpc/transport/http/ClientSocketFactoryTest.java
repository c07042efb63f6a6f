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
