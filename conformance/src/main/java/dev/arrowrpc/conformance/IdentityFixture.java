package dev.arrowrpc.conformance;

import dev.arrowrpc.core.AuthUnavailableException;
import dev.arrowrpc.core.auth.Authenticator;
import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.identity.GrantKeys;
import dev.arrowrpc.core.identity.GrantMinter;
import dev.arrowrpc.core.identity.IdentityConfig;
import dev.arrowrpc.core.identity.IdentityErrors;
import dev.arrowrpc.core.identity.IssuedGrant;
import dev.arrowrpc.core.identity.TokenIdentity;
import dev.arrowrpc.core.identity.TokenResolver;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fixed deployment policy the identity groups of the shared suite probe
 * (IDENTITY_CONFORMANCE_FIXTURE.md), selected by {@code --identity both|introspect-only|grants}.
 *
 * <p><b>The authentication here is header-driven and trivially spoofable by anyone who can reach
 * the port.</b> It exists to give the suite an authenticated caller without an identity provider. It
 * is a test fixture and must never be deployed.
 */
final class IdentityFixture {
  /** The request header naming the authenticated principal; absent means unauthenticated. */
  static final String PRINCIPAL_HEADER = "X-Conformance-Principal";
  /** The request header carried verbatim into the {@code auth_time} claim. */
  static final String AUTH_TIME_HEADER = "X-Conformance-Auth-Time";
  /** The authentication domain of a header-authenticated caller. */
  static final String DOMAIN = "conformance";

  static final String INTROSPECTOR = "conformance-introspector";
  static final String SUBJECT = "subject@conformance.example";
  static final String SUBJECT_TOKEN_NAME = "conformance-subject";
  static final long SUBJECT_TTL = 300;
  static final Instant GRANT_EXPIRES_AT = Instant.parse("2030-01-01T00:00:00Z");
  static final String GRANT_ID = "conformance-grant-id";
  static final String GRANT_AUDIENCE = "conformance";
  static final long GRANT_MAX_TTL = 3600;

  /** Which worker: both hooks, the resolver alone, or the resolver with sealed grants (and Whoami). */
  enum Mode {
    BOTH, INTROSPECT_ONLY, GRANTS;

    /**
     * Reads the flag's value.
     *
     * @throws IllegalArgumentException for anything else
     */
    static Mode parse(String value) {
      return switch (value) {
        case "both" -> BOTH;
        case "introspect-only" -> INTROSPECT_ONLY;
        case "grants" -> GRANTS;
        default -> throw new IllegalArgumentException("--identity takes both, introspect-only or grants, not " + value);
      };
    }
  }

  private IdentityFixture() {}

  /**
   * The mode named by {@code --identity} on a command line, if any.
   *
   * @throws IllegalArgumentException for a bad value
   */
  static Optional<Mode> mode(List<String> args) {
    Optional<Mode> mode = Optional.empty();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--identity") && i + 1 < args.size()) {
        mode = Optional.of(Mode.parse(args.get(i + 1)));
      } else if (arg.startsWith("--identity=")) {
        mode = Optional.of(Mode.parse(arg.substring("--identity=".length())));
      }
    }
    return mode;
  }

  /** The identity configuration of a mode. */
  static IdentityConfig config(Mode mode) {
    IdentityConfig.Builder builder = IdentityConfig.builder().resolver(RESOLVER).introspectors(List.of(INTROSPECTOR))
        .maxAuthAge(IdentityConfig.DEFAULT_MAX_AUTH_AGE);
    if (mode == Mode.BOTH) {
      builder.minter(MINTER);
    } else if (mode == Mode.GRANTS) {
      builder.grantKeys(grantKeys());
    }
    return builder.build();
  }

  /** The grant worker's keys: 0x10..0x2f mints, 0x30..0x4f still verifies. */
  static GrantKeys grantKeys() {
    byte[] current = new byte[32];
    byte[] previous = new byte[32];
    for (int i = 0; i < 32; i++) {
      current[i] = (byte) (0x10 + i);
      previous[i] = (byte) (0x30 + i);
    }
    return new GrantKeys(List.of(current, previous), GRANT_AUDIENCE, GRANT_MAX_TTL, GrantKeys.DEFAULT_CLOCK_SKEW_SECONDS);
  }

  /** Resolves almost anything, so a refusal can only come from a guard. A pure function. */
  static final TokenResolver RESOLVER = token -> switch (token) {
    case "conformance-unavailable-token" -> throw IdentityErrors.unavailable("conformance: mapping store unreachable", 5);
    case "conformance-auth-unavailable-token" -> throw new AuthUnavailableException("conformance: authority unreachable", 7);
    case "conformance-unknown-token" -> Optional.empty();
    case "conformance-zero-ttl-token" -> Optional.of(new TokenIdentity(SUBJECT, SUBJECT_TOKEN_NAME, 0));
    case "conformance-minimal-token" -> Optional.of(TokenIdentity.of(SUBJECT));
    case "  conformance-padded-probe  " -> Optional.of(new TokenIdentity(SUBJECT, "conformance-padded", SUBJECT_TTL));
    default -> Optional.of(new TokenIdentity(SUBJECT, SUBJECT_TOKEN_NAME, SUBJECT_TTL));
  };

  /** Mints a grant naming its caller and echoing the scopes; ignores the requested lifetime. */
  static final GrantMinter MINTER = (principal, purpose, scopes, ttlSeconds) -> {
    String token = "conformance-grant-for:" + principal + "|" + String.join(",", scopes);
    return switch (purpose) {
      case "conformance-auth-unavailable" -> throw new AuthUnavailableException("conformance: grant store unreachable", 7);
      case "conformance-refused" -> throw IdentityErrors.grantRefused("conformance: this purpose is refused");
      case "conformance-minimal" -> IssuedGrant.of(token, GRANT_EXPIRES_AT);
      default -> new IssuedGrant(token, GRANT_EXPIRES_AT, GRANT_ID);
    };
  };

  /**
   * The principal-header authenticator: {@value #PRINCIPAL_HEADER} names the principal and
   * {@value #AUTH_TIME_HEADER} goes verbatim into {@code auth_time}; without the principal header
   * the caller is anonymous (and a bearer it presents is left to the identity authenticators).
   */
  static final Authenticator AUTHENTICATOR = request -> {
    Optional<String> principal = request.header(PRINCIPAL_HEADER).filter(p -> !p.isEmpty());
    if (principal.isEmpty()) {
      return Identity.ANONYMOUS;
    }
    Optional<String> authTime = request.header(AUTH_TIME_HEADER);
    return Identity.of(principal.get(), DOMAIN, authTime.<Map<String, Object>>map(t -> Map.of("auth_time", t)).orElse(Map.of()));
  };
}
