package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.auth.AuthReason;
import dev.arrowrpc.core.auth.AuthenticationException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy-proof precondition of a worker in {@code allow} or {@code require} mode. It is not an
 * {@link dev.arrowrpc.core.auth.Authenticator} and cannot be chained as one: it runs before the
 * authenticator, and in {@code require} mode a failure refuses the request without the
 * authenticator being consulted —
 * an AND, never an alternative credential.
 *
 * <p>Every failure is refused identically: reason {@link AuthReason#PROXY_REQUIRED} and one fixed
 * detail. The verifier's diagnosis (which may depend on the key id the caller chose) goes to the
 * log only.
 */
final class ProxyProofGate {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyProofGate.class);
  /** The one detail every refusal carries. */
  static final String DETAIL = "proxy proof required";

  private final ProxyProofMode mode;
  private final ProxyProofVerifier verifier;

  ProxyProofGate(ProxyProofConfig config) {
    this(config.mode(), new ProxyProofVerifier(config));
  }

  ProxyProofGate(ProxyProofMode mode, ProxyProofVerifier verifier) {
    if (mode == ProxyProofMode.OFF) {
      throw new IllegalArgumentException("an off proxy-proof configuration installs no gate");
    }
    this.mode = mode;
    this.verifier = verifier;
  }

  /** Whether a failure refuses the request. */
  boolean required() {
    return mode == ProxyProofMode.REQUIRE;
  }

  /**
   * Checks a request's proof.
   *
   * @param headerValues every instance of {@value ProxyProof#HEADER}
   * @param remoteAddress the peer, for the log
   * @return the attribution when the proof verified; empty in allow mode when it did not
   * @throws AuthenticationException in require mode when the proof did not verify
   */
  Optional<ProxyProofVerifier.Attribution> check(List<String> headerValues, String remoteAddress)
      throws AuthenticationException {
    try {
      return Optional.of(verifier.verify(headerValues));
    } catch (ProxyProofException e) {
      LOG.warn("proxy proof rejected from {}: {} ({})", remoteAddress, e.failure().code(), e.getMessage());
      if (required()) {
        throw new AuthenticationException(AuthReason.PROXY_REQUIRED, DETAIL);
      }
      return Optional.empty();
    }
  }
}
