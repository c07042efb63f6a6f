package dev.arrowrpc.transport.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.auth.BearerTokenAuthenticator;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication (bearer tokens through the core authenticator, the basic-token handshake) and TLS
 * (server certificate, mutual TLS) of {@link FlightRpcServer}, with the typed client ({@link FlightRpc})
 * and Arrow Java's stock {@link FlightClient}; the identity reaches the method by every verb.
 */
class FlightAuthTest {
  private static final String WHO = "FlightWho";
  private static final byte[] NO_PARAMS = "{}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SEEN_TICKET = "{\"method\": \"seen\"}".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;

  private final BufferAllocator serverMemory = new RootAllocator();
  private final BufferAllocator clientMemory = new RootAllocator();
  private final List<AutoCloseable> open = new ArrayList<>();
  private RpcServer rpc;

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    assertEquals(0, clientMemory.getAllocatedMemory(), "client memory");
    clientMemory.close();
    if (rpc != null) {
      rpc.close();
    }
    assertEquals(0, serverMemory.getAllocatedMemory(), "server memory");
    serverMemory.close();
  }

  private final List<dev.arrowrpc.core.CallRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();

  private FlightRpcServer serve(UnaryOperator<FlightRpcServer.Builder> configure) {
    rpc = RpcServer.builder(FlightWho.class, new FlightWho.Impl()).allocator(serverMemory)
        .listener(records::add).build();
    FlightRpcServer server = configure.apply(FlightRpcServer.builder(rpc).host("localhost")).start();
    open.add(server);
    return server;
  }

  private RpcClient client(Location location, UnaryOperator<FlightRpc.Builder> configure) {
    RpcClient client = configure.apply(FlightRpc.builder(location).allocator(clientMemory)
        .callTimeout(Duration.ofSeconds(20))).build();
    open.add(client);
    return client;
  }

  private FlightClient raw(Location location) {
    FlightClient client = FlightClient.builder(clientMemory, location).build();
    open.add(client);
    return client;
  }

  private static String action(FlightClient client, CallOption... options) {
    Iterator<Result> results = client.doAction(new Action(WHO + "/whoami", NO_PARAMS), options);
    // the answer is an IPC stream; its one utf8 value shows in its bytes
    String bytes = new String(results.next().getBody(), StandardCharsets.ISO_8859_1);
    while (results.hasNext()) {
      results.next();
    }
    return bytes;
  }

  private static String doGet(FlightClient client, CallOption... options) throws Exception {
    try (FlightStream stream = client.getStream(new Ticket(SEEN_TICKET), options)) {
      assertTrue(stream.next());
      String who = ((VarCharVector) stream.getRoot().getVector("who")).getObject(0).toString();
      while (stream.next()) {
        // drain
      }
      return who;
    }
  }

  private static FlightStatusCode refusal(Runnable call) {
    return assertThrows(FlightRuntimeException.class, call::run).status().code();
  }

  // ------------------------------------------------------------------ no authenticator

  @Test
  void withoutAnAuthenticatorCallsAreAnonymousOverFlight() throws Exception {
    FlightRpcServer server = serve(b -> b);
    assertEquals("||flight", client(server.location(), c -> c).proxy(FlightWho.class).whoami());
    FlightClient raw = raw(server.location());
    assertTrue(action(raw).contains("||flight"));
    assertEquals("||flight", doGet(raw));
    // the handshake completes, with no token to carry
    assertEquals(Optional.empty(), raw.authenticateBasicToken("anyone", "anything"));
  }

  // ------------------------------------------------------------------ bearer tokens

  @Test
  void aBearerTokenReachesTheMethodByEveryVerb() throws Exception {
    FlightRpcServer server = serve(b -> b.authenticator(BearerTokenAuthenticator.of("s3cret", "alice")));
    RpcClient client = client(server.location(), c -> c.bearerToken("s3cret"));
    assertEquals("alice|bearer|flight", client.proxy(FlightWho.class).whoami());
    assertEquals("alice|bearer|flight", client.proxy(FlightWho.class).whoami()); // each call authenticated

    FlightClient raw = raw(server.location());
    CallOption bearer = new CredentialCallOption(new org.apache.arrow.flight.auth2.BearerCredentialWriter("s3cret"));
    assertTrue(action(raw, bearer).contains("alice|bearer|flight"));
    assertEquals("alice|bearer|flight", doGet(raw, bearer));
    List<Object> flights = new ArrayList<>();
    raw.listFlights(Criteria.ALL, bearer).forEach(flights::add);
    assertTrue(!flights.isEmpty());
  }

  @Test
  void aMissingOrWrongBearerTokenIsUnauthenticatedWithTheReason() {
    FlightRpcServer server = serve(b -> b.authenticator(BearerTokenAuthenticator.of("s3cret", "alice")));
    FlightClient raw = raw(server.location());
    FlightRuntimeException missing = assertThrows(FlightRuntimeException.class, () -> action(raw));
    assertEquals(FlightStatusCode.UNAUTHENTICATED, missing.status().code());
    assertTrue(missing.getMessage().contains("Bearer"), missing.getMessage());
    CallOption wrong = new CredentialCallOption(new org.apache.arrow.flight.auth2.BearerCredentialWriter("guess"));
    FlightRuntimeException invalid = assertThrows(FlightRuntimeException.class, () -> action(raw, wrong));
    assertEquals(FlightStatusCode.UNAUTHENTICATED, invalid.status().code());
    assertTrue(invalid.getMessage().contains("not valid"), invalid.getMessage());
    assertEquals(FlightStatusCode.UNAUTHENTICATED, refusal(() -> raw.listFlights(Criteria.ALL).forEach(f -> { })));
    assertEquals(FlightStatusCode.UNAUTHENTICATED, refusal(() -> {
      try {
        doGet(raw);
      } catch (FlightRuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }));

    RpcException typed = assertThrows(RpcException.class,
        () -> client(server.location(), c -> c).proxy(FlightWho.class).whoami());
    assertTrue(typed.getMessage().contains("UNAUTHENTICATED"), typed.getMessage());
    RpcException typedWrong = assertThrows(RpcException.class,
        () -> client(server.location(), c -> c.bearerToken("guess")).proxy(FlightWho.class).whoami());
    assertTrue(typedWrong.getMessage().contains("UNAUTHENTICATED"), typedWrong.getMessage());
  }

  @Test
  void theAccessRecordHasThePrincipalAndThePeerAddress() throws Exception {
    FlightRpcServer server = serve(b -> b.host("127.0.0.1")
        .authenticator(BearerTokenAuthenticator.of("s3cret", "alice")));
    client(server.location(), c -> c.bearerToken("s3cret")).proxy(FlightWho.class).whoami();
    FlightClient raw = raw(server.location());
    CallOption bearer = new CredentialCallOption(new org.apache.arrow.flight.auth2.BearerCredentialWriter("s3cret"));
    action(raw, bearer);
    doGet(raw, bearer);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (records.size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(records.size() >= 3, records.toString());
    for (dev.arrowrpc.core.CallRecord record : records) {
      assertEquals(Optional.of("alice"), record.principal(), record.toString());
      assertEquals("127.0.0.1", record.remoteAddress(), record.toString());
    }
  }

  // ------------------------------------------------------------------ basic-token handshake

  private static Optional<Identity> bob(String user, String password) {
    return "bob".equals(user) && "hunter2".equals(password) ? Optional.of(Identity.of("bob", "basic"))
        : Optional.empty();
  }

  @Test
  void theBasicHandshakeMintsABearerTokenThatLaterCallsCarry() throws Exception {
    FlightRpcServer server = serve(b -> b.basicLogin(FlightAuthTest::bob));
    FlightClient raw = raw(server.location());
    CredentialCallOption token = raw.authenticateBasicToken("bob", "hunter2").orElseThrow();
    assertTrue(action(raw, token).contains("bob|basic|flight"));
    assertEquals("bob|basic|flight", doGet(raw, token));

    assertEquals("bob|basic|flight",
        client(server.location(), c -> c.basicCredentials("bob", "hunter2")).proxy(FlightWho.class).whoami());

    assertEquals(FlightStatusCode.UNAUTHENTICATED, refusal(() -> raw.authenticateBasicToken("bob", "wrong")));
    assertEquals(FlightStatusCode.UNAUTHENTICATED, refusal(() -> action(raw)));
    CallOption forged = new CredentialCallOption(new org.apache.arrow.flight.auth2.BearerCredentialWriter("forged"));
    assertEquals(FlightStatusCode.UNAUTHENTICATED, refusal(() -> action(raw, forged)));
    FlightRuntimeException refused = assertThrows(FlightRuntimeException.class,
        () -> client(server.location(), c -> c.basicCredentials("bob", "wrong")));
    assertEquals(FlightStatusCode.UNAUTHENTICATED, refused.status().code());
  }

  @Test
  void aBasicLoginAndAnAuthenticatorServeTogether() throws Exception {
    FlightRpcServer server = serve(b -> b.basicLogin(FlightAuthTest::bob)
        .authenticator(BearerTokenAuthenticator.of("s3cret", "alice")));
    assertEquals("alice|bearer|flight",
        client(server.location(), c -> c.bearerToken("s3cret")).proxy(FlightWho.class).whoami());
    assertEquals("bob|basic|flight",
        client(server.location(), c -> c.basicCredentials("bob", "hunter2")).proxy(FlightWho.class).whoami());
    assertThrows(RpcException.class, () -> client(server.location(), c -> c).proxy(FlightWho.class).whoami());
  }

  @Test
  void mintedTokensExpire() throws Exception {
    FlightRpcServer server = serve(b -> b.basicLogin(FlightAuthTest::bob, Duration.ofMillis(200)));
    FlightClient raw = raw(server.location());
    CredentialCallOption token = raw.authenticateBasicToken("bob", "hunter2").orElseThrow();
    assertTrue(action(raw, token).contains("bob"));
    Thread.sleep(400);
    assertEquals(FlightStatusCode.UNAUTHENTICATED, refusal(() -> action(raw, token)));
  }

  // ------------------------------------------------------------------ TLS

  @Test
  void tlsServesCallsAndRefusesPlaintextClients() throws Exception {
    TestCertificates certs = TestCertificates.make(dir);
    FlightRpcServer server = serve(b -> b.tls(certs.serverCert(), certs.serverKey())
        .authenticator(BearerTokenAuthenticator.of("s3cret", "alice")));
    assertEquals("grpc+tls", server.location().getUri().getScheme());
    RpcClient client = client(server.location(), c -> c.trustedCertificates(certs.serverCert()).bearerToken("s3cret"));
    assertEquals("alice|bearer|flight", client.proxy(FlightWho.class).whoami());

    RpcClient plaintext = client(Location.forGrpcInsecure("localhost", server.port()), c -> c.bearerToken("s3cret"));
    assertThrows(RpcException.class, () -> plaintext.proxy(FlightWho.class).whoami());
    // a client that does not trust the certificate is refused too
    RpcClient untrusting = client(server.location(), c -> c.bearerToken("s3cret"));
    assertThrows(RpcException.class, () -> untrusting.proxy(FlightWho.class).whoami());
  }

  @Test
  void mutualTlsNeedsTheClientCertificate() throws Exception {
    TestCertificates certs = TestCertificates.make(dir);
    FlightRpcServer server = serve(b -> b.tls(certs.serverCert(), certs.serverKey()).mutualTls(certs.clientCert()));
    RpcClient withCert = client(server.location(), c -> c.trustedCertificates(certs.serverCert())
        .clientCertificate(certs.clientCert(), certs.clientKey()));
    assertEquals("||flight", withCert.proxy(FlightWho.class).whoami());
    RpcClient withoutCert = client(server.location(), c -> c.trustedCertificates(certs.serverCert()));
    assertThrows(RpcException.class, () -> withoutCert.proxy(FlightWho.class).whoami());

    FlightClient raw = FlightClient.builder(clientMemory, server.location())
        .trustedCertificates(new java.io.FileInputStream(certs.serverCert().toFile()))
        .clientCertificate(new java.io.FileInputStream(certs.clientCert().toFile()),
            new java.io.FileInputStream(certs.clientKey().toFile()))
        .build();
    open.add(raw);
    assertEquals("||flight", doGet(raw));
  }

  @Test
  void tlsOptionsAreCheckedWhenBuilt() throws Exception {
    TestCertificates certs = TestCertificates.make(dir);
    assertThrows(IllegalStateException.class, () -> FlightRpc.builder(Location.forGrpcInsecure("localhost", 1))
        .allocator(clientMemory).trustedCertificates(certs.serverCert()).build());
    assertThrows(IllegalStateException.class, () -> FlightRpc.builder(Location.forGrpcInsecure("localhost", 1))
        .allocator(clientMemory).verifyServer(false).build());
    IllegalStateException both = assertThrows(IllegalStateException.class,
        () -> FlightRpc.builder(Location.forGrpcTls("localhost", 1)).allocator(clientMemory)
            .clientCertificate(certs.clientCert(), certs.clientKey()).verifyServer(false).build());
    assertTrue(both.getMessage().contains("verifyServer(false)"), both.getMessage());
    rpc = RpcServer.builder(FlightWho.class, new FlightWho.Impl()).allocator(serverMemory).build();
    assertThrows(IllegalStateException.class, () -> FlightRpcServer.builder(rpc).mutualTls(certs.clientCert()).start());
    assertThrows(java.io.UncheckedIOException.class,
        () -> FlightRpcServer.builder(rpc).tls(dir.resolve("absent.pem"), certs.serverKey()).start());
    assertEquals(CallStatus.UNAUTHENTICATED.code(), FlightStatusCode.UNAUTHENTICATED);
  }
}
