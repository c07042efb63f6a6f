package dev.arrowrpc.core.auth;

import dev.arrowrpc.core.TransportKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import jdk.net.UnixDomainPrincipal;

/**
 * What an {@link Authenticator} sees of a request, on any transport. On HTTP the headers are the
 * request's headers; on a byte channel (Unix socket, TCP) they are the credentials the request batch
 * carries in its custom metadata (see {@link ConnectionAuth#AUTHORIZATION_KEY}, seen here as the
 * {@code authorization} header), so an authenticator reading {@code Authorization} works unchanged on
 * every transport.
 *
 * @param transport the kind of transport the request arrived on
 * @param headers the request's headers (names lower-cased), or a byte-channel request's credentials
 * @param peerAddress the peer's host address (an IP address on HTTP and TCP), or an empty string
 *     when it has none (pipes, Unix sockets)
 * @param peerCredentials the peer process's user and group, as the kernel reports them for a
 *     Unix-domain socket; empty on every other transport
 */
public record AuthRequest(TransportKind transport, Map<String, List<String>> headers, String peerAddress,
    Optional<UnixDomainPrincipal> peerCredentials) {
  /**
   * Validates the components and copies the headers, lower-casing their names.
   *
   * @param transport the kind of transport the request arrived on
   * @param headers the request's headers (names lower-cased), or a byte-channel request's credentials
   * @param peerAddress the peer's host address (an IP address on HTTP and TCP), or an empty string when it
   *     has none (pipes, Unix sockets)
   * @param peerCredentials the peer process's user and group, as the kernel reports them for a Unix-domain
   *     socket; empty on every other transport
   */
  public AuthRequest {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(peerAddress, "peerAddress");
    Objects.requireNonNull(peerCredentials, "peerCredentials");
    Map<String, List<String>> lowered = new LinkedHashMap<>();
    Objects.requireNonNull(headers, "headers").forEach((name, values) ->
        lowered.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).addAll(values));
    lowered.replaceAll((name, values) -> List.copyOf(values));
    headers = Map.copyOf(lowered);
  }

  /**
   * An HTTP request.
   *
   * @param headers the request headers
   * @param peerAddress the peer's host address, or an empty string
   * @return the request
   */
  public static AuthRequest http(Map<String, List<String>> headers, String peerAddress) {
    return new AuthRequest(TransportKind.HTTP, headers, peerAddress, Optional.empty());
  }

  /**
   * The first value of a header.
   *
   * @param name the header name, any case
   * @return the value, if the header is present
   */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }
}
