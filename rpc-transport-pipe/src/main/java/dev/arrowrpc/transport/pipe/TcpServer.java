package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.auth.Authenticator;
import dev.arrowrpc.core.auth.ConnectionAuth;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Serves an {@link RpcServer} over TCP. Each connection is one client session, served on its own
 * thread (at most 64 at once by default; a connection beyond the cap is closed at once). A
 * connection silent between requests for 5 minutes, or stalled mid-request for 30 s, is closed
 * (see {@link #builder(RpcServer)}). Accepted sockets have {@code TCP_NODELAY} set, since small
 * request batches would otherwise wait on delayed ACKs.
 *
 * <pre>{@code
 * try (TcpServer tcp = TcpServer.start(server);
 *     RpcClient client = RpcClient.connect(Tcp.connect("localhost", tcp.port()))) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Requests are anonymous unless an {@link Authenticator} is configured ({@link
 * Builder#authenticator}): then every request is authenticated, with the credential it carries in
 * its batch metadata ({@link ConnectionAuth#AUTHORIZATION_KEY}). The transport has no encryption:
 * a credential crosses the network in the clear, so bind to loopback (or tunnel the connection)
 * unless the network is trusted.
 */
public final class TcpServer implements AutoCloseable {
  /** The default connection cap. */
  public static final int DEFAULT_MAX_CONNECTIONS = ConnectionLimits.DEFAULT_MAX_CONNECTIONS;
  private static final int BACKLOG = 128;

  private final InetSocketAddress address;
  private final ConnectionAcceptor acceptor;

  private TcpServer(InetSocketAddress address, ConnectionAcceptor acceptor) {
    this.address = address;
    this.acceptor = acceptor;
  }

  /**
   * Starts serving on the loopback interface, on a free port (see {@link #port()}).
   *
   * @param server the server; it stays open when this closes
   * @return the running server
   * @throws IOException when the socket cannot be bound
   */
  public static TcpServer start(RpcServer server) throws IOException {
    return start(server, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  /**
   * Starts serving on an address; port 0 picks a free port.
   *
   * @param server the server; it stays open when this closes
   * @param address where to listen
   * @return the running server
   * @throws IOException when the socket cannot be bound
   */
  public static TcpServer start(RpcServer server, InetSocketAddress address) throws IOException {
    return builder(server).address(address).start();
  }

  /**
   * Starts configuring a server: its address, connection cap and timeouts.
   *
   * @param server the server; it stays open when the TCP server closes
   * @return a builder
   */
  public static Builder builder(RpcServer server) {
    return new Builder(Objects.requireNonNull(server, "server"));
  }

  private static TcpServer start(RpcServer server, InetSocketAddress address, ConnectionLimits limits,
      Optional<Authenticator> authenticator) throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open();
    InetSocketAddress bound;
    try {
      listener.bind(address, BACKLOG);
      bound = (InetSocketAddress) listener.getLocalAddress();
    } catch (IOException e) {
      listener.close();
      throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
    ConnectionAcceptor acceptor = ConnectionAcceptor.start(listener, server, TransportKind.TCP,
        channel -> {
          channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
          return channel;
        }, limits, authenticator,
        "arrowrpc-tcp-" + bound.getPort());
    return new TcpServer(bound, acceptor);
  }

  /**
   * The address the server listens on, with the actual port.
   *
   * @return the bound address
   */
  public InetSocketAddress address() {
    return address;
  }

  /**
   * The port the server listens on (the chosen one when started with port 0).
   *
   * @return the port
   */
  public int port() {
    return address.getPort();
  }

  /**
   * Stops accepting, closes the live connections and waits up to 5 s for their threads. The {@link
   * RpcServer} stays open. Idempotent.
   */
  @Override
  public void close() {
    acceptor.close();
  }

  @Override
  public String toString() {
    return "TcpServer[" + address + "]";
  }

  /** Configures a {@link TcpServer}. */
  public static final class Builder {
    private final RpcServer server;
    private InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private ConnectionLimits limits = ConnectionLimits.DEFAULTS;
    private Authenticator authenticator;

    private Builder(RpcServer server) {
      this.server = server;
    }

    /**
     * Sets where to listen (default: loopback, a free port).
     *
     * @param address the address; port 0 picks a free port
     * @return this builder
     */
    public Builder address(InetSocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Sets the most connections served at once (default {@value TcpServer#DEFAULT_MAX_CONNECTIONS}). A
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
     * ConnectionAuth#AUTHORIZATION_KEY} is seen as the {@code authorization} header. A refused
     * request is answered with an {@code AuthenticationError} (code {@code UNAUTHENTICATED}) and the
     * connection goes on serving; the identity returned reaches {@link
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
     * Binds the socket and starts serving.
     *
     * @return the running server
     * @throws IOException when the socket cannot be bound
     */
    public TcpServer start() throws IOException {
      return TcpServer.start(server, address, limits, Optional.ofNullable(authenticator));
    }
  }
}
