package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.ByteTransport;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Connects to a {@link UnixSocketServer}.
 *
 * <pre>{@code
 * try (RpcClient client = RpcClient.connect(UnixSocket.connect(Path.of("/tmp/calc.sock")))) {
 *   client.proxy(Calculator.class).add(1, 2);
 * }
 * }</pre>
 */
public final class UnixSocket {
  private UnixSocket() {}

  /**
   * Opens a connection to a Unix-domain socket.
   *
   * @param path the socket file
   * @return the channel, for {@code RpcClient.connect}
   * @throws IOException when the connection cannot be made
   */
  public static ByteTransport connect(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    try {
      SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
      try {
        return new SocketTransport(prepare(channel), "unix:" + path);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      throw new IOException("cannot connect to Unix socket " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Prepares a connected socket, either end: {@link #tune tunes} it and returns the channel to read
   * and write it through ({@link ChannelStreams#unixConnection}).
   */
  static ByteChannel prepare(SocketChannel channel) throws IOException {
    tune(channel);
    return ChannelStreams.unixConnection(channel);
  }

  /**
   * Asks for a send buffer large enough that a big record batch crosses in few context switches
   * (the kernel caps it at {@code net.core.wmem_max}); a small default costs a switch per 200 KiB.
   */
  static void tune(SocketChannel channel) throws IOException {
    channel.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER);
  }

  private static final int SEND_BUFFER = 4 << 20;
}
