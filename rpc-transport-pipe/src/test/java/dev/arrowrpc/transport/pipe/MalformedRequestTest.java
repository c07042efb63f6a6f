package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request whose messages arrive whole but whose content is malformed is answered with a {@code
 * ProtocolError}, and the connection stays in step: the next request on it is served. A method that
 * throws an Error (or whose result throws one while being encoded) is answered with a typed error too,
 * and the connection serves the next call. Over an in-process pipe and over TCP.
 */
@Timeout(60)
class MalformedRequestTest {
  /** A record whose accessor throws, so that encoding the result fails with an Error. */
  public record Bad(String s) {
    @Override
    public String s() {
      throw new StackOverflowError("encoding the result");
    }
  }

  /** A record whose constructor throws, so that decoding an argument fails with an Error. */
  public record Picky(String s) {
    /** Set once the client has built its argument: the server's copy then fails. */
    static volatile boolean refuse;

    public Picky {
      if (refuse) {
        throw new StackOverflowError("decoding the argument");
      }
    }
  }

  /** The service the tests call. */
  @RpcService
  public interface Faulty {
    String echo(String s);

    String overflow(String s);

    String outOfMemory(String s);

    Bad bad(String s);

    String take(Picky p);

    Exchange<Num, Num> doubler();
  }

  /** A row of the exchange. */
  public record Num(long value) {}

  /** Echoes, and fails with Errors on request. */
  public static final class FaultyImpl implements Faulty {
    @Override
    public String echo(String s) {
      return s;
    }

    @Override
    public String overflow(String s) {
      throw new StackOverflowError("thrown by the method");
    }

    @Override
    public String outOfMemory(String s) {
      throw new OutOfMemoryError("thrown by the method");
    }

    @Override
    public String take(Picky p) {
      return p.s();
    }

    @Override
    public Exchange<Num, Num> doubler() {
      return Exchange.of((input, out, context) -> out.emit(input.stream().map(n -> new Num(2 * n.value())).toList()));
    }

    @Override
    public Bad bad(String s) {
      return new Bad(s);
    }
  }

  private BufferAllocator serverMemory;
  private BufferAllocator clientMemory;
  private RpcServer server;

  @BeforeEach
  void setUp() {
    serverMemory = new RootAllocator();
    clientMemory = new RootAllocator();
    server = RpcServer.builder(Faulty.class, new FaultyImpl()).allocator(serverMemory).build();
  }

  @AfterEach
  void tearDown() {
    server.close();
    assertEquals(0, clientMemory.getAllocatedMemory());
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (serverMemory.getAllocatedMemory() != 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    clientMemory.close();
    serverMemory.close();
  }

  // ------------------------------------------------------------------ crafted requests

  private static final Schema LONGS = new Schema(List.of(Field.notNullable("x", new ArrowType.Int(64, true))));

  /** A stream of the schema, then batches with the given nodes and buffers, then the end marker. */
  private byte[] stream(Schema schema, int batches, long rows, List<ArrowFieldNode> nodes, List<byte[]> buffers)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WriteChannel channel = new WriteChannel(Channels.newChannel(out));
    if (schema != null) {
      MessageSerializer.serialize(channel, schema, IpcOption.DEFAULT);
    }
    writeBatches(channel, batches, rows, nodes, buffers);
    channel.writeIntLittleEndian(MessageSerializer.IPC_CONTINUATION_TOKEN);
    channel.writeIntLittleEndian(0);
    return out.toByteArray();
  }

  private void writeBatches(WriteChannel channel, int count, long rows, List<ArrowFieldNode> nodes,
      List<byte[]> buffers) throws IOException {
    for (int i = 0; i < count; i++) {
      List<ArrowBuf> bufs = new ArrayList<>();
      try {
        for (byte[] bytes : buffers) {
          ArrowBuf buf = clientMemory.buffer(Math.max(bytes.length, 1));
          buf.setBytes(0, bytes);
          buf.writerIndex(bytes.length);
          bufs.add(buf);
        }
        try (ArrowRecordBatch batch = new ArrowRecordBatch((int) rows, nodes, bufs)) {
          MessageSerializer.serialize(channel, batch);
        }
      } finally {
        bufs.forEach(ArrowBuf::close);
      }
    }
  }

  private static byte[] longs(long... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return b.array();
  }

  /** A batch declaring a million rows over one value's bytes, then a second batch. */
  private byte[] lyingRowCount() throws IOException {
    return stream(LONGS, 2, 1_000_000, List.of(new ArrowFieldNode(1_000_000, 0)), List.of(new byte[0], longs(7)));
  }

  /** An integer column 13 bits wide, then a batch. */
  private byte[] badTypeWidth() throws IOException {
    Schema odd = new Schema(List.of(Field.notNullable("x", new ArrowType.Int(13, true))));
    return stream(odd, 1, 1, List.of(new ArrowFieldNode(1, 0)), List.of(new byte[0], longs(7)));
  }

  /** A schema nested deeper than the wire bounds allow. */
  private byte[] tooDeep() throws IOException {
    Field field = Field.nullable("leaf", new ArrowType.Int(64, true));
    for (int i = 0; i < 200; i++) {
      field = new Field("l" + i, FieldType.nullable(ArrowType.List.INSTANCE), List.of(field));
    }
    return stream(new Schema(List.of(field)), 0, 0, List.of(), List.of());
  }

  /** A stream opening with record batches instead of a schema. */
  private byte[] batchesFirst() throws IOException {
    return stream(null, 3, 1, List.of(new ArrowFieldNode(1, 0)), List.of(new byte[0], longs(7)));
  }

  /** Reads one response stream; returns the last batch's metadata. */
  private Map<String, String> response(InputStream in) throws IOException {
    Optional<IpcStreamReader> opened = IpcStreamReader.open(in, clientMemory);
    assertTrue(opened.isPresent(), "no response");
    try (IpcStreamReader reader = opened.get()) {
      Map<String, String> last = Map.of();
      while (reader.next()) {
        last = reader.metadata();
      }
      assertTrue(reader.ended(), "the response stream was cut");
      return last;
    }
  }

  /** A transport whose close leaves the underlying one open (the test closes it). */
  private static ByteTransport shared(ByteTransport transport) {
    return new ByteTransport() {
      @Override
      public InputStream input() {
        return transport.input();
      }

      @Override
      public OutputStream output() {
        return transport.output();
      }

      @Override
      public void close() {
        // the test closes the real transport
      }
    };
  }

  private void malformedRequestsLeaveTheConnectionInStep(ByteTransport transport) throws Exception {
    List<byte[]> requests = List.of(lyingRowCount(), badTypeWidth(), tooDeep(), batchesFirst());
    for (byte[] request : requests) {
      transport.output().write(request);
      transport.output().flush();
      Map<String, String> error = response(transport.input());
      String message = error.getOrDefault(MetadataKeys.LOG_MESSAGE, "");
      assertTrue(message.startsWith("ProtocolError"), "not a ProtocolError: " + error);
      try (RpcClient client = RpcClient.builder(shared(transport)).allocator(clientMemory).build()) {
        assertEquals("still here", client.proxy(Faulty.class).echo("still here"));
      }
    }
  }

  private void errorsFromCallsAreAnswered(ByteTransport transport) {
    errorsFromCallsAreAnswered(transport, true);
  }

  /** With {@code inProcess} false (a worker process) the argument-decoding step is left out. */
  private void errorsFromCallsAreAnswered(ByteTransport transport, boolean inProcess) {
    try (RpcClient client = RpcClient.builder(transport).allocator(clientMemory).build()) {
      Faulty faulty = client.proxy(Faulty.class);
      RpcException overflow = assertThrows(RpcException.class, () -> faulty.overflow("x"));
      assertTrue(overflow.getMessage().contains("thrown by the method"), overflow.toString());
      assertEquals("a", faulty.echo("a"));
      RpcException memory = assertThrows(RpcException.class, () -> faulty.outOfMemory("x"));
      assertTrue(memory.getMessage().contains("thrown by the method"), memory.toString());
      assertEquals("b", faulty.echo("b"));
      RpcException encoding = assertThrows(RpcException.class, () -> faulty.bad("x"));
      assertTrue(encoding.getMessage().contains("encoding the result"), encoding.toString());
      assertEquals("c", faulty.echo("c"));
      if (!inProcess) {
        return;
      }
      Picky argument = new Picky("fine");
      Picky.refuse = true;
      RpcException decoding;
      try {
        decoding = assertThrows(RpcException.class, () -> faulty.take(argument));
      } finally {
        Picky.refuse = false;
      }
      assertTrue(decoding.getMessage().contains("decoding the argument"), decoding.toString());
      assertEquals("d", faulty.echo("d"));
    }
  }

  /** A transport that keeps a copy of what the client sends. */
  private static ByteTransport tee(ByteTransport transport, ByteArrayOutputStream copy) {
    OutputStream out = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        copy.write(b, off, len);
        transport.output().write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        transport.output().flush();
      }
    };
    return new ByteTransport() {
      @Override
      public InputStream input() {
        return transport.input();
      }

      @Override
      public OutputStream output() {
        return out;
      }

      @Override
      public void close() throws IOException {
        transport.close();
      }
    };
  }

  /** Splits bytes into their IPC streams by framing alone. */
  private static List<byte[]> streams(byte[] bytes) {
    List<byte[]> result = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int start = 0;
    while (in.remaining() >= 8) {
      in.getInt(); // continuation marker
      int length = in.getInt();
      if (length == 0) {
        result.add(java.util.Arrays.copyOfRange(bytes, start, in.position()));
        start = in.position();
        continue;
      }
      ByteBuffer metadata = in.slice(in.position(), length).order(ByteOrder.LITTLE_ENDIAN);
      long body = org.apache.arrow.flatbuf.Message.getRootAsMessage(metadata).bodyLength();
      in.position(in.position() + length + (int) body);
    }
    return result;
  }

  /** The first message (the schema) of a stream. */
  private static byte[] schemaMessage(byte[] stream) {
    int length = ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
    return java.util.Arrays.copyOf(stream, 8 + length);
  }

  private void malformedStreamInputLeavesTheConnectionInStep(ByteTransport raw) throws Exception {
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    ByteTransport transport = tee(raw, sent);
    try (RpcClient client = RpcClient.builder(shared(transport)).allocator(clientMemory).build();
        Exchange<Num, Num> exchange = client.proxy(Faulty.class).doubler()) {
      assertEquals(new Num(2), exchange.exchangeOne(new Num(1)));
    }
    List<byte[]> streams = streams(sent.toByteArray());
    assertEquals(2, streams.size(), "expected a request and an input stream");
    byte[] request = streams.get(0);
    byte[] schema = schemaMessage(streams.get(1));
    // the same exchange again, its input a batch that claims a million rows over one value, then a good batch
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    input.write(schema);
    WriteChannel channel = new WriteChannel(Channels.newChannel(input));
    writeBatches(channel, 1, 1_000_000, List.of(new ArrowFieldNode(1_000_000, 0)), List.of(new byte[0], longs(7)));
    writeBatches(channel, 1, 1, List.of(new ArrowFieldNode(1, 0)), List.of(new byte[0], longs(7)));
    channel.writeIntLittleEndian(MessageSerializer.IPC_CONTINUATION_TOKEN);
    channel.writeIntLittleEndian(0);
    raw.output().write(request);
    raw.output().write(input.toByteArray());
    raw.output().flush();
    String message = response(raw.input()).getOrDefault(MetadataKeys.LOG_MESSAGE, "");
    assertTrue(message.startsWith("ProtocolError"), message);
    // an input stream whose schema is malformed: the output stream carries the error
    Schema odd = new Schema(List.of(Field.notNullable("value", new ArrowType.Int(13, true))));
    raw.output().write(request);
    raw.output().write(stream(odd, 1, 1, List.of(new ArrowFieldNode(1, 0)), List.of(new byte[0], longs(7))));
    raw.output().flush();
    message = response(raw.input()).getOrDefault(MetadataKeys.LOG_MESSAGE, "");
    assertTrue(message.startsWith("ProtocolError"), message);
    try (RpcClient client = RpcClient.builder(shared(raw)).allocator(clientMemory).build()) {
      assertEquals("still here", client.proxy(Faulty.class).echo("still here"));
      try (Exchange<Num, Num> exchange = client.proxy(Faulty.class).doubler()) {
        assertEquals(new Num(6), exchange.exchangeOne(new Num(3)));
      }
    }
  }

  private static Subprocess worker() throws IOException {
    return Subprocess.builder(Subprocess.javaCommand(ServiceWorkerMain.class.getName(),
            Faulty.class.getName(), FaultyImpl.class.getName()))
        .shutdownTimeout(java.time.Duration.ofSeconds(10))
        .launch();
  }

  /** The stdio worker answers every malformed request and every failing call, and exits cleanly at the end. */
  @Test
  void stdioWorkerSurvivesMalformedRequestsAndFailingCalls() throws Exception {
    Subprocess process = worker();
    try (process) {
      malformedRequestsLeaveTheConnectionInStep(process);
      malformedStreamInputLeavesTheConnectionInStep(process);
      errorsFromCallsAreAnswered(shared(process), false);
    }
    assertEquals(java.util.OptionalInt.of(0), process.exitStatus());
  }

  @Test
  void pipeStaysInStepAfterMalformedStreamInput() throws Exception {
    try (PipePair pair = PipePair.serve(server)) {
      malformedStreamInputLeavesTheConnectionInStep(pair.client());
    }
  }

  @Test
  void tcpStaysInStepAfterMalformedStreamInput() throws Exception {
    try (TcpServer tcp = TcpServer.start(server); ByteTransport transport = Tcp.connect(tcp.address())) {
      malformedStreamInputLeavesTheConnectionInStep(transport);
    }
  }

  @Test
  void pipeStaysInStepAfterMalformedRequests() throws Exception {
    try (PipePair pair = PipePair.serve(server)) {
      malformedRequestsLeaveTheConnectionInStep(pair.client());
    }
  }

  @Test
  void tcpStaysInStepAfterMalformedRequests() throws Exception {
    try (TcpServer tcp = TcpServer.start(server); ByteTransport transport = Tcp.connect(tcp.address())) {
      malformedRequestsLeaveTheConnectionInStep(transport);
    }
  }

  @Test
  void unixSocketStaysInStepAfterMalformedRequestsAndStreamInput(@TempDir java.nio.file.Path directory)
      throws Exception {
    try (UnixSocketServer unix = UnixSocketServer.start(server, directory.resolve("rpc.sock"));
        ByteTransport transport = UnixSocket.connect(unix.path())) {
      malformedRequestsLeaveTheConnectionInStep(transport);
      malformedStreamInputLeavesTheConnectionInStep(transport);
    }
  }

  @Test
  void brokenFramingIsAnsweredThenTheConnectionCloses() throws Exception {
    try (TcpServer tcp = TcpServer.start(server); ByteTransport transport = Tcp.connect(tcp.address())) {
      transport.output().write("not arrow at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      transport.output().flush();
      assertTrue(response(transport.input()).getOrDefault(MetadataKeys.LOG_MESSAGE, "").startsWith("ProtocolError"));
      assertEquals(-1, transport.input().read(), "the connection should be closed");
      // the server keeps accepting
      try (RpcClient client = RpcClient.builder(Tcp.connect(tcp.address())).allocator(clientMemory).build()) {
        assertEquals("next", client.proxy(Faulty.class).echo("next"));
      }
    }
  }

  @Test
  void pipeAnswersErrorsThrownByCallsAndServesTheNext() throws Exception {
    try (PipePair pair = PipePair.serve(server)) {
      errorsFromCallsAreAnswered(pair.client());
    }
  }

  @Test
  void aListenerThrowingAnErrorLeavesTheConnectionServing() throws Exception {
    try (RpcServer listened = RpcServer.builder(Faulty.class, new FaultyImpl()).allocator(serverMemory)
            .listener(record -> {
              throw new StackOverflowError("thrown by the listener");
            })
            .build();
        PipePair pair = PipePair.serve(listened);
        RpcClient client = RpcClient.builder(pair.client()).allocator(clientMemory).build()) {
      Faulty faulty = client.proxy(Faulty.class);
      assertEquals("one", faulty.echo("one"));
      assertEquals("two", faulty.echo("two"));
      assertThrows(RpcException.class, () -> faulty.overflow("x"));
      assertEquals("three", faulty.echo("three"));
    }
  }

  @Test
  void tcpAnswersErrorsThrownByCallsAndServesTheNext() throws Exception {
    try (TcpServer tcp = TcpServer.start(server)) {
      errorsFromCallsAreAnswered(Tcp.connect(tcp.address()));
    }
  }
}
