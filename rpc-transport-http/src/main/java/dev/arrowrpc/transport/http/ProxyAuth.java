package dev.arrowrpc.transport.http;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * What a server's authentication owes to a reverse proxy: the proxy-proof gate, if one is
 * installed, and the headers a proxy must add for any request to authenticate (docs/
 * unauthorized-spec.md §5). When there are such headers, every 401 carries {@code
 * VGI-Auth-Proxy-Required: true} and a {@code proxy_hint} naming them — derived from this
 * configuration, never from what failed on the request.
 *
 * @param gate the proxy-proof gate
 * @param noteHeaders the headers the proxy must set (a require-mode gate's header included)
 */
record ProxyAuth(Optional<ProxyProofGate> gate, List<String> noteHeaders) {
  /** No gate and no proxy dependency. */
  static final ProxyAuth NONE = new ProxyAuth(Optional.empty(), List.of());

  /** Copies the list. */
  ProxyAuth {
    noteHeaders = List.copyOf(noteHeaders);
  }

  /**
   * Combines a gate with headers the operator declared for an authenticator of their own.
   *
   * @param gate the gate, if any
   * @param declared the declared headers
   * @return the configuration
   */
  static ProxyAuth of(Optional<ProxyProofGate> gate, List<String> declared) {
    LinkedHashSet<String> headers = new LinkedHashSet<>();
    // only require mode can refuse, so only then may a 401 be the proxy's fault
    gate.filter(ProxyProofGate::required).ifPresent(g -> headers.add(ProxyProof.HEADER));
    headers.addAll(declared);
    return new ProxyAuth(gate, new ArrayList<>(headers));
  }

  /** Whether the capability header {@value ProxyProof#REQUIRED_HEADER} is advertised. */
  boolean proofRequired() {
    return gate.filter(ProxyProofGate::required).isPresent();
  }

  /** The note for a human reading a 401, when authentication depends on a proxy. */
  Optional<String> hint() {
    if (noteHeaders.isEmpty()) {
      return Optional.empty();
    }
    boolean one = noteHeaders.size() == 1;
    return Optional.of("This service accepts only requests that come through its reverse proxy, which must add "
        + (one ? "the " : "the headers ") + String.join(", ", noteHeaders) + (one ? " header" : "") + ". A 401 "
        + "here is at least as likely to mean the proxy is not adding " + (one ? "it" : "them")
        + ", or the request bypassed the proxy, as a bad credential: check the proxy's configuration before "
        + "rotating credentials.");
  }
}
