package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.RpcServer;
import dev.arrowrpc.core.TransportKind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.Objects;

/**
 * Serves an {@link RpcServer} over TCP. Each connection is one client session, served on its own
 * thread (at most 64 at once; further connections wait their turn). Accepted sockets have {@code
 * TCP_NODELAY} set, since small request batches would otherwise wait on delayed ACKs.
 *
 * <pre>{@code
 * try (TcpServer tcp = TcpServer.start(server);
 *     RpcClient client = RpcClient.connect(Tcp.connect("localhost", tcp.port()))) {
 *   ...
 * }
 * }</pre>
 *
 * <p>The protocol has no authentication or encryption: bind to loopback unless the network is
 * trusted.
 */
public final class TcpServer implements AutoCloseable {
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
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(address, "address");
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
        channel -> channel.setOption(StandardSocketOptions.TCP_NODELAY, true),
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
}
