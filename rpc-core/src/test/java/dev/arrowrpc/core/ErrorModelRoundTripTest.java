package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ErrorDetail.BadRequest;
import dev.arrowrpc.core.ErrorDetail.ErrorInfo;
import dev.arrowrpc.core.ErrorDetail.RetryInfo;
import dev.arrowrpc.core.ErrorDetail.Unknown;
import dev.arrowrpc.core.testing.Loopback;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A classified error thrown by a service method reaches an in-process client with its code, kind
 * and details on every decode path (unary, stream init, a producer tick, an exchange turn), and the
 * server's traceback setting decides whether the traceback travels.
 */
class ErrorModelRoundTripTest {
  static final String PROBE = "conformance.Secondary.v1.Probe";

  public record Row(long n) {}

  /** The error-model fixture of the conformance suite, plus streams that fail classified. */
  @RpcService(name = "conformance.Secondary.v1")
  public interface Secondary {
    String echoString(String value);

    void fail(String code, String kind, double retryDelaySeconds);

    void failOversized();

    Producer<Row> failInit(String code);

    Producer<Row> failAt(long n);

    Exchange<Row, Row> failOnTurn();
  }

  /** Raises what MULTI_PROTOCOL_HOSTING.md §2 asks of the fixture. */
  public static final class Impl implements Secondary {
    static RpcException classified(String code, String kind, double delay) {
      Optional<ErrorCode> parsed = ErrorCode.lookup(code);
      if (parsed.isEmpty()) {
        return RpcException.status(ErrorCode.INVALID_ARGUMENT, "not a code: " + code)
            .kind("invalid_code")
            .detail(BadRequest.of("code", "must be a canonical code name"))
            .build();
      }
      RpcException.Builder b = RpcException.status(parsed.get(), "failing with " + code).kind(kind)
          .detail(new ErrorInfo(Map.of("fixture", "conformance.Secondary.v1")));
      if (delay > 0) {
        b.detail(new RetryInfo(delay));
      }
      return b.detail(Unknown.of(PROBE, Map.of("note", "clients ignore detail types they do not know")))
          .build();
    }

    @Override
    public String echoString(String value) {
      return "secondary:" + value;
    }

    @Override
    public void fail(String code, String kind, double retryDelaySeconds) {
      throw classified(code, kind, retryDelaySeconds);
    }

    @Override
    public void failOversized() {
      throw RpcException.status(ErrorCode.RESOURCE_EXHAUSTED, "oversized details")
          .kind("details_oversized")
          .detail(new RetryInfo(1))
          .detail(new ErrorInfo(Map.of("padding", "x".repeat(5000))))
          .build();
    }

    @Override
    public Producer<Row> failInit(String code) {
      throw classified(code, "init_refused", 2);
    }

    @Override
    public Producer<Row> failAt(long n) {
      long[] i = {0};
      return Producer.of((out, context) -> {
        if (i[0] == n) {
          throw classified("RESOURCE_EXHAUSTED", "quota", 4);
        }
        out.emitRow(new Row(i[0]++));
      });
    }

    @Override
    public Exchange<Row, Row> failOnTurn() {
      return Exchange.of((input, out, context) -> {
        if (input.get(0).n() < 0) {
          throw classified("OUT_OF_RANGE", "negative", 0);
        }
        out.emit(input);
      });
    }
  }

  private Loopback loop;
  private Secondary service;

  private Secondary open(boolean tracebacks) throws Exception {
    loop = new Loopback(Secondary.class, new Impl(), builder -> builder.tracebacks(tracebacks));
    service = loop.proxy(Secondary.class);
    return service;
  }

  @AfterEach
  void stop() throws Exception {
    if (loop != null) {
      if (service != null) {
        assertEquals("secondary:ok", service.echoString("ok"), "the connection serves a call after the test");
      }
      assertEquals(0, loop.clientBytes(), "client allocator");
      assertEquals(0, loop.serverBytes(), "server allocator");
      loop.close();
    }
  }

  @Test
  void v1UnaryCarriesCodeKindAndDetails() throws Exception {
    Secondary service = open(true);
    RpcException e = assertThrows(RpcException.class, () -> service.fail("UNAVAILABLE", "backend_down", 7));
    assertEquals("StatusError", e.errorType());
    assertEquals(ErrorCode.UNAVAILABLE, e.errorCode());
    assertEquals(Optional.of("backend_down"), e.errorKind());
    assertEquals(List.of(ErrorInfo.TYPE, RetryInfo.TYPE, PROBE),
        e.errorDetails().stream().map(ErrorDetail::type).toList());
    assertEquals(7.0, e.retryInfo().orElseThrow().retryDelaySeconds());
    assertEquals(Map.of("fixture", "conformance.Secondary.v1"), e.errorInfo().orElseThrow().metadata());
    assertEquals(2, e.knownDetails().size());
    assertTrue(e.isRetryable());
    assertFalse(e.remoteTraceback().isEmpty(), "tracebacks are on by default");
    assertFalse(e.requestId().isEmpty());
  }

  @Test
  void v2AndTheProbeCode() throws Exception {
    Secondary service = open(true);
    RpcException aborted = assertThrows(RpcException.class, () -> service.fail("ABORTED", "", 0));
    assertEquals(ErrorCode.ABORTED, aborted.errorCode());
    assertEquals(Optional.empty(), aborted.errorKind());
    assertEquals(List.of(ErrorInfo.TYPE, PROBE), aborted.errorDetails().stream().map(ErrorDetail::type).toList());
    assertFalse(aborted.isRetryable());

    RpcException ok = assertThrows(RpcException.class, () -> service.fail("OK", "whatever", 0));
    assertEquals(ErrorCode.INVALID_ARGUMENT, ok.errorCode());
    assertEquals(Optional.of("invalid_code"), ok.errorKind());
    assertEquals("code", ok.badRequest().orElseThrow().fieldViolations().get(0).field());
  }

  @Test
  void v4OversizedDetailsArriveAsNone() throws Exception {
    Secondary service = open(true);
    RpcException e = assertThrows(RpcException.class, service::failOversized);
    assertEquals(ErrorCode.RESOURCE_EXHAUSTED, e.errorCode());
    assertEquals(Optional.of("details_oversized"), e.errorKind());
    assertEquals(List.of(), e.errorDetails());
    assertFalse(e.isRetryable());
  }

  @Test
  void streamInitTickAndTurnCarryTheModel() throws Exception {
    Secondary service = open(true);
    Producer<Row> refused = service.failInit("UNAVAILABLE");
    RpcException init = assertThrows(RpcException.class, () -> refused.iterator().hasNext());
    assertEquals(ErrorCode.UNAVAILABLE, init.errorCode());
    assertEquals(Optional.of("init_refused"), init.errorKind());
    assertEquals(2.0, init.retryInfo().orElseThrow().retryDelaySeconds());
    refused.close();

    Producer<Row> rows = service.failAt(1);
    Iterator<Row> it = rows.iterator();
    assertEquals(new Row(0), it.next());
    RpcException tick = assertThrows(RpcException.class, it::next);
    assertEquals(ErrorCode.RESOURCE_EXHAUSTED, tick.errorCode());
    assertEquals(Optional.of("quota"), tick.errorKind());
    assertTrue(tick.isRetryable(), "RESOURCE_EXHAUSTED with RetryInfo");
    rows.close();

    try (Exchange<Row, Row> ex = service.failOnTurn()) {
      assertEquals(new Row(3), ex.exchangeOne(new Row(3)));
      RpcException turn = assertThrows(RpcException.class, () -> ex.exchangeOne(new Row(-1)));
      assertEquals(ErrorCode.OUT_OF_RANGE, turn.errorCode());
      assertEquals(Optional.of("negative"), turn.errorKind());
      assertInstanceOf(Unknown.class, turn.errorDetails().get(1));
    }
  }

  @Test
  void tracebacksOffKeepTheModelAndDropTheTraceback() throws Exception {
    Secondary service = open(false);
    RpcException e = assertThrows(RpcException.class, () -> service.fail("UNAVAILABLE", "backend_down", 7));
    assertEquals("", e.remoteTraceback());
    assertEquals("StatusError", e.errorType());
    assertEquals(ErrorCode.UNAVAILABLE, e.errorCode());
    assertEquals(Optional.of("backend_down"), e.errorKind());
    assertEquals(3, e.errorDetails().size());
  }

  @Test
  void aVersionMismatchCarriesItsPrecondition() throws Exception {
    loop = new Loopback(ProtocolTest.Versioned.class, new ProtocolTest.Impl());
    ProtocolTest.Newer newer = loop.proxy(ProtocolTest.Newer.class);
    RpcException e = assertThrows(RpcException.class, () -> newer.twice(1));
    assertEquals("ProtocolVersionError", e.errorType());
    assertEquals(ErrorCode.FAILED_PRECONDITION, e.errorCode());
    assertEquals(Optional.of("protocol_version_mismatch"), e.errorKind());
    ErrorDetail.PreconditionViolation v = e.preconditionFailure().orElseThrow().violations().get(0);
    assertEquals("protocol_version", v.type());
    assertEquals("Versioned", v.subject());
    assertFalse(e.isRetryable());

    ProtocolTest.Wider wider = loop.proxy(ProtocolTest.Wider.class);
    RpcException unknown = assertThrows(RpcException.class, () -> wider.thrice(1));
    assertEquals(ErrorCode.UNIMPLEMENTED, unknown.errorCode());
  }
}
