package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.ByteTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * Connects to a {@link TcpServer}.
 *
 * <pre>{@code
 * try (RpcClient client = RpcClient.connect(Tcp.connect("localhost", 7000))) {
 *   client.proxy(Calculator.class).add(1, 2);
 * }
 * }</pre>
 */
public final class Tcp {
  private Tcp() {}

  /**
   * Opens a connection with {@code TCP_NODELAY} set.
   *
   * @param host the server's host name or address
   * @param port the server's port
   * @return the channel, for {@code RpcClient.connect}
   * @throws IOException when the connection cannot be made
   */
  public static ByteTransport connect(String host, int port) throws IOException {
    return connect(new InetSocketAddress(Objects.requireNonNull(host, "host"), port));
  }

  /**
   * Opens a connection with {@code TCP_NODELAY} set.
   *
   * @param address the server's address (for example {@link TcpServer#address()})
   * @return the channel, for {@code RpcClient.connect}
   * @throws IOException when the connection cannot be made
   */
  public static ByteTransport connect(InetSocketAddress address) throws IOException {
    Objects.requireNonNull(address, "address");
    SocketChannel channel;
    try {
      channel = SocketChannel.open(address);
    } catch (IOException e) {
      throw new IOException("cannot connect to " + address + ": " + e.getMessage(), e);
    }
    try {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return new SocketTransport(channel, address.getHostString() + ":" + address.getPort());
  }
}
