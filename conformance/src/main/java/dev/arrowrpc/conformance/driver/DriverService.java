package dev.arrowrpc.conformance.driver;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The driver as a service, for harnesses that open connections by the hundred (the shared suite's
 * connection-churn soak opens 300 in 50 seconds, where a JVM per connection takes most of a second
 * to start): one JVM listening on a loopback TCP port, and a launcher per connection
 * ({@code bin/client-driver} with {@code CLIENT_DRIVER_SERVICE=PORT:SECRET}) that relays its stdin
 * and stdout to one accepted socket. Each socket is one driver session of its own, on its own
 * thread, with its own client, allocator and transport, exactly as a driver process would have;
 * the end of the socket's input is the end of stdin (teardown, no response).
 *
 * <p>The first line a launcher sends is the secret from {@code CLIENT_DRIVER_SECRET} in the
 * service's environment; a socket that does not present it is closed. The secret sent again marks
 * the end of the launcher's stdin (a relay through bash cannot half-close its socket). On start the
 * service prints {@code PORT:<port>} on stdout, then nothing else there.
 */
final class DriverService {
  private DriverService() {}

  /**
   * Serves sessions until the process is stopped.
   *
   * @param announce where the port is printed
   * @throws IOException when the port cannot be bound
   */
  static void serve(PrintStream announce) throws IOException {
    String secret = System.getenv("CLIENT_DRIVER_SECRET");
    if (secret == null || secret.length() < 16) {
      throw new IllegalStateException("CLIENT_DRIVER_SECRET (16 characters or more) is required with --serve");
    }
    byte[] expected = secret.getBytes(StandardCharsets.UTF_8);
    try (ServerSocket listener = new ServerSocket()) {
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
      announce.println("PORT:" + listener.getLocalPort());
      announce.flush();
      while (true) {
        Socket socket = listener.accept();
        Thread session = new Thread(() -> session(socket, expected), "driver-session-" + socket.getPort());
        session.setDaemon(true);
        session.start();
      }
    }
  }

  private static void session(Socket socket, byte[] expected) {
    try (socket) {
      socket.setTcpNoDelay(true);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String presented = in.readLine();
      if (presented == null || !MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))) {
        System.err.println("client-driver service: a connection without the secret was closed");
        return;
      }
      PrintStream control = new PrintStream(socket.getOutputStream(), false, StandardCharsets.UTF_8);
      ClientDriver.run(new BufferedReader(in) {
        @Override
        public String readLine() throws IOException {
          String line = super.readLine();
          // the launcher's stdin ended: it says so with the secret again
          return line != null && line.equals(presented) ? null : line;
        }
      }, control);
    } catch (IOException | RuntimeException e) {
      System.err.println("client-driver service: session failed: " + e);
    }
  }
}
