package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.auth.Authenticator;
import dev.arrowrpc.core.auth.ConnectionAuth;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an {@link RpcServer} on a Unix-domain socket. Each connection is one client session,
 * served on its own thread (at most 64 at once by default; a connection beyond the cap is closed at
 * once). A connection silent between requests for 5 minutes, or stalled mid-request for 30 s, is
 * closed (see {@link #builder(RpcServer, Path)}). Access is governed by the socket file's
 * permissions and, when an {@link Authenticator} is configured ({@link Builder#authenticator}), by
 * it: every request is authenticated, the authenticator seeing the credential the request carries
 * in its batch metadata ({@link ConnectionAuth#AUTHORIZATION_KEY}) and the peer process's user and
 * group ({@link dev.arrowrpc.core.auth.AuthRequest#peerCredentials()}).
 *
 * <pre>{@code
 * try (UnixSocketServer uds = UnixSocketServer.start(server, Path.of("/tmp/calc.sock"));
 *     RpcClient client = RpcClient.connect(UnixSocket.connect(uds.path()))) {
 *   ...
 * }
 * }</pre>
 */
public final class UnixSocketServer implements AutoCloseable {
  /** The default connection cap. */
  public static final int DEFAULT_MAX_CONNECTIONS = ConnectionLimits.DEFAULT_MAX_CONNECTIONS;
  private static final Logger LOG = LoggerFactory.getLogger(UnixSocketServer.class);
  private static final int BACKLOG = 128;

  private final Path path;
  private final ConnectionAcceptor acceptor;
  /** The bound socket file's identity (device and inode), when the file system reports one. */
  private final Optional<Object> fileKey;

  private UnixSocketServer(Path path, ConnectionAcceptor acceptor, Optional<Object> fileKey) {
    this.path = path;
    this.acceptor = acceptor;
    this.fileKey = fileKey;
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
    return builder(server, path).start();
  }

  /**
   * Starts configuring a server: its connection cap and timeouts.
   *
   * @param server the server; it stays open when the socket server closes
   * @param path the socket file to create (it must not exist)
   * @return a builder
   */
  public static Builder builder(RpcServer server, Path path) {
    return new Builder(Objects.requireNonNull(server, "server"), Objects.requireNonNull(path, "path"));
  }

  private static UnixSocketServer start(RpcServer server, Path path, ConnectionLimits limits,
      Optional<Authenticator> authenticator) throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      listener.bind(UnixDomainSocketAddress.of(path), BACKLOG);
    } catch (IOException e) {
      listener.close();
      String stale = Files.exists(path)
          ? " (the file exists: remove it if it is a stale socket no server listens on)" : "";
      throw new IOException("cannot listen on Unix socket " + path + ": " + e.getMessage() + stale, e);
    }
    Optional<Object> fileKey = fileKey(path);
    ConnectionAcceptor acceptor =
        ConnectionAcceptor.start(listener, server, TransportKind.UNIX, UnixSocket::prepare, limits,
            authenticator, "arrowrpc-unix");
    return new UnixSocketServer(path, acceptor, fileKey);
  }

  private static Optional<Object> fileKey(Path path) {
    try {
      return Optional.ofNullable(
          Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The connections' bookkeeping, for an idle shutdown. */
  ConnectionAcceptor acceptor() {
    return acceptor;
  }

  /**
   * Deletes the socket file if it is still the one this server bound (another server may have
   * replaced it since): new clients can no longer connect, the listener stays open.
   */
  void unlink() {
    try {
      if (fileKey.isEmpty() || fileKey.equals(fileKey(path))) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      LOG.warn("cannot delete socket file {}: {}", path, e.toString());
    }
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
   * the socket file, unless another server has replaced it since. The {@link RpcServer} stays
   * open. Idempotent.
   */
  @Override
  public void close() {
    acceptor.close();
    unlink();
  }

  @Override
  public String toString() {
    return "UnixSocketServer[" + path + "]";
  }

  /** Configures a {@link UnixSocketServer}. */
  public static final class Builder {
    private final RpcServer server;
    private final Path path;
    private ConnectionLimits limits = ConnectionLimits.DEFAULTS;
    private Authenticator authenticator;

    private Builder(RpcServer server, Path path) {
      this.server = server;
      this.path = path;
    }

    /**
     * Sets the most connections served at once (default {@value UnixSocketServer#DEFAULT_MAX_CONNECTIONS}). A
     * connection beyond the cap is closed as soon as it is accepted: its client sees the end of the
     * stream at once instead of waiting in the backlog.
     *
     * @param max the cap
     * @return this builder
     */
    public Builder maxConnections(int max) {
      limits = limits.withMaxConnections(max);
      return this;
    }

    /**
     * Sets how long a connection may stay silent while the server waits for its next request
     * (default 5 minutes; {@link Duration#ZERO} disables). It never runs while a call computes or
     * its response is written.
     *
     * @param timeout the idle timeout
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      limits = limits.withIdleTimeout(timeout);
      return this;
    }

    /**
     * Sets how long a partly sent request may stall before more of it arrives (default 30 s; {@link
     * Duration#ZERO} disables). The connection is then closed.
     *
     * @param timeout the read timeout
     * @return this builder
     */
    public Builder readTimeout(Duration timeout) {
      limits = limits.withReadTimeout(timeout);
      return this;
    }

    /**
     * Authenticates every request (default: every caller is anonymous), as an HTTP server does with
     * the same authenticator: the credential a request carries in its batch metadata under {@value
     * ConnectionAuth#AUTHORIZATION_KEY} is seen as the {@code authorization} header, and the peer
     * process's user and group as {@link dev.arrowrpc.core.auth.AuthRequest#peerCredentials()}. A
     * refused request is answered with an {@code AuthenticationError} (code {@code UNAUTHENTICATED})
     * and the connection goes on serving; the identity returned reaches {@link
     * dev.arrowrpc.core.CallContext#principal()} and the access record. When the server hosts
     * identity with grant keys or a token resolver, those accept bearers after this authenticator,
     * as on HTTP.
     *
     * @param authenticator decides who sent each request
     * @return this builder
     */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /**
     * Creates the socket file and starts serving on it.
     *
     * @return the running server
     * @throws IOException when the socket cannot be bound, for example because the file exists
     */
    public UnixSocketServer start() throws IOException {
      return UnixSocketServer.start(server, path, limits, Optional.ofNullable(authenticator));
    }
  }
}
