package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.ByteTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ByteChannel;

/** The client end of a connected socket channel (TCP or Unix domain). */
final class SocketTransport implements ByteTransport {
  private final ByteChannel channel;
  private final String peer;
  private final InputStream input;
  private final OutputStream output;

  /**
   * Wraps a connected channel, read and written as a blocking one (a socket channel, or a {@link
   * SelectingChannel} over one); {@code peer} names the server in error messages.
   */
  SocketTransport(ByteChannel channel, String peer) {
    this.channel = channel;
    this.peer = peer;
    this.input = ChannelStreams.input(channel);
    this.output = ChannelStreams.output(channel);
  }

  @Override
  public InputStream input() {
    return input;
  }

  @Override
  public OutputStream output() {
    return output;
  }

  @Override
  public String failureHint() {
    return "server at " + peer;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return "SocketTransport[" + peer + "]";
  }
}
