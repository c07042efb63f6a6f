package dev.arrowrpc.transport.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.auth.Identity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightMethod;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.junit.jupiter.api.Test;

/** The bearer tokens {@link FlightAuth} mints for the basic-token handshake: lifetime and sweeping. */
class FlightAuthTokensTest {
  /** A clock the test moves. */
  private static final class Moving extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final Moving clock = new Moving();
  private final FlightAuth auth = new FlightAuth(Optional.empty(),
      Optional.of((user, password) -> "pw".equals(password) ? Optional.of(Identity.of(user, "basic")) : Optional.empty()),
      Duration.ofMinutes(10), clock);

  private FlightAuth.Session call(String authorization) {
    FlightCallHeaders headers = new FlightCallHeaders();
    headers.insert("authorization", authorization);
    return auth.onCallStarted(new CallInfo(FlightMethod.DO_ACTION), headers, null);
  }

  private String login(String user) {
    FlightAuth.Session session = call("Basic " + Base64.getEncoder().encodeToString(
        (user + ":pw").getBytes(StandardCharsets.UTF_8)));
    FlightCallHeaders outgoing = new FlightCallHeaders();
    session.onBeforeSendingHeaders(outgoing);
    String header = outgoing.get("authorization");
    assertTrue(header.startsWith("Bearer "), header);
    return header.substring(7);
  }

  @Test
  void aTokenStandsForItsLoginUntilItExpires() {
    String token = login("carol");
    assertEquals(Identity.of("carol", "basic"), call("Bearer " + token).identity());
    clock.now = clock.now.plus(Duration.ofMinutes(9));
    assertEquals(Identity.of("carol", "basic"), call("bearer " + token).identity());
    clock.now = clock.now.plus(Duration.ofMinutes(2));
    FlightRuntimeException expired = assertThrows(FlightRuntimeException.class, () -> call("Bearer " + token));
    assertEquals(FlightStatusCode.UNAUTHENTICATED, expired.status().code());
    assertEquals(0, auth.tokensHeld());
  }

  @Test
  void expiredTokensAreSweptAsNewOnesAreMinted() {
    for (int i = 0; i < 1024; i++) {
      login("user" + i);
    }
    assertEquals(1024, auth.tokensHeld());
    clock.now = clock.now.plus(Duration.ofHours(1));
    login("late");
    assertEquals(1, auth.tokensHeld());
  }

  @Test
  void badBasicCredentialsAreRefused() {
    for (String bad : new String[] {"Basic !!!", "Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8)),
        "Basic " + Base64.getEncoder().encodeToString("dave:wrong".getBytes(StandardCharsets.UTF_8))}) {
      FlightRuntimeException e = assertThrows(FlightRuntimeException.class, () -> call(bad));
      assertEquals(FlightStatusCode.UNAUTHENTICATED, e.status().code(), bad);
    }
    assertEquals(0, auth.tokensHeld());
  }

  @Test
  void aFailingAuthenticatorIsInternalNotAnEscapedException() {
    FlightAuth failing = new FlightAuth(Optional.of(request -> {
      throw new IllegalStateException("directory down");
    }), Optional.empty(), Duration.ofMinutes(1), clock);
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class,
        () -> failing.onCallStarted(new CallInfo(FlightMethod.LIST_FLIGHTS), new FlightCallHeaders(), null));
    assertEquals(FlightStatusCode.INTERNAL, e.status().code());
  }
}
