package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.schema.ProtocolHash;
import dev.arrowrpc.core.reflect.ProtocolList;
import dev.arrowrpc.core.reflect.ProtocolSummary;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.schema.ServiceSpec;
import dev.arrowrpc.core.server.ServerConnection;
import dev.arrowrpc.core.server.ServerState;
import dev.arrowrpc.core.server.ServiceBinding;
import dev.arrowrpc.core.testing.Loopback;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.LogBatches;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Request validation, version negotiation and describe, with hand-made requests. */
class ProtocolTest {
  public record Item(String name) {}

  @RpcService(version = "2.3.1")
  public interface Versioned {
    long twice(long x);

    Producer<Item> items(long n);

    @StreamHeader(Item.class)
    Exchange<Item, Item> named();
  }

  /** The same service as a client that is one minor version ahead. */
  @RpcService(name = "Versioned", version = "2.4.0")
  public interface Newer {
    long twice(long x);
  }

  /** The same service as a client that knows a method the server lacks. */
  @RpcService(name = "Versioned", version = "2.3.9")
  public interface Wider {
    long twice(long x);

    long thrice(long x);
  }

  public static final class Impl implements Versioned {
    @Override
    public long twice(long x) {
      return 2 * x;
    }

    @Override
    public Producer<Item> items(long n) {
      return Producer.of((out, ctx) -> out.finish());
    }

    @Override
    public Exchange<Item, Item> named() {
      return Exchange.of(new Item("h"), (in, out, ctx) -> out.emit(in));
    }
  }

  private BufferAllocator memory;

  @BeforeEach
  void start() {
    memory = new RootAllocator();
  }

  @AfterEach
  void stop() {
    assertEquals(0, memory.getAllocatedMemory());
    memory.close();
  }

  /** Runs the server over the given request bytes and returns what it wrote. */
  private byte[] serve(byte[] requests) throws Exception {
    return serve(new java.io.ByteArrayInputStream(requests));
  }

  /** Runs the server over a request stream until it ends the connection; returns what it wrote. */
  private byte[] serve(java.io.InputStream requests) throws Exception {
    try (BufferAllocator serverMemory = new RootAllocator()) {
      ServerState dispatcher = new ServerState(ServiceBinding.bind(Versioned.class, new Impl()), serverMemory, "abcdefabcdef");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new ServerConnection(dispatcher, requests, out).run();
      assertEquals(0, serverMemory.getAllocatedMemory());
      return out.toByteArray();
    }
  }

  private byte[] request(Schema schema, Map<String, String> metadata, int rows, java.util.function.Consumer<VectorSchemaRoot> fill)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, memory);
        IpcStreamWriter writer = IpcStreamWriter.start(out, schema)) {
      root.allocateNew();
      fill.accept(root);
      root.setRowCount(rows);
      writer.write(root, metadata);
    }
    return out.toByteArray();
  }

  private static Map<String, String> dispatch(String method, String protocolVersion) {
    Map<String, String> md = new LinkedHashMap<>();
    md.put(MetadataKeys.METHOD, method);
    md.put(MetadataKeys.PROTOCOL, "Versioned");
    md.put(MetadataKeys.REQUEST_VERSION, "1");
    if (protocolVersion != null) {
      md.put(MetadataKeys.PROTOCOL_VERSION, protocolVersion);
    }
    return md;
  }

  private static final Schema X = new Schema(List.of(Field.notNullable("x", new ArrowType.Int(64, true))));

  private byte[] twice(long value, Map<String, String> metadata) throws Exception {
    return request(X, metadata, 1, root -> ((BigIntVector) root.getVector(0)).setSafe(0, value));
  }

  /** Reads every response stream: for each, the error (if any) and the first data value. */
  private List<Object> responses(byte[] bytes) throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    List<Object> out = new java.util.ArrayList<>();
    while (true) {
      Optional<IpcStreamReader> opened = IpcStreamReader.open(in, memory);
      if (opened.isEmpty()) {
        return out;
      }
      try (IpcStreamReader reader = opened.get()) {
        Object value = null;
        while (reader.next()) {
          LogBatches.Kind kind = LogBatches.classify(reader.root().getRowCount(), reader.metadata());
          if (kind instanceof LogBatches.Error e && value == null) {
            value = e.error();
          } else if (kind instanceof LogBatches.Data && value == null && reader.root().getRowCount() == 1) {
            value = reader.root().getVector(0).getObject(0);
          }
        }
        out.add(value);
      }
    }
  }

  private static RpcException error(Object response) {
    assertTrue(response instanceof RpcException, String.valueOf(response));
    return (RpcException) response;
  }

  @Test
  void aValidRequestIsAnswered() throws Exception {
    assertEquals(List.of(42L), responses(serve(twice(21, dispatch("twice", "2.3.7")))));
  }

  @Test
  void badRequestsGetTypedErrorsAndTheConnectionGoesOn() throws Exception {
    ByteArrayOutputStream requests = new ByteArrayOutputStream();
    Map<String, String> noMethod = dispatch("twice", "2.3.0");
    noMethod.remove(MetadataKeys.METHOD);
    requests.write(twice(1, noMethod));
    Map<String, String> badVersion = dispatch("twice", "2.3.0");
    badVersion.put(MetadataKeys.REQUEST_VERSION, "2");
    requests.write(twice(1, badVersion));
    requests.write(twice(1, dispatch("nope", "2.3.0")));
    requests.write(twice(1, dispatch("twice", null)));
    requests.write(twice(1, dispatch("twice", "3.3.0")));
    requests.write(twice(1, dispatch("twice", "2.3")));
    Schema renamed = new Schema(List.of(Field.notNullable("y", new ArrowType.Int(64, true))));
    requests.write(request(renamed, dispatch("twice", "2.3.0"), 1, r -> ((BigIntVector) r.getVector(0)).setSafe(0, 1)));
    Schema nullable = new Schema(List.of(Field.nullable("x", new ArrowType.Int(64, true))));
    requests.write(request(nullable, dispatch("twice", "2.3.0"), 1, r -> ((BigIntVector) r.getVector(0)).setSafe(0, 1)));
    Schema retyped = new Schema(List.of(new Field("x", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null)));
    requests.write(request(retyped, dispatch("twice", "2.3.0"), 1, r -> ((VarCharVector) r.getVector(0)).setSafe(0, new byte[] {'1'})));
    requests.write(request(X, dispatch("twice", "2.3.0"), 2, r -> {
      ((BigIntVector) r.getVector(0)).setSafe(0, 1);
      ((BigIntVector) r.getVector(0)).setSafe(1, 2);
    }));
    requests.write(request(X, dispatch("twice", "2.3.0"), 1, r -> ((BigIntVector) r.getVector(0)).setNull(0)));
    requests.write(twice(5, dispatch("twice", "2.3.0")));

    List<Object> responses = responses(serve(requests.toByteArray()));
    assertEquals(12, responses.size());
    assertEquals("ProtocolError", error(responses.get(0)).errorType());
    assertEquals("VersionError", error(responses.get(1)).errorType());
    RpcException unknown = error(responses.get(2));
    assertEquals("MethodNotImplementedError", unknown.errorType());
    assertEquals(Optional.of("method_not_implemented"), unknown.errorKind());
    assertTrue(unknown.errorMessage().contains("twice"), unknown.errorMessage());
    for (int i = 3; i <= 5; i++) {
      RpcException mismatch = error(responses.get(i));
      assertEquals("ProtocolVersionError", mismatch.errorType());
      assertEquals(Optional.of("protocol_version_mismatch"), mismatch.errorKind());
      assertTrue(mismatch.errorMessage().contains("2.3.1"), mismatch.errorMessage());
    }
    for (int i = 6; i <= 10; i++) {
      assertEquals("TypeError", error(responses.get(i)).errorType(), "response " + i);
    }
    assertEquals(10L, responses.get(11));
  }

  @Test
  void requestsAreRoutedByProtocolAndRefusedWithDistinctKinds() throws Exception {
    ByteArrayOutputStream requests = new ByteArrayOutputStream();
    Map<String, String> noProtocol = dispatch("twice", "2.3.1");
    noProtocol.remove(MetadataKeys.PROTOCOL);
    requests.write(twice(1, noProtocol));
    Map<String, String> elsewhere = dispatch("twice", "2.3.1");
    elsewhere.put(MetadataKeys.PROTOCOL, "Reports.v1");
    requests.write(twice(1, elsewhere));
    Map<String, String> notAName = dispatch("twice", "2.3.1");
    notAName.put(MetadataKeys.PROTOCOL, "no spaces/allowed");
    requests.write(twice(1, notAName));
    requests.write(twice(1, dispatch("__describe__", null)));
    requests.write(twice(3, dispatch("twice", "2.3.1")));

    List<Object> responses = responses(serve(requests.toByteArray()));
    assertEquals(5, responses.size());
    RpcException unnamed = error(responses.get(0));
    assertEquals("ProtocolNotSpecifiedError", unnamed.errorType());
    assertEquals(Optional.of("protocol_not_specified"), unnamed.errorKind());
    assertTrue(unnamed.errorMessage().contains("[Versioned, vgi_rpc.Reflection.v1]"), unnamed.errorMessage());
    RpcException unhosted = error(responses.get(1));
    assertEquals(Optional.of("protocol_not_supported"), unhosted.errorKind());
    assertTrue(unhosted.errorMessage().contains("'Reports.v1'"), unhosted.errorMessage());
    RpcException invalid = error(responses.get(2));
    assertEquals(Optional.of("protocol_not_supported"), invalid.errorKind());
    assertFalse(invalid.errorMessage().contains("spaces"), "a name that is not one is never echoed");
    RpcException retired = error(responses.get(3));
    assertEquals(Optional.of("method_not_implemented"), retired.errorKind());
    assertTrue(retired.errorMessage().contains("vgi_rpc.Reflection.v1"), retired.errorMessage());
    assertEquals(6L, responses.get(4));
  }

  @Test
  void aMethodNameThatIsNotUtf8IsRefusedAndTheConnectionGoesOn() throws Exception {
    byte[] request = twice(1, dispatch("twicZ", "2.3.1"));
    byte[] name = "twicZ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int at = indexOf(request, name);
    assertTrue(at >= 0);
    request[at + 4] = (byte) 0xff; // a lone continuation byte: not UTF-8
    ByteArrayOutputStream requests = new ByteArrayOutputStream();
    requests.write(request);
    requests.write(twice(4, dispatch("twice", "2.3.1")));
    List<Object> responses = responses(serve(requests.toByteArray()));
    assertEquals(2, responses.size());
    // as the reference: a method name that is not UTF-8 is a ProtocolError, not a name that matches nothing
    assertEquals("ProtocolError", error(responses.get(0)).errorType());
    assertEquals(8L, responses.get(1));
  }

  @Test
  void theInputStreamOfARefusedStreamIsDiscardedSoTheNextCallIsInStep() throws Exception {
    // a client that takes 'gone' for an exchange sends its input stream after the refusal
    ByteArrayOutputStream requests = new ByteArrayOutputStream();
    requests.write(request(new Schema(List.of()), dispatch("gone", "2.3.1"), 1, r -> { }));
    requests.write(request(X, Map.of(), 1, r -> ((BigIntVector) r.getVector(0)).setSafe(0, 9)));
    requests.write(twice(5, dispatch("twice", "2.3.1")));
    List<Object> responses = responses(serve(requests.toByteArray()));
    assertEquals(2, responses.size(), String.valueOf(responses));
    assertEquals(Optional.of("method_not_implemented"), error(responses.get(0)).errorKind());
    assertEquals(10L, responses.get(1));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void garbageIsAnsweredWithAProtocolErrorAndEndsTheConnection() throws Exception {
    byte[] garbage = HexFormat.of().parseHex("ffffffff10000000deadbeefdeadbeefdeadbeefdeadbeef");
    ByteArrayOutputStream requests = new ByteArrayOutputStream();
    requests.write(garbage);
    requests.write(twice(1, dispatch("twice", "2.3.1")));
    List<Object> responses = responses(serve(requests.toByteArray()));
    assertEquals(1, responses.size());
    assertEquals("ProtocolError", error(responses.get(0)).errorType());
  }

  @Test
  void textOnTheChannelIsAProtocolErrorAtOnceInsteadOfAWaitForAGigabyte() throws Exception {
    // Arrow's own reader takes "Star" as the length of a pre-1.0 message and waits for ~1.9 GB
    java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
    java.io.PipedInputStream open = new java.io.PipedInputStream(feed, 1024);
    feed.write("Started recording 1.\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    feed.flush();
    byte[] written = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(20), () -> serve(open));
    List<Object> responses = responses(written);
    assertEquals(1, responses.size());
    RpcException e = error(responses.get(0));
    assertEquals("ProtocolError", e.errorType());
    assertTrue(e.getMessage().contains("53 74 61 72 (\"Star\")"), e.getMessage());
    feed.close();
  }

  @Test
  void aClientReadingTextFailsAtOnceNamingTheBytes() throws Exception {
    java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
    java.io.PipedInputStream open = new java.io.PipedInputStream(feed, 1024);
    feed.write("WARNING: something\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    feed.flush();
    dev.arrowrpc.core.wire.WireFormatException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(20),
        () -> org.junit.jupiter.api.Assertions.assertThrows(
            dev.arrowrpc.core.wire.WireFormatException.class, () -> IpcStreamReader.open(open, memory)));
    assertTrue(e.getMessage().contains("stdout"), e.getMessage());
    feed.close();
  }

  @Test
  void aTypedClientOverAChannelCarryingTextGetsATransportErrorNamingTheBytes() {
    ByteTransport transport = new ByteTransport() {
      private final java.io.InputStream in = new java.io.ByteArrayInputStream(
          "Started recording 1.\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

      @Override
      public java.io.InputStream input() {
        return in;
      }

      @Override
      public java.io.OutputStream output() {
        return java.io.OutputStream.nullOutputStream();
      }

      @Override
      public void close() {}
    };
    try (RpcClient client = RpcClient.builder(transport).allocator(memory).build()) {
      Versioned service = client.proxy(Versioned.class);
      RpcException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
          java.time.Duration.ofSeconds(20), () -> assertThrows(RpcException.class, () -> service.twice(2)));
      assertEquals("TransportError", e.errorType());
      assertTrue(e.getMessage().contains("(\"Star\")"), e.getMessage());
    }
  }

  @Test
  void anAbsurdMetadataLengthIsAProtocolError() throws Exception {
    byte[] frame = HexFormat.of().parseHex("ffffffff00000070");
    List<Object> responses = responses(serve(frame));
    assertEquals(1, responses.size());
    assertTrue(error(responses.get(0)).getMessage().contains("out of range"), String.valueOf(responses.get(0)));
  }

  @Test
  void truncatedRequestIsAProtocolError() throws Exception {
    byte[] whole = twice(1, dispatch("twice", "2.3.1"));
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 20);
    List<Object> responses = responses(serve(cut));
    assertEquals(1, responses.size());
    assertEquals("ProtocolError", error(responses.get(0)).errorType());
  }

  @Test
  void versionNegotiationThroughProxies() throws Exception {
    try (Loopback loop = new Loopback(Versioned.class, new Impl())) {
      RpcException e = assertThrows(RpcException.class, () -> loop.proxy(Newer.class).twice(1));
      assertEquals("ProtocolVersionError", e.errorType());
      assertEquals(6, loop.proxy(Wider.class).twice(3), "patch differences are ignored");
      RpcException missing = assertThrows(RpcException.class, () -> loop.proxy(Wider.class).thrice(3));
      assertEquals("MethodNotImplementedError", missing.errorType());
      assertEquals(8, loop.proxy(Versioned.class).twice(4));
      assertEquals(0, loop.serverBytes());
      assertEquals(0, loop.clientBytes());
    }
  }

  @Test
  void reflectionListsAndDescribesEveryHostedProtocol() throws Exception {
    try (Loopback loop = new Loopback(Versioned.class, new Impl())) {
      ProtocolList listing = loop.client().listProtocols();
      assertEquals(List.of("Versioned", "vgi_rpc.Reflection.v1"),
          listing.protocols().stream().map(ProtocolSummary::protocol).toList());
      assertEquals("1", listing.requestVersion());
      ServiceDescription d = loop.client().describe();
      assertEquals("Versioned", d.protocol());
      assertEquals("2.3.1", d.protocolVersion());
      assertEquals(ProtocolHash.of(ServiceSpec.of(Versioned.class)), d.protocolHash());
      assertEquals(d.protocolHash(), listing.protocols().get(0).protocolHash(), "listing and description agree");
      assertEquals(List.of("items", "named", "twice"), d.methods().stream().map(MethodInfo::name).toList());
      MethodInfo twice = d.method("twice").orElseThrow();
      assertEquals("unary", twice.methodType());
      assertTrue(twice.hasReturn());
      assertEquals(X, twice.paramsSchema());
      assertEquals(Optional.of(new Schema(List.of(Field.notNullable("result", new ArrowType.Int(64, true))))),
          twice.resultSchema());
      assertEquals("", twice.streamKind());
      MethodInfo items = d.method("items").orElseThrow();
      assertEquals("stream", items.methodType());
      assertFalse(items.hasReturn());
      assertEquals("producer", items.streamKind());
      assertEquals(Optional.empty(), items.headerSchema());
      MethodInfo named = d.method("named").orElseThrow();
      assertEquals("exchange", named.streamKind());
      assertEquals(Optional.of(new Schema(List.of(Field.notNullable("name", ArrowType.Utf8.INSTANCE)))),
          named.headerSchema());
      ServiceDescription reflection = loop.client().describe("vgi_rpc.Reflection.v1");
      assertEquals("3c7db4cae8cdfc93dc4a76e73b8b759e18e45e6a5811adba4e520366344b919a", reflection.protocolHash());
      assertEquals(List.of("describe", "list_protocols"), reflection.methods().stream().map(MethodInfo::name).toList());
      RpcException unknown = assertThrows(RpcException.class, () -> loop.client().describe("Nope"));
      assertEquals(Optional.of("protocol_not_supported"), unknown.errorKind());
      assertEquals(0, loop.serverBytes());
      assertEquals(0, loop.clientBytes());
    }
  }

  @Test
  void reflectionIsExemptFromTheVersionGateAndAProtocolNamedTwiceIsRefused() throws Exception {
    try (Loopback loop = new Loopback(Versioned.class, new Impl())) {
      // a client one minor ahead is refused by the application protocol, yet can ask what is there
      RpcException refused = assertThrows(RpcException.class, () -> loop.proxy(Newer.class).twice(1));
      assertEquals(Optional.of("protocol_version_mismatch"), refused.errorKind());
      assertTrue(refused.errorMessage().contains("'Versioned'"), refused.errorMessage());
      assertEquals("Versioned", loop.client().listProtocols().primary().orElseThrow().protocol());
    }
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> RpcServer.builder(Versioned.class, new Impl()).protocol(Newer.class, new Impl()).build());
    assertTrue(twice.getMessage().contains("registered twice"), twice.getMessage());
    IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
        () -> RpcServer.builder(Versioned.class, new Impl()).protocol(Shadow.class, new Impl()).build());
    assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
  }

  /** An application protocol claiming the framework's reserved prefix. */
  @RpcService(name = "vgi_rpc.Reflection.v1")
  public interface Shadow {
    long twice(long x);
  }
}
