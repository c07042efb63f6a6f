package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.ProducerState;
import dev.arrowrpc.core.ResponseBudget;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.StreamOutput;
import dev.arrowrpc.core.external.ExternalLocations;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's side of response budgets (docs/http-response-budgets.md of the reference): the
 * precedence of the server's and the client's limits and the preferred size, what a method sees of
 * them ({@link CallContext#responseBudget()}), and the init-time limit a stream's later turns cannot
 * raise. The reference's tests/test_http_response_budget.py, for our server.
 */
class HttpServerBudgetTest {
  private static final String HEADER = "VGI-Accept-Max-Response-Bytes";
  private static final long KIB_64 = 65_536;

  /** Observes its budgets. */
  @RpcService(name = "Budgets", version = "1.0.0")
  public interface Budgets {
    /** A row of bytes. */
    record Blob(byte[] payload) {}

    /** {@return the unary call's budget as "limit:preferred:remaining:externalization"} */
    String observe();

    /** {@return {@code size} bytes} */
    byte[] blob(int size);

    /**
     * Emits a short row each turn, and {@code size} bytes on turn {@code largeOnTurn}, where it finishes.
     */
    Producer<Blob> producer(int largeOnTurn, int size);
  }

  /** The budgets the producer's turns saw, in order. */
  static final List<ResponseBudget> SEEN = new CopyOnWriteArrayList<>();

  /** The implementation. */
  public static final class Impl implements Budgets {
    @Override
    public String observe() {
      ResponseBudget budget = CallContext.current().orElseThrow().responseBudget();
      return text(budget.limitBytes()) + ":" + text(budget.preferredBytes()) + ":" + text(budget.remainingBytes())
          + ":" + budget.externalizationEnabled();
    }

    @Override
    public byte[] blob(int size) {
      return new byte[size];
    }

    @Override
    public Producer<Blob> producer(int largeOnTurn, int size) {
      ResponseBudget budget = CallContext.current().orElseThrow().responseBudget();
      if (budget.preferredBytes().isPresent() && budget.limitBytes().isPresent()) {
        assertTrue(budget.preferredBytes().getAsLong() <= budget.limitBytes().getAsLong());
      }
      return Producer.of(new Turns(largeOnTurn, size));
    }
  }

  /** The producer's state: travels in the stream's tokens. */
  public static final class Turns implements ProducerState<Budgets.Blob> {
    int largeOnTurn;
    int size;
    int turn;

    /** For the state codec. */
    public Turns() {}

    Turns(int largeOnTurn, int size) {
      this.largeOnTurn = largeOnTurn;
      this.size = size;
    }

    @Override
    public void produce(StreamOutput<Budgets.Blob> out, CallContext context) {
      turn++;
      SEEN.add(context.responseBudget());
      if (turn > largeOnTurn) {
        out.finish();
        return;
      }
      out.emitRow(new Budgets.Blob(turn == largeOnTurn ? new byte[size] : new byte[] {'o', 'k'}));
    }
  }

  private static String text(OptionalLong value) {
    return value.isPresent() ? Long.toString(value.getAsLong()) : "none";
  }

  private final ClientServerMemory memory = new ClientServerMemory();

  @AfterEach
  void close() throws Exception {
    SEEN.clear();
    memory.close();
  }

  private HttpRpcServer serve(UnaryOperator<HttpRpcServer.Builder> configure) {
    return serve(configure, ExternalLocations.none());
  }

  private HttpRpcServer serve(UnaryOperator<HttpRpcServer.Builder> configure, ExternalLocations external) {
    RpcServer rpc = RpcServer.builder(Budgets.class, new Impl()).allocator(memory.server).build();
    rpc.external(external);
    memory.open.add(rpc);
    HttpRpcServer http = configure.apply(HttpRpcServer.builder(rpc).signingKey(HttpHarness.KEY)).start();
    memory.open.add(http);
    return http;
  }

  private Budgets connect(String url, UnaryOperator<HttpRpc.Builder> configure) {
    RpcClient client = configure.apply(HttpRpc.builder(url).allocator(memory.client)).build();
    memory.open.add(client);
    return client.proxy(Budgets.class);
  }

  @Test
  void theBuilderTakesOnlyPortableServerLimits() {
    RpcServer rpc = RpcServer.builder(Budgets.class, new Impl()).allocator(memory.server).build();
    memory.open.add(rpc);
    for (long bad : new long[] {0, 65_535, 1L << 53}) {
      IllegalArgumentException max = assertThrows(IllegalArgumentException.class,
          () -> HttpRpcServer.builder(rpc).maxResponseBytes(bad));
      assertTrue(max.getMessage().startsWith("maxResponseBytes must be from 65536 through 9007199254740991"),
          max.getMessage());
      IllegalArgumentException preferred = assertThrows(IllegalArgumentException.class,
          () -> HttpRpcServer.builder(rpc).preferredResponseBytes(bad));
      assertTrue(preferred.getMessage().startsWith("preferredResponseBytes must be from 65536"),
          preferred.getMessage());
    }
  }

  @Test
  void withoutLimitsAMethodSeesAnUnboundedBudget() {
    Budgets service = connect(serve(b -> b).url(), HttpRpc.Builder::unboundedResponses);
    assertEquals("none:none:none:false", service.observe());
    assertEquals(List.of(2), sizes(service.producer(1, 2)));
    assertEquals(List.of(ResponseBudget.UNBOUNDED, ResponseBudget.UNBOUNDED), SEEN);
  }

  @Test
  void theLowestLimitHoldsAndThePreferredSizeNeverExceedsIt() {
    HttpRpcServer server = serve(b -> b.maxResponseBytes(100_000).preferredResponseBytes(90_000));
    // the client's limit is the lowest: both are clamped to it
    Budgets clientLowest = connect(server.url(), b -> b.acceptMaxResponseBytes(70_000));
    assertEquals("70000:70000:70000:false", clientLowest.observe());
    assertEquals(List.of(2), sizes(clientLowest.producer(1, 2)));
    ResponseBudget first = SEEN.get(0);
    assertEquals(OptionalLong.of(70_000), first.limitBytes());
    assertEquals(OptionalLong.of(70_000), first.preferredBytes());
    long remaining = first.remainingBytes().orElseThrow();
    assertTrue(remaining > 69_000 && remaining < 70_000, "the stream's schema was written first: " + remaining);
    // the server's limit is the lowest: the preferred size stays below it
    Budgets serverLowest = connect(server.url(), b -> b.acceptMaxResponseBytes(200_000));
    assertEquals("100000:90000:100000:false", serverLowest.observe());
    Budgets unbounded = connect(server.url(), HttpRpc.Builder::unboundedResponses);
    assertEquals("100000:90000:100000:false", unbounded.observe());
  }

  @Test
  void externalizationIsShownWithItsCap() {
    HttpRpcServer server = serve(b -> b.maxExternalizedResponseBytes(1 << 20), new ExternalLocations(
        Optional.of(ipc -> "memory://unused"), Optional.empty(), 1 << 30, OptionalLong.empty()));
    Budgets service = connect(server.url(), HttpRpc.Builder::unboundedResponses);
    assertEquals("none:none:none:true", service.observe());
    assertEquals(List.of(2), sizes(service.producer(1, 2)));
    assertTrue(SEEN.get(0).externalizationEnabled());
    assertEquals(OptionalLong.of(1 << 20), SEEN.get(0).remainingExternalizedBytes());
  }

  @Test
  void aTurnOverTheLimitIsACursorFreeError() {
    Budgets service = connect(serve(b -> b).url(), b -> b.acceptMaxResponseBytes(KIB_64));
    RpcException atInit = assertThrows(RpcException.class, () -> service.producer(1, 256 * 1024).iterator().next());
    assertEquals("ResponseTooLargeError", atInit.errorType());
    assertTrue(atInit.errorMessage().contains("> 65536) for method 'producer'"), atInit.errorMessage());

    Iterator<Budgets.Blob> rows = service.producer(2, 256 * 1024).iterator();
    assertArrayEquals(new byte[] {'o', 'k'}, rows.next().payload());
    RpcException later = assertThrows(RpcException.class, rows::next);
    assertEquals("ResponseTooLargeError", later.errorType());
  }

  @Test
  void aLaterTurnCannotRaiseTheLimitItsStreamWasOpenedWith() throws Exception {
    Intermediary intermediary = new Intermediary(serve(b -> b).url());
    memory.open.add(intermediary);
    Budgets service = connect(intermediary.url(), b -> b.acceptMaxResponseBytes(KIB_64));
    // the continuation reaches the server with a higher limit than the init had, or with none
    for (UnaryOperator<Intermediary.Seen> raise : List.<UnaryOperator<Intermediary.Seen>>of(
        request -> request.path().endsWith("/exchange") ? request.with(HEADER, Long.toString(1 << 20)) : request,
        request -> request.path().endsWith("/exchange") ? request.without(HEADER) : request)) {
      intermediary.forward = raise::apply;
      SEEN.clear();
      Iterator<Budgets.Blob> rows = service.producer(2, 128 * 1024).iterator();
      assertArrayEquals(new byte[] {'o', 'k'}, rows.next().payload());
      RpcException refused = assertThrows(RpcException.class, rows::next);
      assertEquals("ResponseTooLargeError", refused.errorType());
      // the server refused it (a small error answer), rather than sending it for the client to refuse
      assertTrue(refused.errorMessage().startsWith("HTTP body exceeds max_response_bytes ("), refused.errorMessage());
      assertTrue(refused.errorMessage().endsWith(" > 65536) for method 'producer'"), refused.errorMessage());
      assertEquals(OptionalLong.of(KIB_64), SEEN.get(1).limitBytes(), "the turn saw the sealed limit");
    }
    // a lower limit on a continuation still applies
    intermediary.forward = request -> request.path().endsWith("/exchange") ? request.with(HEADER, "65536") : request;
    Budgets roomy = connect(intermediary.url(), b -> b.acceptMaxResponseBytes(1 << 20));
    SEEN.clear();
    Iterator<Budgets.Blob> rows = roomy.producer(2, 100_000).iterator();
    assertArrayEquals(new byte[] {'o', 'k'}, rows.next().payload());
    RpcException lowered = assertThrows(RpcException.class, rows::next);
    assertEquals("ResponseTooLargeError", lowered.errorType());
    assertFalse(SEEN.isEmpty());
  }

  private static List<Integer> sizes(Producer<Budgets.Blob> producer) {
    List<Integer> sizes = new java.util.ArrayList<>();
    try (producer) {
      for (Budgets.Blob blob : producer) {
        sizes.add(blob.payload().length);
      }
    }
    return sizes;
  }
}
