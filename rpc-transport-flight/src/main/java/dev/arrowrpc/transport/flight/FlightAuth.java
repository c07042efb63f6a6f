package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.AuthUnavailableException;
import dev.arrowrpc.core.TransportKind;
import dev.arrowrpc.core.auth.AuthRequest;
import dev.arrowrpc.core.auth.AuthenticationException;
import dev.arrowrpc.core.auth.Authenticator;
import dev.arrowrpc.core.auth.Identity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every Flight call from its headers, before the producer sees it: a Flight server
 * middleware in front of the core {@link Authenticator} (the one HTTP and the byte channels take) and,
 * optionally, the basic-token handshake ({@link BasicLogin}).
 *
 * <ol>
 *   <li>{@code authorization: Basic <user:password>} with a {@link BasicLogin}: the credentials are
 *       checked; when valid, the server mints a random bearer token for the identity (kept in memory,
 *       valid for the token lifetime) and answers it as {@code authorization: Bearer <token>} in the
 *       call's response headers; the call itself runs as that identity;
 *   <li>{@code authorization: Bearer <token>} naming a token minted here: its identity;
 *   <li>otherwise the {@link Authenticator}, shown the call's (non-binary) headers, decides; without one
 *       a call that brought no minted token is refused when a {@link BasicLogin} is set.
 * </ol>
 *
 * <p>A refusal is Flight {@code UNAUTHENTICATED} with the authenticator's reason; an unreachable authority
 * is {@code UNAVAILABLE}. Without an authenticator and a basic login every call is {@link
 * Identity#ANONYMOUS}. The identity (and the peer's address, which {@link PeerAddresses} records)
 * reaches the producer through {@link #session}.
 */
final class FlightAuth implements FlightServerMiddleware.Factory<FlightAuth.Session> {
  /** The middleware's key in Flight's call context. */
  static final FlightServerMiddleware.Key<Session> KEY = FlightServerMiddleware.Key.of("arrowrpc.auth");
  /** The header a credential travels in, both ways. */
  static final String HEADER = "authorization";

  private static final Logger LOG = LoggerFactory.getLogger(FlightAuth.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Expired tokens are swept when this many are held. */
  private static final int SWEEP_AT = 1024;

  private final Optional<Authenticator> authenticator;
  private final Optional<BasicLogin> login;
  private final Duration tokenLifetime;
  private final Clock clock;
  private final Map<String, Minted> tokens = new ConcurrentHashMap<>();

  private record Minted(Identity identity, Instant expires) {}

  FlightAuth(Optional<Authenticator> authenticator, Optional<BasicLogin> login, Duration tokenLifetime, Clock clock) {
    this.authenticator = authenticator;
    this.login = login;
    this.tokenLifetime = Objects.requireNonNull(tokenLifetime, "tokenLifetime");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The authentication of a call.
   *
   * @param context the Flight call
   * @return its session, or empty when the call did not pass this middleware
   */
  static Optional<Session> session(FlightProducer.CallContext context) {
    return Optional.ofNullable(context.getMiddleware(KEY));
  }

  /** {@return how many minted tokens are held} */
  int tokensHeld() {
    return tokens.size();
  }

  @Override
  public Session onCallStarted(CallInfo info, CallHeaders headers, RequestContext context) {
    if (authenticator.isEmpty() && login.isEmpty()) {
      return new Session(Identity.ANONYMOUS, Optional.empty());
    }
    try {
      return authenticate(headers);
    } catch (FlightRuntimeException e) {
      throw e;
    } catch (RuntimeException e) {
      // Flight turns only its own exceptions into a status; a failing authenticator or login is INTERNAL
      LOG.warn("authenticating a Flight call failed", e);
      throw CallStatus.INTERNAL.withDescription("authentication failed: " + e.getClass().getSimpleName())
          .withCause(e).toRuntimeException();
    }
  }

  private Session authenticate(CallHeaders headers) {
    Optional<String> credential = Optional.ofNullable(headers.get(HEADER)).map(String::strip);
    if (login.isPresent() && credential.filter(c -> startsWith(c, "Basic ")).isPresent()) {
      return basic(credential.get().substring(6).strip());
    }
    if (login.isPresent() && credential.filter(c -> startsWith(c, "Bearer ")).isPresent()) {
      Optional<Identity> minted = redeem(credential.get().substring(7).strip());
      if (minted.isPresent()) {
        return new Session(minted.get(), Optional.empty());
      }
    }
    if (authenticator.isEmpty()) {
      throw CallStatus.UNAUTHENTICATED.withDescription(credential.isEmpty()
          ? "authentication required: an authorization header (Basic credentials, or the Bearer token the "
              + "basic-token handshake returned)"
          : "the bearer token is not valid (or has expired)").toRuntimeException();
    }
    AuthRequest request = new AuthRequest(TransportKind.FLIGHT, textHeaders(headers), "", Optional.empty());
    try {
      Identity identity = Objects.requireNonNull(authenticator.get().authenticate(request),
          "the authenticator returned null");
      return new Session(identity, Optional.empty());
    } catch (AuthenticationException e) {
      LOG.debug("Flight call refused: {} ({})", e.reason().code(), e.detail());
      throw CallStatus.UNAUTHENTICATED.withDescription(e.detail()).toRuntimeException();
    } catch (AuthUnavailableException e) {
      LOG.warn("authentication unavailable for a Flight call: {}", e.getMessage());
      throw CallStatus.UNAVAILABLE.withDescription("authentication authority unavailable").toRuntimeException();
    }
  }

  private Session basic(String encoded) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw CallStatus.UNAUTHENTICATED.withDescription("the Basic credentials are not base64").toRuntimeException();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw CallStatus.UNAUTHENTICATED.withDescription("the Basic credentials are not user:password")
          .toRuntimeException();
    }
    Optional<Identity> identity = login.orElseThrow().login(decoded.substring(0, colon), decoded.substring(colon + 1));
    if (identity.isEmpty()) {
      throw CallStatus.UNAUTHENTICATED.withDescription("invalid user name or password").toRuntimeException();
    }
    return new Session(identity.get(), Optional.of(mint(identity.get())));
  }

  private String mint(Identity identity) {
    Instant now = clock.instant();
    if (tokens.size() >= SWEEP_AT) {
      tokens.values().removeIf(m -> !m.expires().isAfter(now));
    }
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    tokens.put(digest(token), new Minted(identity, now.plus(tokenLifetime)));
    return token;
  }

  private Optional<Identity> redeem(String token) {
    String key = digest(token);
    Minted minted = tokens.get(key);
    if (minted == null) {
      return Optional.empty();
    }
    if (!minted.expires().isAfter(clock.instant())) {
      tokens.remove(key, minted);
      return Optional.empty();
    }
    return Optional.of(minted.identity());
  }

  private static boolean startsWith(String value, String scheme) {
    return value.regionMatches(true, 0, scheme, 0, scheme.length());
  }

  /** The map is keyed by a digest, so a lookup's timing does not tell how much of a token matched. */
  private static String digest(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  private static Map<String, List<String>> textHeaders(CallHeaders headers) {
    Map<String, List<String>> text = new LinkedHashMap<>();
    for (String name : headers.keys()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.endsWith("-bin")) {
        continue;
      }
      List<String> values = new ArrayList<>();
      headers.getAll(name).forEach(values::add);
      text.put(lower, values);
    }
    return text;
  }

  /**
   * One call's authentication: who is calling, from where, and the bearer token minted for it, if any
   * (sent back in the response headers).
   */
  static final class Session implements FlightServerMiddleware {
    private final Identity identity;
    private final Optional<String> issued;
    private volatile String peerAddress = "";

    Session(Identity identity, Optional<String> issued) {
      this.identity = identity;
      this.issued = issued;
    }

    /** {@return who is calling} */
    Identity identity() {
      return identity;
    }

    /** {@return the peer's address, or an empty string when unknown} */
    String peerAddress() {
      return peerAddress;
    }

    void peerAddress(String address) {
      this.peerAddress = Objects.requireNonNull(address, "address");
    }

    @Override
    public void onBeforeSendingHeaders(CallHeaders outgoing) {
      issued.ifPresent(token -> outgoing.insert(HEADER, "Bearer " + token));
    }

    @Override
    public void onCallCompleted(CallStatus status) {
      // nothing held
    }

    @Override
    public void onCallErrored(Throwable err) {
      // nothing held
    }
  }
}
