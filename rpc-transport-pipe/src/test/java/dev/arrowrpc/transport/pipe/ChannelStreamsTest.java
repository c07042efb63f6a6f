package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelStreamsTest {
  private static final Duration LIMIT = Duration.ofSeconds(10);

  @TempDir Path directory;

  @Test
  void aTcpStreamPollsWhenTheMachineHasCpusToSpareAndReadsBytesEarlyOrLate() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept()) {
      InputStream in = ChannelStreams.input(accepted);
      assertEquals(SpinBudget.SPINNING, ChannelStreams.polls(in));
      readsEarlyAndLateBytesThenTheEnd(in, ChannelStreams.output(client), client);
    }
  }

  @Test
  void aServersTcpStreamReadThroughItsWatchdogPollsTheSocketUnderneath() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept();
        ReadWatchdog watchdog = ReadWatchdog.start(ConnectionLimits.DEFAULTS, "test").orElseThrow()) {
      java.nio.channels.ByteChannel watched = watchdog.watch(accepted);
      // the watchdog's channel cannot be asked whether bytes wait: read alone, it never polls
      assertFalse(ChannelStreams.polls(ChannelStreams.input(watched)));
      InputStream in = ChannelStreams.input(watched, accepted);
      assertEquals(SpinBudget.SPINNING, ChannelStreams.polls(in));
      readsEarlyAndLateBytesThenTheEnd(in, ChannelStreams.output(client), client);
    }
  }

  @Test
  void unixSocketsAnswerHowManyBytesWaitFromJava25OnAndNotOnJava17() {
    int feature = Runtime.version().feature();
    if (feature <= 17) {
      assertFalse(ChannelStreams.unixSocketsAnswer());
    } else if (feature >= 25) {
      assertTrue(ChannelStreams.unixSocketsAnswer());
    }
  }

  @Test
  void aUnixSocketStreamPollsWhereJavaCanAskAndReadsAlike() throws Exception {
    Path path = directory.resolve("s.sock");
    try (ServerSocketChannel server =
            ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(path));
        SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
        SocketChannel accepted = server.accept()) {
      InputStream in = ChannelStreams.input(accepted);
      assertEquals(SpinBudget.SPINNING && ChannelStreams.unixSocketsAnswer(), ChannelStreams.polls(in));
      readsEarlyAndLateBytesThenTheEnd(in, ChannelStreams.output(client), client);
    }
  }

  private static void readsEarlyAndLateBytesThenTheEnd(InputStream in, OutputStream out, SocketChannel writer)
      throws Exception {
    out.write(new byte[] {1, 2, 3});
    byte[] into = new byte[8];
    assertEquals(3, in.read(into, 0, 8));
    assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOf(into, 3));
    CompletableFuture<Integer> late = CompletableFuture.supplyAsync(() -> {
      try {
        return in.read();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    Thread.sleep(200); // past any polling: the reader blocks in the channel
    out.write(42);
    assertEquals(42, assertTimeoutPreemptively(LIMIT, () -> late.get()));
    writer.shutdownOutput();
    assertEquals(-1, assertTimeoutPreemptively(LIMIT, () -> in.read(into, 0, 8)));
  }
}
