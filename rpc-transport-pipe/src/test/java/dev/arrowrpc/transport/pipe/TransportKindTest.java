package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A method sees the kind of the byte-channel transport its call arrived on. */
class TransportKindTest {
  /** The probe: answers with its call's transport kind. */
  @RpcService(name = "KindProbe")
  public interface KindProbe {
    /** The label of the call's transport kind, or {@code "unknown"}. */
    String reportTransportKind();

    /** The call's remote address, or {@code "none"}. */
    String reportRemoteAddress();
  }

  /** Reads the kind from the call context it is given. */
  public static final class KindProbeImpl {
    /** Answers with the context's transport kind. */
    public String reportTransportKind(CallContext context) {
      return context.transportKind().map(TransportKind::label).orElse("unknown");
    }

    /** Answers with the context's remote address. */
    public String reportRemoteAddress(CallContext context) {
      return context.remoteAddress().orElse("none");
    }
  }

  @TempDir Path directory;
  private BufferAllocator serverMemory;
  private BufferAllocator clientMemory;
  private RpcServer server;

  @BeforeEach
  void start() {
    serverMemory = new RootAllocator();
    clientMemory = new RootAllocator();
    server = RpcServer.builder(KindProbe.class, new KindProbeImpl()).allocator(serverMemory).build();
  }

  @AfterEach
  void stop() {
    server.close();
    assertEquals(0, clientMemory.getAllocatedMemory(), "client allocator");
    assertEquals(0, serverMemory.getAllocatedMemory(), "server allocator");
    clientMemory.close();
    serverMemory.close();
  }

  /** The kind and the remote address a call on the transport sees, as {@code kind@address}. */
  private String probe(ByteTransport transport) {
    try (RpcClient client = RpcClient.builder(transport).allocator(clientMemory).build()) {
      KindProbe probe = client.proxy(KindProbe.class);
      return probe.reportTransportKind() + "@" + probe.reportRemoteAddress();
    }
  }

  @Test
  void aPipePairReportsPipe() {
    try (PipePair pair = PipePair.serve(server)) {
      assertEquals("pipe@none", probe(pair.client()));
    }
  }

  @Test
  void aUnixSocketReportsUnix() throws IOException {
    try (UnixSocketServer unix = UnixSocketServer.start(server, directory.resolve("kind.sock"))) {
      assertEquals("unix@none", probe(UnixSocket.connect(unix.path())), "a Unix-domain peer has no address");
    }
  }

  @Test
  void aTcpConnectionReportsTcp() throws IOException {
    try (TcpServer tcp = TcpServer.start(server)) {
      assertEquals("tcp@127.0.0.1", probe(Tcp.connect("127.0.0.1", tcp.port())));
    }
  }
}
