package dev.arrowrpc.core.identity;

import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.ErrorDetail;
import dev.arrowrpc.core.RpcException;
import java.time.Duration;
import java.util.Optional;

/**
 * The five errors of {@code vgi_rpc.Identity.v2}. Their {@code error_kind} is the only signal a
 * caller classifies on (definitive and cacheable, actionable, or transient), so each has its own
 * kind, code and error type. Hooks throw {@link #grantRefused} and {@link #unavailable}; the
 * framework raises the others.
 */
public final class IdentityErrors {
  /** Kind of a caller not on the introspector allowlist. */
  public static final String INTROSPECTION_REFUSED = "introspection_refused";
  /** Kind of a credential that did not resolve, whatever the reason. */
  public static final String TOKEN_UNRESOLVED = "token_unresolved";
  /** Kind of a caller that has not authenticated recently enough to mint. */
  public static final String STALE_AUTH = "stale_auth";
  /** Kind of a minter declining. */
  public static final String GRANT_REFUSED = "grant_refused";
  /** Kind of an answer that is not knowable right now. */
  public static final String IDENTITY_UNAVAILABLE = "identity_unavailable";

  private IdentityErrors() {}

  /**
   * The caller may not introspect (definitive; {@code PERMISSION_DENIED}).
   *
   * @param message operator-facing text; never the credential
   * @return the error
   */
  public static RpcException introspectionRefused(String message) {
    return error("IntrospectionRefusedError", message, ErrorCode.PERMISSION_DENIED, INTROSPECTION_REFUSED);
  }

  /**
   * The credential did not resolve ({@code NOT_FOUND}). One message for every cause, and never
   * anything derived from the credential.
   *
   * @return the error
   */
  public static RpcException tokenUnresolved() {
    return error("TokenUnresolvedError", "unresolved", ErrorCode.NOT_FOUND, TOKEN_UNRESOLVED);
  }

  /**
   * The caller must re-authenticate to mint ({@code UNAUTHENTICATED}); the message names why.
   *
   * @param message why the caller's authentication is too old
   * @return the error
   */
  public static RpcException staleAuth(String message) {
    return error("StaleAuthError", message, ErrorCode.UNAUTHENTICATED, STALE_AUTH);
  }

  /**
   * The minter declined ({@code PERMISSION_DENIED}).
   *
   * @param message the minter's reason
   * @return the error
   */
  public static RpcException grantRefused(String message) {
    return error("GrantRefusedError", message, ErrorCode.PERMISSION_DENIED, GRANT_REFUSED);
  }

  /**
   * The answer is not knowable now ({@code UNAVAILABLE}), with the delay the failing store asked for
   * as {@code vgi_rpc.RetryInfo}. Not an invalid-argument error of any kind.
   *
   * @param message operator-facing text; never the credential
   * @param retryAfterSeconds the retry hint
   * @return the error
   */
  public static RpcException unavailable(String message, long retryAfterSeconds) {
    return RpcException.builder("IdentityUnavailableError", message.isEmpty() ? "identity lookup unavailable" : message)
        .code(ErrorCode.UNAVAILABLE)
        .kind(IDENTITY_UNAVAILABLE)
        .detail(ErrorDetail.RetryInfo.of(Duration.ofSeconds(retryAfterSeconds)))
        .build();
  }

  /**
   * {@return the retry hint of an {@link #unavailable} error, if the error is one}
   *
   * @param error any error a lookup raised
   */
  public static Optional<Long> retryAfterOf(RpcException error) {
    if (!error.errorKind().map(IDENTITY_UNAVAILABLE::equals).orElse(false)) {
      return Optional.empty();
    }
    return Optional.of(error.retryInfo().map(r -> (long) Math.ceil(r.retryDelaySeconds())).orElse(5L));
  }

  private static RpcException error(String type, String message, ErrorCode code, String kind) {
    return RpcException.builder(type, message).code(code).kind(kind).build();
  }
}
