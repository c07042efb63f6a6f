package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.external.ExternalLocations;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client side of the HTTP transport's optional features, against our own server: capability
 * discovery, upload URLs, auto-externalization of large requests and sticky-session scopes.
 */
class HttpClientFeaturesTest {
  private static final long MAX_REQUEST = 4096;

  private final ClientServerMemory memory = new ClientServerMemory();
  private final BufferAllocator serverMemory = memory.server;
  private final BufferAllocator clientMemory = memory.client;
  private final List<AutoCloseable> open = memory.open;

  @AfterEach
  void close() throws Exception {
    memory.close();
  }

  /** An object store on a JDK HTTP server: PUT /o/NAME stores, GET /o/NAME returns, counted. */
  private static final class Storage implements UploadUrlProvider, AutoCloseable {
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger vended = new AtomicInteger();
    final List<String> putHeaders = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    Storage() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/o/", exchange -> {
        String name = exchange.getRequestURI().getPath();
        try (exchange) {
          if (exchange.getRequestMethod().equals("PUT")) {
            try (InputStream in = exchange.getRequestBody()) {
              objects.put(name, in.readAllBytes());
            }
            puts.incrementAndGet();
            putHeaders.addAll(exchange.getRequestHeaders().keySet());
            exchange.sendResponseHeaders(204, -1);
          } else {
            byte[] object = objects.get(name);
            if (object == null) {
              exchange.sendResponseHeaders(404, -1);
              return;
            }
            exchange.sendResponseHeaders(200, object.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(object);
            }
          }
        }
      });
      server.start();
    }

    @Override
    public UploadUrl generate() {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/o/" + vended.incrementAndGet();
      return new UploadUrl(url, url, Instant.now().plusSeconds(600));
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** Serves StreamService with a request cap, resolving pointer requests from any http URL. */
  private HttpRpcServer serve(Optional<Storage> storage, Optional<StickyConfig> sticky) {
    RpcServer.Builder rpc = RpcServer.builder(StreamService.class, new StreamService.Impl()).allocator(serverMemory);
    if (storage.isPresent()) {
      rpc.external(new ExternalLocations(Optional.empty(), Optional.of(HttpFetcher.builder().build()),
          ExternalLocations.DEFAULT_THRESHOLD_BYTES, OptionalLong.empty()));
    }
    RpcServer server = rpc.build();
    open.add(server);
    HttpRpcServer.Builder http = HttpRpcServer.builder(server).signingKey(HttpHarness.KEY).maxRequestBytes(MAX_REQUEST);
    storage.ifPresent(s -> http.uploadUrls(s, 1 << 20));
    sticky.ifPresent(http::sticky);
    HttpRpcServer started = http.start();
    open.add(started);
    return started;
  }

  private HttpTransport transport(HttpRpcServer server, boolean compress) {
    HttpTransport transport = HttpRpc.builder(server.url()).header("Authorization", "Bearer secret")
        .compressRequests(compress).transport();
    open.add(transport);
    return transport;
  }

  private RpcClient client(dev.arrowrpc.core.RequestTransport transport) {
    RpcClient client = RpcClient.builder(transport).allocator(clientMemory).build();
    open.add(client);
    return client;
  }

  @Test
  void capabilitiesAreReadFromTheHealthRoute() throws Exception {
    Storage storage = new Storage();
    open.add(storage);
    HttpRpcServer server = serve(Optional.of(storage),
        Optional.of(StickyConfig.builder().defaultTtl(Duration.ofSeconds(30)).echoHeader("X-Route", "r1").build()));
    HttpCapabilities caps = transport(server, false).capabilities();
    assertEquals(OptionalLong.of(MAX_REQUEST), caps.maxRequestBytes());
    assertTrue(caps.uploadUrlSupport());
    assertEquals(OptionalLong.of(1 << 20), caps.maxUploadBytes());
    assertTrue(caps.stickyEnabled());
    assertEquals(OptionalLong.of(30), caps.stickyDefaultTtl());
    assertEquals(List.of("x-route"), caps.stickyEchoHeaders());
    String advertised = Raw.header(Raw.get(server.url() + "/health", Map.of()), "VGI-Supported-Encodings").orElseThrow();
    assertEquals(advertised.isBlank() ? List.of() : List.of(advertised.split(",\\s*")), caps.supportedEncodings());
    assertFalse(caps.externalizationEnabled());
  }

  @Test
  void aServerWithoutTheFeaturesAdvertisesNone() throws Exception {
    HttpRpcServer server = serve(Optional.empty(), Optional.empty());
    HttpTransport transport = transport(server, false);
    HttpCapabilities caps = transport.capabilities();
    assertFalse(caps.uploadUrlSupport());
    assertFalse(caps.stickyEnabled());
    assertEquals(OptionalLong.empty(), caps.stickyDefaultTtl());
    RpcException missing = assertThrows(RpcException.class, () -> transport.requestUploadUrls(1));
    assertEquals("NotSupported", missing.errorType());
    // without upload URLs a request over the cap stays the server's 413 refusal
    RpcException tooLarge = assertThrows(RpcException.class,
        () -> client(transport).proxy(StreamService.class).echoBytes(new byte[(int) MAX_REQUEST * 2]));
    assertEquals("PayloadTooLarge", tooLarge.errorType());
  }

  @Test
  void uploadUrlsArePairsTheStorageHonours() throws Exception {
    Storage storage = new Storage();
    open.add(storage);
    List<UploadUrl> urls = transport(serve(Optional.of(storage), Optional.empty()), false).requestUploadUrls(3);
    assertEquals(3, urls.size());
    assertEquals(3, storage.vended.get());
    for (UploadUrl url : urls) {
      assertTrue(url.uploadUrl().startsWith("http://127.0.0.1:"), url.uploadUrl());
      assertTrue(url.expiresAt().isAfter(Instant.now()), url.expiresAt().toString());
    }
  }

  @Test
  void largeRequestsTravelThroughAnUploadUrl() throws Exception {
    Storage storage = new Storage();
    open.add(storage);
    HttpRpcServer server = serve(Optional.of(storage), Optional.empty());
    for (boolean compress : new boolean[] {false, true}) {
      int before = storage.puts.get();
      StreamService service = client(transport(server, compress)).proxy(StreamService.class);
      byte[] big = new byte[(int) MAX_REQUEST * 5];
      new java.util.Random(7).nextBytes(big);
      // the first goes out inline, is refused (413) and goes again through the storage
      assertArrayEquals(big, service.echoBytes(big));
      assertEquals(before + 1, storage.puts.get());
      // now the capabilities are known: the next large one goes straight to the storage
      assertArrayEquals(big, service.echoBytes(big));
      assertEquals(before + 2, storage.puts.get());
      assertEquals("small", service.echo("small"));
      assertEquals(before + 2, storage.puts.get());
    }
    assertTrue(storage.putHeaders.stream().noneMatch(h -> h.equalsIgnoreCase("Authorization")),
        "the client's credentials stay with the server: " + storage.putHeaders);
  }

  @Test
  void largeExchangeInputsTravelThroughAnUploadUrl() throws Exception {
    Storage storage = new Storage();
    open.add(storage);
    StreamService service = client(transport(serve(Optional.of(storage), Optional.empty()), false))
        .proxy(StreamService.class);
    try (Exchange<StreamService.Sample, StreamService.Total> sums = service.accumulate()) {
      List<StreamService.Sample> many = new java.util.ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        many.add(new StreamService.Sample(i));
      }
      List<StreamService.Total> totals = sums.exchange(many);
      assertEquals(1, totals.size());
      assertEquals(1999.0 * 2000 / 2, totals.get(0).sum());
      assertEquals(1, storage.puts.get());
      totals = sums.exchange(List.of(new StreamService.Sample(1)));
      assertEquals(1999.0 * 2000 / 2 + 1, totals.get(0).sum());
      assertEquals(1, storage.puts.get());
    }
  }

  @Test
  void stickySessionScopesCarryAndEndTheirSession() throws Exception {
    StickyConfig config = StickyConfig.builder().defaultTtl(Duration.ofSeconds(30)).echoHeader("X-Route", "r1").build();
    RpcServer server = RpcServer.builder(StickyHttpTest.Counter.class, new StickyHttpTest.Impl())
        .allocator(serverMemory).build();
    open.add(server);
    HttpRpcServer http = HttpRpcServer.builder(server).signingKey(HttpHarness.KEY).sticky(config).start();
    open.add(http);
    HttpTransport transport = transport(http, false);
    StickyHttpTest.Impl.CLOSED.set(0);

    // outside a scope no opt-in travels: opening a session is refused
    RpcException refused = assertThrows(RpcException.class,
        () -> client(transport).proxy(StickyHttpTest.Counter.class).open(1));
    assertTrue(refused.getMessage().contains("VGI-Session-Accept"), refused.getMessage());

    HttpSession outer = transport.session(Optional.empty());
    StickyHttpTest.Counter counter = client(outer).proxy(StickyHttpTest.Counter.class);
    assertEquals(7, counter.open(7));
    String token = outer.token().orElseThrow();
    assertEquals(Map.of("x-route", "r1"), outer.echoHeaders());
    assertEquals(10, counter.add(3));

    // a second scope resuming the token sees the same session; detached, it leaves it alive
    HttpSession resumed = transport.session(Optional.of(token));
    assertEquals(11, client(resumed).proxy(StickyHttpTest.Counter.class).add(1));
    assertEquals(Optional.of(token), resumed.detach());
    resumed.close();
    assertEquals(12, counter.add(1));

    // closing the scope ends the session on the server
    outer.close();
    assertEquals(1, StickyHttpTest.Impl.CLOSED.get());
    HttpSession stale = transport.session(Optional.of(token));
    RpcException lost = assertThrows(RpcException.class,
        () -> client(stale).proxy(StickyHttpTest.Counter.class).add(1));
    assertEquals("SessionLostError", lost.errorType());

    // a method that ends the session clears the scope's token: nothing left to delete
    HttpSession ended = transport.session(Optional.empty());
    StickyHttpTest.Counter again = client(ended).proxy(StickyHttpTest.Counter.class);
    again.open(1);
    assertTrue(ended.token().isPresent());
    assertEquals(1, again.end());
    assertEquals(Optional.empty(), ended.token());
    assertEquals(Map.of(), ended.echoHeaders());
  }
}
