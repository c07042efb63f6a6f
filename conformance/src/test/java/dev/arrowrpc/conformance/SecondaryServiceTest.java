package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.wire.Json;
import dev.arrowrpc.transport.pipe.PipePair;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code conformance.Secondary.v1} served on its own in-process server: the prefixed echo, and the
 * error-model shapes of {@code fail} and {@code fail_oversized} (code, kind, details in order), as
 * the reference's fixture pins them.
 */
class SecondaryServiceTest {
  private RootAllocator serverMemory;
  private RpcServer server;
  private PipePair pair;
  private RpcClient client;
  private SecondaryService service;

  @BeforeEach
  void connect() {
    serverMemory = new RootAllocator();
    server = RpcServer.builder(SecondaryService.class, new SecondaryServiceImpl()).allocator(serverMemory).build();
    client = connect(server);
    service = client.proxy(SecondaryService.class);
  }

  /** Connects a client to the server: over an in-process pipe here, over other transports in subclasses. */
  RpcClient connect(RpcServer server) {
    pair = PipePair.serve(server);
    return RpcClient.builder(pair.client()).build();
  }

  /** Ends what {@link #connect} started, after the client closed. */
  void disconnected() {
    pair.close();
  }

  @AfterEach
  void disconnect() {
    client.close();
    disconnected();
    server.close();
    assertEquals(0, serverMemory.getAllocatedMemory(), "server memory leaked");
    serverMemory.close();
  }

  @Test
  void describesThreeUnversionedUnaryMethods() {
    ServiceDescription description = client.describe();
    assertEquals("conformance.Secondary.v1", description.protocol());
    assertEquals("", description.protocolVersion());
    assertEquals(List.of("echo_string", "fail", "fail_oversized"),
        description.methods().stream().map(MethodInfo::name).toList());
    assertTrue(description.methods().stream().allMatch(m -> m.methodType().equals("unary")));
    assertEquals(List.of(true, false, false),
        description.methods().stream().map(MethodInfo::hasReturn).toList());
  }

  @Test
  void echoPrefixesItsReply() {
    assertEquals("secondary:hello", service.echo_string("hello"));
    assertEquals("secondary:", service.echo_string(""));
  }

  @Test
  void failTravelsWithItsKind() {
    RpcException error = assertThrows(RpcException.class, () -> service.fail("UNAVAILABLE", "backend_down", 7));
    assertEquals("StatusError", error.errorType());
    assertEquals(Optional.of("backend_down"), error.errorKind());
    assertEquals("conformance.Secondary.v1 fail: UNAVAILABLE backend_down", error.errorMessage());
    RpcException bare = assertThrows(RpcException.class, () -> service.fail("ABORTED", "", 0));
    assertEquals(Optional.empty(), bare.errorKind());
    assertEquals("conformance.Secondary.v1 fail: ABORTED", bare.errorMessage());
    RpcException invalid = assertThrows(RpcException.class, () -> service.fail("OK", "", 0));
    assertEquals(Optional.of("invalid_code"), invalid.errorKind());
    RpcException oversized = assertThrows(RpcException.class, service::fail_oversized);
    assertEquals(Optional.of("details_oversized"), oversized.errorKind());
    assertEquals("secondary:after", service.echo_string("after"));
  }

  @Test
  void failCarriesCodeAndDetailsInWireOrder() {
    SecondaryServiceImpl impl = new SecondaryServiceImpl();
    SecondaryError v1 = assertThrows(SecondaryError.class, () -> impl.fail("UNAVAILABLE", "backend_down", 7));
    assertEquals("UNAVAILABLE", v1.code());
    assertEquals(Json.parse("[{\"@type\":\"vgi_rpc.ErrorInfo\",\"metadata\":{\"fixture\":\"conformance.Secondary.v1\"}},"
        + "{\"@type\":\"vgi_rpc.RetryInfo\",\"retry_delay_seconds\":7},"
        + "{\"@type\":\"conformance.Secondary.v1.Probe\",\"note\":\"clients ignore detail types they do not know\"}]"),
        v1.details());
    assertEquals(List.of("@type", "metadata"), List.copyOf(v1.details().get(0).keySet()), "@type leads");
    SecondaryError v2 = assertThrows(SecondaryError.class, () -> impl.fail("ABORTED", "", 0));
    assertEquals("ABORTED", v2.code());
    assertEquals(Optional.empty(), v2.errorKind());
    assertEquals(List.of("vgi_rpc.ErrorInfo", "conformance.Secondary.v1.Probe"),
        v2.details().stream().map(d -> d.get("@type")).toList());
    SecondaryError fractional = assertThrows(SecondaryError.class, () -> impl.fail("INTERNAL", "k", 0.25));
    assertEquals(0.25, fractional.details().get(1).get("retry_delay_seconds"));
    for (String code : SecondaryServiceImpl.CODES) {
      assertEquals(code, assertThrows(SecondaryError.class, () -> impl.fail(code, "", -1)).code());
    }
    assertEquals(16, SecondaryServiceImpl.CODES.size());
  }

  @Test
  void anUnknownCodeIsABadRequest() {
    SecondaryServiceImpl impl = new SecondaryServiceImpl();
    for (String code : List.of("OK", "unavailable", "")) {
      SecondaryError error = assertThrows(SecondaryError.class, () -> impl.fail(code, "kind", 3));
      assertEquals("INVALID_ARGUMENT", error.code());
      assertEquals(Optional.of("invalid_code"), error.errorKind());
      assertEquals(Json.parse("[{\"@type\":\"vgi_rpc.BadRequest\",\"field_violations\":"
          + "[{\"field\":\"code\",\"description\":\"must be a canonical code name\"}]}]"), error.details());
    }
  }

  @Test
  void oversizedDetailsExceedTheCapWithRetryInfoFirst() {
    SecondaryError error = assertThrows(SecondaryError.class, () -> new SecondaryServiceImpl().fail_oversized());
    assertEquals("RESOURCE_EXHAUSTED", error.code());
    assertEquals(Optional.of("details_oversized"), error.errorKind());
    assertEquals(Map.of("@type", "vgi_rpc.RetryInfo", "retry_delay_seconds", 1L), error.details().get(0));
    assertEquals("vgi_rpc.ErrorInfo", error.details().get(1).get("@type"));
    assertEquals(Map.of("padding", "x".repeat(5000)), error.details().get(1).get("metadata"));
    assertTrue(Json.write(error.details()).getBytes(StandardCharsets.UTF_8).length > 4096);
    assertFalse(error.details().isEmpty());
  }
}
