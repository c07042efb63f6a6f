package dev.arrowrpc.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Authenticates {@code Authorization: Bearer <token>} against a fixed set of tokens, each naming a
 * principal (authentication domain {@value #DOMAIN}). It works on every transport: over HTTP the
 * header is the request's; over a Unix socket or TCP it is the credential the request batch carries
 * (see {@link ConnectionAuth#AUTHORIZATION_KEY}). The presented token is compared with every
 * known token in constant time, so neither timing nor early exits reveal how much of a token
 * matched or which entry it was.
 */
public final class BearerTokenAuthenticator implements Authenticator {
  /** The authentication domain of the identities this authenticator returns. */
  public static final String DOMAIN = "bearer";

  private final List<Entry> entries;

  private record Entry(byte[] digest, String principal) {}

  private BearerTokenAuthenticator(List<Entry> entries) {
    this.entries = entries;
  }

  /**
   * Accepts one token.
   *
   * @param token the secret token
   * @param principal who presents it
   * @return the authenticator
   */
  public static BearerTokenAuthenticator of(String token, String principal) {
    return of(Map.of(token, principal));
  }

  /**
   * Accepts several tokens.
   *
   * @param principalsByToken each secret token and the principal presenting it
   * @return the authenticator
   */
  public static BearerTokenAuthenticator of(Map<String, String> principalsByToken) {
    if (principalsByToken.isEmpty()) {
      throw new IllegalArgumentException("a bearer authenticator needs at least one token");
    }
    List<Entry> entries = new ArrayList<>();
    principalsByToken.forEach((token, principal) -> {
      if (token.isEmpty()) {
        throw new IllegalArgumentException("a bearer token cannot be empty");
      }
      entries.add(new Entry(digest(token), principal));
    });
    return new BearerTokenAuthenticator(List.copyOf(entries));
  }

  @Override
  public Identity authenticate(AuthRequest request) throws AuthenticationException {
    Optional<String> header = request.header("Authorization");
    if (header.isEmpty()) {
      throw new AuthenticationException(AuthReason.MISSING_CREDENTIAL, "an Authorization: Bearer header is required");
    }
    String value = header.get().strip();
    if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new AuthenticationException(AuthReason.INVALID_CREDENTIAL, "the Authorization header is not a Bearer token");
    }
    // compare digests, so the comparison's length does not depend on the presented token's
    byte[] presented = digest(value.substring(7).strip());
    String principal = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(entry.digest(), presented) && principal == null) {
        principal = entry.principal();
      }
    }
    if (principal == null) {
      throw new AuthenticationException(AuthReason.INVALID_CREDENTIAL, "the bearer token is not valid");
    }
    return Identity.of(principal, DOMAIN);
  }

  @Override
  public Optional<String> challenge() {
    return Optional.of("Bearer");
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }
}
