package dev.arrowrpc.transport.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What an {@link Authenticator} sees of a request.
 *
 * @param method the HTTP method
 * @param path the request path
 * @param headers the request headers, names lower-cased
 * @param remoteAddress the peer's address ({@code host:port}), or an empty string
 */
public record AuthRequest(String method, String path, Map<String, List<String>> headers, String remoteAddress) {
  /** Copies the headers. */
  public AuthRequest {
    headers = Map.copyOf(headers);
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
