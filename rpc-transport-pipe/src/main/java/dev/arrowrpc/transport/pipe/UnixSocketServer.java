package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.RpcServer;
import dev.arrowrpc.core.TransportKind;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an {@link RpcServer} on a Unix-domain socket. Each connection is one client session,
 * served on its own thread (at most 64 at once; further connections wait their turn). Access is
 * governed by the socket file's permissions.
 *
 * <pre>{@code
 * try (UnixSocketServer uds = UnixSocketServer.start(server, Path.of("/tmp/calc.sock"));
 *     RpcClient client = RpcClient.connect(UnixSocket.connect(uds.path()))) {
 *   ...
 * }
 * }</pre>
 */
public final class UnixSocketServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UnixSocketServer.class);
  private static final int BACKLOG = 128;

  private final Path path;
  private final ConnectionAcceptor acceptor;

  private UnixSocketServer(Path path, ConnectionAcceptor acceptor) {
    this.path = path;
    this.acceptor = acceptor;
  }

  /**
   * Creates the socket file and starts serving on it.
   *
   * @param server the server; it stays open when this closes
   * @param path the socket file to create (it must not exist; Linux limits the path to 107 bytes)
   * @return the running server
   * @throws IOException when the socket cannot be bound, for example because the file exists
   */
  public static UnixSocketServer start(RpcServer server, Path path) throws IOException {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(path, "path");
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      listener.bind(UnixDomainSocketAddress.of(path), BACKLOG);
    } catch (IOException e) {
      listener.close();
      String stale = Files.exists(path)
          ? " (the file exists: remove it if it is a stale socket no server listens on)" : "";
      throw new IOException("cannot listen on Unix socket " + path + ": " + e.getMessage() + stale, e);
    }
    ConnectionAcceptor acceptor =
        ConnectionAcceptor.start(listener, server, TransportKind.UNIX, UnixSocket::tune, "arrowrpc-unix");
    return new UnixSocketServer(path, acceptor);
  }

  /**
   * The socket file the server listens on.
   *
   * @return the path
   */
  public Path path() {
    return path;
  }

  /**
   * Stops accepting, closes the live connections, waits up to 5 s for their threads and deletes
   * the socket file. The {@link RpcServer} stays open. Idempotent.
   */
  @Override
  public void close() {
    acceptor.close();
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.warn("cannot delete socket file {}: {}", path, e.toString());
    }
  }

  @Override
  public String toString() {
    return "UnixSocketServer[" + path + "]";
  }
}
