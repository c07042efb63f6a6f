package dev.arrowrpc.core.server;

import java.util.Objects;
import java.util.Optional;

/**
 * Who is calling, as a transport's authentication established it.
 *
 * @param principal the authenticated principal, or empty for an anonymous caller
 * @param domain the authentication domain (for example {@code bearer}), empty when anonymous
 */
public record Identity(Optional<String> principal, String domain) {
  /** An unauthenticated caller. */
  public static final Identity ANONYMOUS = new Identity(Optional.empty(), "");

  /** Validates the components. */
  public Identity {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(domain, "domain");
  }

  /** An authenticated caller. */
  public static Identity of(String principal, String domain) {
    return new Identity(Optional.of(principal), domain);
  }
}
