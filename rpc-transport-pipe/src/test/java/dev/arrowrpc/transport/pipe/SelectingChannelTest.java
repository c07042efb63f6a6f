package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The streams over a {@link SelectingChannel}, over a real Unix domain socket pair: they carry bytes
 * and report the end, a close and an interrupt as the streams over a blocking socket do (those
 * tests run on both, side by side).
 */
@Timeout(60)
class SelectingChannelTest {
  private static final Duration LIMIT = Duration.ofSeconds(10);
  /** Longer than any spin: a read started this long ago waits in its selector (or the kernel). */
  private static final long PAST_POLLING_MILLIS = 200;
  private static final int[] SIZES = {
    1, 2, 7, 100, 4095, 4096, 65_535, 65_536, 65_537, 200_000, 1 << 20, (5 << 20) + 3};

  @TempDir Path directory;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<AutoCloseable> opened = new ArrayList<>();

  /** The channel each end is read and written through. */
  enum Kind {
    BLOCKING,
    SELECTING;

    ByteChannel over(SocketChannel socket) throws IOException {
      return this == SELECTING ? SelectingChannel.of(socket, new SpinBudget()) : socket;
    }
  }

  /** Two connected ends, each read and written through a channel of a kind. */
  private record Pair(SocketChannel leftSocket, ByteChannel left, SocketChannel rightSocket, ByteChannel right) {}

  private Pair pair(Kind kind) throws IOException {
    Path path = directory.resolve("p" + opened.size() + ".sock");
    try (ServerSocketChannel server =
        ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(path))) {
      SocketChannel leftSocket = SocketChannel.open(UnixDomainSocketAddress.of(path));
      opened.add(leftSocket);
      SocketChannel rightSocket = server.accept();
      opened.add(rightSocket);
      Files.delete(path);
      return new Pair(leftSocket, kind.over(leftSocket), rightSocket, kind.over(rightSocket));
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    threads.shutdownNow();
    for (AutoCloseable closeable : opened) {
      closeable.close();
    }
    assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS), "a test thread is still blocked");
  }

  private <T> Future<T> async(Callable<T> task) {
    return threads.submit(task);
  }

  private static <T> T result(Future<T> future) throws Exception {
    try {
      return future.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + LIMIT, e);
    }
  }

  /** The failure of a task, which must fail. */
  private static Throwable failure(Future<?> future) throws Exception {
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> future.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
    return failed.getCause();
  }

  /** The bytes of message {@code index} of a given size sent by a given side: unlike its neighbours'. */
  private static byte[] message(int side, int index, int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + index * 7 + side * 101 + (i >>> 8));
    }
    return bytes;
  }

  /** Writes every size's message, alternately as an array and as a direct buffer. */
  private static Void send(OutputStream out, int side) throws IOException {
    for (int index = 0; index < SIZES.length; index++) {
      byte[] bytes = message(side, index, SIZES[index]);
      if (index % 2 == 0) {
        out.write(bytes);
      } else {
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        assertEquals(bytes.length, ((WritableByteChannel) out).write(direct));
        assertFalse(direct.hasRemaining());
      }
    }
    return null;
  }

  /** Reads every size's message as the peer sends them, alternately into arrays and direct buffers. */
  private static Void receive(InputStream in, int peerSide) throws IOException {
    for (int index = 0; index < SIZES.length; index++) {
      byte[] expected = message(peerSide, index, SIZES[index]);
      byte[] got;
      if (index % 2 == 0) {
        got = in.readNBytes(expected.length);
      } else {
        ByteBuffer direct = ByteBuffer.allocateDirect(expected.length);
        while (direct.hasRemaining()) {
          int n = ((ReadableByteChannel) in).read(direct);
          assertTrue(n > 0, "a read returned " + n + " before the message's end");
        }
        got = new byte[expected.length];
        direct.flip().get(got);
      }
      assertArrayEquals(expected, got, "message " + index + " of " + SIZES[index] + " bytes");
    }
    return null;
  }

  @Test
  void bothDirectionsAtOnceCarryEveryByteInOrder() throws Exception {
    Pair pair = pair(Kind.SELECTING);
    InputStream leftIn = ChannelStreams.input(pair.left());
    OutputStream leftOut = ChannelStreams.output(pair.left());
    InputStream rightIn = ChannelStreams.input(pair.right());
    OutputStream rightOut = ChannelStreams.output(pair.right());
    assertTrue(ChannelStreams.polls(leftIn));
    for (int round = 0; round < 3; round++) {
      // each end writes more than the socket holds while its reader waits on another thread
      List<Future<Void>> all = List.of(
          async(() -> send(leftOut, 0)), async(() -> send(rightOut, 1)),
          async(() -> receive(rightIn, 0)), async(() -> receive(leftIn, 1)));
      for (Future<Void> task : all) {
        result(task);
      }
    }
    pair.left().close();
    assertEquals(-1, rightIn.read());
  }

  @Test
  void aConversationOfSmallMessagesGoesBackAndForth() throws Exception {
    Pair pair = pair(Kind.SELECTING);
    InputStream leftIn = ChannelStreams.input(pair.left());
    OutputStream leftOut = ChannelStreams.output(pair.left());
    InputStream rightIn = ChannelStreams.input(pair.right());
    OutputStream rightOut = ChannelStreams.output(pair.right());
    Future<Void> echo = async(() -> {
      int b;
      while ((b = rightIn.read()) >= 0) {
        rightOut.write(b + 1);
      }
      rightOut.close();
      return null;
    });
    for (int i = 0; i < 10_000; i++) {
      leftOut.write(i & 0x7f);
      assertEquals((i & 0x7f) + 1, leftIn.read());
    }
    pair.leftSocket().shutdownOutput();
    result(echo);
    assertEquals(-1, leftIn.read());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aPeerClosingMidReadEndsTheStreamAfterItsLastBytes(Kind kind) throws Exception {
    Pair pair = pair(kind);
    InputStream in = ChannelStreams.input(pair.right());
    Future<byte[]> read = async(() -> in.readAllBytes());
    Thread.sleep(PAST_POLLING_MILLIS);
    ChannelStreams.output(pair.left()).write(new byte[] {4, 5, 6});
    Thread.sleep(PAST_POLLING_MILLIS);
    pair.left().close();
    assertArrayEquals(new byte[] {4, 5, 6}, result(read));
    assertEquals(-1, in.read());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void closingFromAnotherThreadWakesABlockedRead(Kind kind) throws Exception {
    Pair pair = pair(kind);
    InputStream in = ChannelStreams.input(pair.right());
    Future<Integer> read = async(in::read);
    Thread.sleep(PAST_POLLING_MILLIS);
    in.close();
    assertEquals(AsynchronousCloseException.class, failure(read).getClass());
    assertFalse(pair.right().isOpen());
    assertEquals(ClosedChannelException.class, assertThrows(IOException.class, in::read).getClass());
    assertEquals(-1, assertTimeoutPreemptively(LIMIT, () -> ChannelStreams.input(pair.left()).read()),
        "the peer sees the end");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void closingFromAnotherThreadWakesAWriteBlockedOnAFullSocket(Kind kind) throws Exception {
    Pair pair = pair(kind);
    OutputStream out = ChannelStreams.output(pair.left());
    Future<Void> write = async(() -> {
      out.write(new byte[moreThanTheSocketsHold(pair)]);
      return null;
    });
    Thread.sleep(PAST_POLLING_MILLIS);
    assertFalse(write.isDone(), "the peer reads nothing: the write must wait");
    out.close();
    // a blocking write that had written part of its piece returns, and the next piece finds the
    // channel closed: either way a ClosedChannelException
    assertInstanceOf(ClosedChannelException.class, failure(write));
    assertThrows(ClosedChannelException.class, () -> out.write(1));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void anInterruptClosesTheChannelAndFailsTheBlockedRead(Kind kind) throws Exception {
    Pair pair = pair(kind);
    InputStream in = ChannelStreams.input(pair.right());
    CompletableFuture<Thread> reader = new CompletableFuture<>();
    Future<Boolean> read = async(() -> {
      reader.complete(Thread.currentThread());
      try {
        in.read();
        return false;
      } finally {
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt stays pending");
      }
    });
    Thread.sleep(PAST_POLLING_MILLIS);
    reader.get().interrupt();
    assertEquals(ClosedByInterruptException.class, failure(read).getClass());
    assertFalse(pair.right().isOpen());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aPendingInterruptClosesTheChannelEvenWithBytesWaiting(Kind kind) throws Exception {
    Pair pair = pair(kind);
    ChannelStreams.output(pair.left()).write(9);
    InputStream in = ChannelStreams.input(pair.right());
    Future<Boolean> read = async(() -> {
      Thread.currentThread().interrupt();
      in.read();
      return false;
    });
    assertEquals(ClosedByInterruptException.class, failure(read).getClass());
    assertFalse(pair.right().isOpen());
  }

  @Test
  void aWriteThatFillsTheSocketWaitsForTheSlowPeerAndDeliversEveryByte() throws Exception {
    Pair pair = pair(Kind.SELECTING);
    OutputStream out = ChannelStreams.output(pair.left());
    byte[] bytes = message(0, 3, moreThanTheSocketsHold(pair));
    Future<Void> write = async(() -> {
      out.write(bytes);
      return null;
    });
    Thread.sleep(PAST_POLLING_MILLIS);
    assertFalse(write.isDone(), "the peer reads nothing: the write must wait");
    InputStream in = ChannelStreams.input(pair.right());
    byte[] got = new byte[bytes.length];
    int at = 0;
    while (at < got.length) {
      int n = in.read(got, at, Math.min(1000, got.length - at)); // a slow reader: small pieces
      assertTrue(n > 0);
      at += n;
    }
    result(write);
    assertArrayEquals(bytes, got);
  }

  @Test
  void closingTheSocketItselfStillEndsAWaitingRead() throws Exception {
    Pair pair = pair(Kind.SELECTING);
    InputStream in = ChannelStreams.input(pair.right());
    Future<Integer> read = async(in::read);
    Thread.sleep(PAST_POLLING_MILLIS);
    pair.rightSocket().close(); // not through the selecting channel: noticed on its next look
    assertInstanceOf(AsynchronousCloseException.class, failure(read));
    assertFalse(pair.right().isOpen());
  }

  @Test
  void closedChannelsHoldNoFileDescriptors() throws Exception {
    Path descriptors = Path.of("/proc/self/fd");
    if (!Files.isDirectory(descriptors)) {
      return; // not Linux: nothing to count
    }
    // warm up whatever the JDK opens once (its selector provider)
    exchangeAndClose(pair(Kind.SELECTING));
    long before = count(descriptors);
    for (int i = 0; i < 20; i++) {
      exchangeAndClose(pair(Kind.SELECTING));
    }
    assertEquals(before, count(descriptors), "file descriptors left open");
  }

  /** Makes both ends wait in their selectors once, for a read and for a write, then closes them. */
  private void exchangeAndClose(Pair pair) throws Exception {
    InputStream in = ChannelStreams.input(pair.right());
    Future<Integer> read = async(in::read);
    Thread.sleep(20);
    OutputStream out = ChannelStreams.output(pair.left());
    out.write(1);
    assertEquals(1, result(read));
    Future<Void> write = async(() -> {
      out.write(new byte[moreThanTheSocketsHold(pair)]);
      return null;
    });
    Thread.sleep(20);
    in.readNBytes(moreThanTheSocketsHold(pair));
    result(write);
    pair.left().close();
    pair.right().close();
  }

  private static long count(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.count();
    }
  }

  /** More bytes than both ends' socket buffers hold together. */
  private static int moreThanTheSocketsHold(Pair pair) throws IOException {
    int held = pair.leftSocket().getOption(StandardSocketOptions.SO_SNDBUF)
        + pair.rightSocket().getOption(StandardSocketOptions.SO_RCVBUF);
    return 4 * held;
  }

  @Test
  void unixConnectionsSelectExactlyWhereJavaCannotAskAndTheMachineSpins() throws Exception {
    Path path = directory.resolve("c.sock");
    try (ServerSocketChannel server =
            ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(path));
        SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
        SocketChannel accepted = server.accept()) {
      boolean selects = SpinBudget.SPINNING && !ChannelStreams.unixSocketsAnswer();
      assertEquals(selects, ChannelStreams.selectsUnixSockets());
      ByteChannel channel = ChannelStreams.unixConnection(accepted);
      assertEquals(selects, channel instanceof SelectingChannel);
      assertEquals(!selects, accepted.isBlocking());
      assertTrue(ChannelStreams.polls(ChannelStreams.input(channel)) || !SpinBudget.SPINNING);
    }
  }
}
