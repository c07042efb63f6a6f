package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.CallRecord;
import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.auth.AuthRequest;
import dev.arrowrpc.core.auth.Authenticator;
import dev.arrowrpc.core.auth.BearerTokenAuthenticator;
import dev.arrowrpc.core.auth.ConnectionAuth;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.LogBatches;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unix-socket and TCP servers authenticate every request with the same {@link Authenticator} an
 * HTTP server uses: a request carrying the right bearer token (in its batch metadata, under {@value
 * ConnectionAuth#AUTHORIZATION_KEY}) is served as its principal, a wrong or missing token is refused
 * with a typed {@code AuthenticationError}, and the connection stays in step for the next request.
 * The Java client sends a credential with {@code RpcClient.Builder.authorization}; the tests that
 * need requests the client would not send (a wrong header shape, a change of caller on one
 * connection) build them from the bytes the client sends.
 */
@Timeout(60)
class ByteChannelAuthTest {
  /** The service the tests call. */
  @RpcService
  public interface Whoami {
    /** Says who is calling, and whether the credential leaked into the request metadata. */
    String whoami(String greeting);

    /** Doubles numbers. */
    Exchange<Num, Num> doubler();
  }

  /** A row of the exchange. */
  public record Num(long value) {}

  /** Serves {@link Whoami}. */
  public static final class WhoamiImpl implements Whoami {
    @Override
    public String whoami(String greeting) {
      CallContext context = CallContext.current().orElseThrow();
      boolean leaked = context.requestMetadata().containsKey(ConnectionAuth.AUTHORIZATION_KEY);
      return greeting + " " + context.principal().orElse("<anonymous>") + "@" + context.authDomain()
          + (leaked ? " LEAKED" : "") + " via " + context.transportKind().map(TransportKind::label).orElse("?");
    }

    @Override
    public Exchange<Num, Num> doubler() {
      return Exchange.of((input, out, context) -> out.emit(input.stream().map(n -> new Num(2 * n.value())).toList()));
    }
  }

  @TempDir
  Path dir;

  private BufferAllocator serverMemory;
  private BufferAllocator clientMemory;
  private RpcServer server;
  private final List<CallRecord> records = new CopyOnWriteArrayList<>();
  private final List<AuthRequest> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    serverMemory = new RootAllocator();
    clientMemory = new RootAllocator();
    server = RpcServer.builder(Whoami.class, new WhoamiImpl()).allocator(serverMemory).listener(records::add).build();
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

  /** The same authenticator type an HTTP server is given, recording what it saw. */
  private Authenticator bearer() {
    BearerTokenAuthenticator tokens = BearerTokenAuthenticator.of(Map.of("alice-secret", "alice", "bob-secret", "bob"));
    return request -> {
      seen.add(request);
      return tokens.authenticate(request);
    };
  }

  // ------------------------------------------------------------------ TCP

  @Test
  void tcpServesTheRightTokenRefusesOthersAndStaysInStep() throws Exception {
    try (TcpServer tcp = TcpServer.builder(server).authenticator(bearer()).start()) {
      try (ByteTransport connection = Tcp.connect("127.0.0.1", tcp.port())) {
        tokensDecideAndTheConnectionStaysInStep(connection, "tcp");
      }
    }
    assertTrue(seen.stream().allMatch(r -> r.transport() == TransportKind.TCP), seen.toString());
    assertTrue(seen.stream().allMatch(r -> r.peerAddress().equals("127.0.0.1")), seen.toString());
    assertTrue(seen.stream().allMatch(r -> r.peerCredentials().isEmpty()), seen.toString());
  }

  @Test
  void tcpWithoutAnAuthenticatorServesEveryoneAnonymously() throws Exception {
    try (TcpServer tcp = TcpServer.start(server);
        RpcClient client = RpcClient.builder(Tcp.connect("127.0.0.1", tcp.port())).allocator(clientMemory).build()) {
      assertEquals("hi <anonymous>@ via tcp", client.proxy(Whoami.class).whoami("hi"));
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (records.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait(); // the record follows the answer
    }
    assertEquals("127.0.0.1", records.get(records.size() - 1).remoteAddress(), "the access record names the peer");
  }

  @Test
  void theJavaClientSendsItsCredentialOnEveryRequestAndStream() throws Exception {
    try (TcpServer tcp = TcpServer.builder(server).authenticator(bearer()).start();
        RpcClient client = RpcClient.builder(Tcp.connect("127.0.0.1", tcp.port())).allocator(clientMemory)
            .authorization("Bearer bob-secret").build()) {
      Whoami proxy = client.proxy(Whoami.class);
      assertEquals("hi bob@bearer via tcp", proxy.whoami("hi"), "served as bob, the credential not in the metadata");
      try (Exchange<Num, Num> doubler = proxy.doubler()) {
        assertEquals(List.of(new Num(6)), doubler.exchange(List.of(new Num(3))));
      }
      assertEquals("again bob@bearer via tcp", proxy.whoami("again"), "the same connection, still in step");
    }
    try (TcpServer tcp = TcpServer.builder(server).authenticator(bearer()).start();
        RpcClient client = RpcClient.builder(Tcp.connect("127.0.0.1", tcp.port())).allocator(clientMemory)
            .authorization("Bearer wrong").build()) {
      RpcException refused = assertThrows(RpcException.class, () -> client.proxy(Whoami.class).whoami("hi"));
      assertAuthenticationError(refused, "invalid_credential");
    }
  }

  // ------------------------------------------------------------------ Unix

  @Test
  void unixServesTheRightTokenRefusesOthersAndStaysInStep() throws Exception {
    try (UnixSocketServer uds = UnixSocketServer.builder(server, dir.resolve("auth.sock")).authenticator(bearer())
        .start()) {
      try (ByteTransport connection = UnixSocket.connect(uds.path())) {
        tokensDecideAndTheConnectionStaysInStep(connection, "unix");
      }
    }
    assertTrue(seen.stream().allMatch(r -> r.transport() == TransportKind.UNIX), seen.toString());
    assertTrue(seen.stream().allMatch(r -> r.peerCredentials().isPresent()), seen.toString());
  }

  @Test
  void aPeerCredentialAuthenticatorSeesTheCurrentUser() throws Exception {
    Authenticator peers = request -> {
      seen.add(request);
      return Identity.of(request.peerCredentials().orElseThrow().user().getName(), "unix-peer");
    };
    String me = Files.getOwner(Files.createFile(dir.resolve("mine"))).getName();
    try (UnixSocketServer uds = UnixSocketServer.builder(server, dir.resolve("peer.sock")).authenticator(peers).start();
        RpcClient client = RpcClient.builder(UnixSocket.connect(uds.path())).allocator(clientMemory).build()) {
      Whoami whoami = client.proxy(Whoami.class);
      assertEquals("hi " + me + "@unix-peer via unix", whoami.whoami("hi"));
      assertEquals("again " + me + "@unix-peer via unix", whoami.whoami("again"));
    }
    assertEquals(2, seen.size(), "every request is authenticated");
    assertEquals(Optional.empty(), seen.get(0).header("authorization"));
    assertEquals(me, seen.get(0).peerCredentials().orElseThrow().user().getName());
    assertEquals("", seen.get(0).peerAddress());
  }

  // ------------------------------------------------------------------ the shared scenario

  private void tokensDecideAndTheConnectionStaysInStep(ByteTransport connection, String kind) throws Exception {
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    ByteTransport client = Transports.tee(connection, sent);

    // 1. the Java client sends no credential: a typed AuthenticationError, reason missing_credential
    byte[] whoamiRequest;
    try (RpcClient rpc = RpcClient.builder(Transports.shared(client)).allocator(clientMemory)
        .build()) {
      RpcException missing = assertThrows(RpcException.class, () -> rpc.proxy(Whoami.class).whoami("hi"));
      assertAuthenticationError(missing, "missing_credential");
      whoamiRequest = sent.toByteArray();
      sent.reset();
      // a stream refused at init: whatever the client sends after it, the connection stays in step
      RpcException refusedStream = assertThrows(RpcException.class, () -> {
        try (Exchange<Num, Num> exchange = rpc.proxy(Whoami.class).doubler()) {
          exchange.exchangeOne(new Num(1));
        }
      });
      assertAuthenticationError(refusedStream, "missing_credential");
    }

    // 2. the right token: served as alice, the credential kept from the method
    assertEquals("hi alice@bearer via " + kind, result(call(connection, whoamiRequest, "Bearer alice-secret")));

    // 3. a wrong token, then a header that is not a bearer: refused, typed
    assertAuthenticationError(error(call(connection, whoamiRequest, "Bearer mallory-secret")), "invalid_credential");
    assertAuthenticationError(error(call(connection, whoamiRequest, "Basic YWxpY2U6cHc=")), "invalid_credential");

    // 4. and the connection serves a correct request afterwards, as another principal
    assertEquals("hi bob@bearer via " + kind, result(call(connection, whoamiRequest, "Bearer bob-secret")));

    // the access records carry the authenticated identity (refusals stay anonymous); a record is
    // made after its answer is written, so the last one may still be on its way
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (records.size() < 6 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(6, records.size(), records.toString());
    List<CallRecord> served = records.stream()
        .filter(r -> r.failure().isEmpty()).toList();
    assertEquals(List.of(Optional.of("alice"), Optional.of("bob")), served.stream().map(CallRecord::principal).toList());
    assertEquals(List.of("bearer", "bearer"), served.stream().map(CallRecord::authDomain).toList());
    assertTrue(records.stream().filter(r -> r.failure().isPresent()).allMatch(r -> r.principal().isEmpty()),
        records.toString());
  }

  private static void assertAuthenticationError(RpcException error, String reason) {
    assertEquals(ConnectionAuth.ERROR_TYPE, error.errorType(), error.toString());
    assertEquals(ErrorCode.UNAUTHENTICATED, error.errorCode(), error.toString());
    assertEquals(Optional.of(reason), error.errorInfo().map(info -> info.metadata().get(ConnectionAuth.REASON_KEY)),
        error.toString());
  }

  /** Sends a captured request again with a credential added; returns the response batches' metadata and values. */
  private List<Response> call(ByteTransport connection, byte[] request, String credential) throws IOException {
    connection.output().write(withMetadata(request, Map.of(ConnectionAuth.AUTHORIZATION_KEY, credential)));
    connection.output().flush();
    return read(connection.input());
  }

  /** One response batch: its metadata, and its first column's first value when it has rows. */
  private record Response(Map<String, String> metadata, Optional<String> value) {}

  private List<Response> read(InputStream in) throws IOException {
    List<Response> batches = new ArrayList<>();
    try (IpcStreamReader reader = IpcStreamReader.open(in, clientMemory).orElseThrow()) {
      while (reader.next()) {
        Optional<String> value = reader.root().getRowCount() > 0 && !reader.root().getFieldVectors().isEmpty()
            ? Optional.of(String.valueOf(reader.root().getVector(0).getObject(0))) : Optional.empty();
        batches.add(new Response(reader.metadata(), value));
      }
      assertTrue(reader.ended(), "the response stream was cut");
    }
    return batches;
  }

  private static String result(List<Response> response) {
    assertEquals(1, response.size(), response.toString());
    assertFalse(response.get(0).metadata().containsKey(MetadataKeys.LOG_MESSAGE), response.toString());
    return response.get(0).value().orElseThrow();
  }

  private static RpcException error(List<Response> response) {
    assertEquals(1, response.size(), response.toString());
    LogBatches.Kind kind = LogBatches.classify(0, response.get(0).metadata());
    return assertInstanceOf(LogBatches.Error.class, kind, response.toString()).error();
  }

  /** Rewrites an IPC stream with extra custom metadata on each of its batches. */
  private byte[] withMetadata(byte[] stream, Map<String, String> extra) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(stream), clientMemory).orElseThrow();
        IpcStreamWriter writer = IpcStreamWriter.start(out, reader.schema())) {
      while (reader.next()) {
        Map<String, String> metadata = new LinkedHashMap<>(reader.metadata());
        metadata.putAll(extra);
        writer.write(reader.root(), metadata);
      }
    }
    return out.toByteArray();
  }

  /** Transport wrappers (as {@link MalformedRequestTest} has them). */
  static final class Transports {
    private Transports() {}

    /** A transport whose close leaves the underlying one open (the test closes it). */
    static ByteTransport shared(ByteTransport transport) {
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

    /** A transport that keeps a copy of what the client sends. */
    static ByteTransport tee(ByteTransport transport, ByteArrayOutputStream copy) {
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
  }
}
