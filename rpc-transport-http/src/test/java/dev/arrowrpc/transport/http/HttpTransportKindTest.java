package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.TransportKind;
import org.junit.jupiter.api.Test;

/** A method served over HTTP sees {@link TransportKind#HTTP} as its call's transport kind. */
class HttpTransportKindTest {
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

  /** A probe with startup work, recording the kind it was started with. */
  public static final class StartedProbe implements dev.arrowrpc.core.ServeStart {
    final java.util.List<TransportKind> started = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void onServeStart(TransportKind kind) {
      started.add(kind);
    }

    /** Answers with the context's transport kind. */
    public String reportTransportKind(CallContext context) {
      return context.transportKind().map(TransportKind::label).orElse("unknown");
    }

    /** Answers with the context's remote address. */
    public String reportRemoteAddress(CallContext context) {
      return context.remoteAddress().orElse("none");
    }
  }

  @Test
  void startupWorkRunsOnceWithHttp() {
    StartedProbe probe = new StartedProbe();
    try (HttpHarness harness = new HttpHarness(KindProbe.class, probe, b -> b, c -> c)) {
      assertEquals("http", harness.proxy(KindProbe.class).reportTransportKind());
      assertEquals("http", harness.proxy(KindProbe.class).reportTransportKind());
      assertEquals(java.util.List.of(TransportKind.HTTP), probe.started);
    }
  }

  @Test
  void aCallOverHttpReportsHttp() {
    try (HttpHarness harness = new HttpHarness(KindProbe.class, new KindProbeImpl(), b -> b, c -> c)) {
      assertEquals("http", harness.proxy(KindProbe.class).reportTransportKind());
      assertEquals("127.0.0.1", harness.proxy(KindProbe.class).reportRemoteAddress());
      assertEquals(0, harness.clientBytes());
      assertEquals(0, harness.serverBytes());
    }
  }
}
