package dev.arrowrpc.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.reflect.ProtocolSummary;
import dev.arrowrpc.core.testing.Loopback;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The identity protocol dispatched end to end over a byte-stream transport (which authenticates no
 * one): the call context reaches the framework binding's methods, so both fail closed by their
 * guards rather than by a missing argument, and reflection reports the narrowed binding.
 */
class IdentityOverRawTransportTest {
  /** A one-method application protocol. */
  @RpcService(name = "App")
  public interface App {
    /** Echoes. */
    String echo(String value);
  }

  /** Serves {@link App}. */
  public static final class AppImpl implements App {
    @Override
    public String echo(String value) {
      return value;
    }
  }

  private static IdentityConfig config(boolean mint) {
    IdentityConfig.Builder builder = IdentityConfig.builder()
        .resolver(token -> Optional.of(TokenIdentity.of("subject"))).introspectors(List.of("asker"));
    if (mint) {
      builder.minter((principal, purpose, scopes, ttl) -> IssuedGrant.of(principal, java.time.Instant.EPOCH));
    }
    return builder.build();
  }

  @Test
  void anAnonymousRawCallerIsRefusedByTheGuardsAndReflectionListsTheBinding() throws Exception {
    try (Loopback loop = new Loopback(App.class, new AppImpl(), b -> b.identity(config(true)))) {
      List<ProtocolSummary> listed = loop.client().listProtocols().protocols();
      assertEquals(List.of("App", "vgi_rpc.Reflection.v1", IdentityProtocol.NAME),
          listed.stream().map(ProtocolSummary::protocol).toList());
      assertEquals(IdentityServiceTest.BOTH, listed.get(2).protocolHash());
      IdentityProtocol identity = loop.proxy(IdentityProtocol.class);
      RpcException introspect = assertThrows(RpcException.class, () -> identity.introspect_token("t"));
      assertEquals(Optional.of("introspection_refused"), introspect.errorKind());
      RpcException mint = assertThrows(RpcException.class, () -> identity.issue_grant("p", List.of("a"), 60));
      assertEquals(Optional.of("stale_auth"), mint.errorKind());
      assertEquals("x", loop.proxy(App.class).echo("x"));
    }
  }

  @Test
  void aNarrowedBindingHostsAndDescribesOneMethod() throws Exception {
    try (Loopback loop = new Loopback(App.class, new AppImpl(), b -> b.identity(config(false)))) {
      var description = loop.client().describe(IdentityProtocol.NAME);
      assertEquals(IdentityServiceTest.INTROSPECT_ONLY, description.protocolHash());
      assertEquals(List.of("introspect_token"), description.methods().stream().map(MethodInfo::name).toList());
      RpcException missing = assertThrows(RpcException.class,
          () -> loop.proxy(IdentityProtocol.class).issue_grant("p", List.of(), 60));
      // not hosted: refused by routing, never by a hosted method's guard
      assertEquals(false, missing.errorKind().orElse("").equals("grant_refused"), missing.toString());
    }
  }

  @Test
  void withNoHookTheProtocolIsNotHosted() throws Exception {
    try (Loopback loop = new Loopback(App.class, new AppImpl(), b -> b.identity(IdentityConfig.builder().build()))) {
      assertEquals(List.of("App", "vgi_rpc.Reflection.v1"),
          loop.client().listProtocols().protocols().stream().map(ProtocolSummary::protocol).toList());
    }
  }
}
