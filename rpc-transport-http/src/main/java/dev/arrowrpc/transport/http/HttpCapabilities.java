package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.RpcException;
import java.net.ProtocolException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import okhttp3.Headers;

/**
 * What an HTTP server advertises about itself in the capability headers of its responses, as
 * {@link HttpTransport#capabilities()} reads them from {@code OPTIONS {prefix}/health}. A header
 * that is absent, or whose value does not parse, reads as "not advertised": an empty optional, or
 * false.
 *
 * @param maxRequestBytes {@code VGI-Max-Request-Bytes}: the largest request body the server takes
 *     inline (a larger one is refused with 413 and can travel through an upload URL)
 * @param maxResponseBytes {@code VGI-Max-Response-Bytes}: the cap on one response body
 * @param maxExternalizedResponseBytes {@code VGI-Max-Externalized-Response-Bytes}: the cap on what
 *     one response may upload to external storage
 * @param externalizationEnabled {@code VGI-Externalization-Enabled: true}: the server has external
 *     storage for its large responses
 * @param uploadUrlSupport {@code VGI-Upload-URL-Support: true}: the server vends upload URLs
 *     ({@code __upload_url__/init}) for large requests
 * @param maxUploadBytes {@code VGI-Max-Upload-Bytes}: the largest object an upload URL takes
 * @param supportedEncodings {@code VGI-Supported-Encodings}: the lowercase content codings the server
 *     accepts on request bodies; {@code ["zstd"]} when the header is absent (servers that predate it
 *     take zstd), empty when it is present and empty
 * @param stickyEnabled {@code VGI-Sticky-Enabled: true}: the server keeps sticky sessions
 * @param stickyDefaultTtl {@code VGI-Sticky-Default-TTL}: a session's default lifetime, in seconds
 * @param stickyEchoHeaders {@code VGI-Sticky-Echo-Headers}: the names of the headers a session's
 *     client echoes back ({@code VGI-Echo-<name>} on the opening response)
 * @param acceptMaxResponseBytesSupport {@code VGI-Accept-Max-Response-Bytes-Support: true}
 * @param maxAge the {@code max-age} of the answer's {@code Cache-Control}: how long the snapshot may
 *     be reused
 */
public record HttpCapabilities(
    OptionalLong maxRequestBytes,
    OptionalLong maxResponseBytes,
    OptionalLong maxExternalizedResponseBytes,
    boolean externalizationEnabled,
    boolean uploadUrlSupport,
    OptionalLong maxUploadBytes,
    List<String> supportedEncodings,
    boolean stickyEnabled,
    OptionalLong stickyDefaultTtl,
    List<String> stickyEchoHeaders,
    boolean acceptMaxResponseBytesSupport,
    Optional<Duration> maxAge) {

  /**
   * Checks the values and copies the lists.
   *
   * @param maxRequestBytes {@code VGI-Max-Request-Bytes}: the largest request body the server takes inline (a
   *     larger one is refused with 413 and can travel through an upload URL)
   * @param maxResponseBytes {@code VGI-Max-Response-Bytes}: the cap on one response body
   * @param maxExternalizedResponseBytes {@code VGI-Max-Externalized-Response-Bytes}: the cap on what one
   *     response may upload to external storage
   * @param externalizationEnabled {@code VGI-Externalization-Enabled: true}: the server has external storage
   *     for its large responses
   * @param uploadUrlSupport {@code VGI-Upload-URL-Support: true}: the server vends upload URLs ({@code
   *     __upload_url__/init}) for large requests
   * @param maxUploadBytes {@code VGI-Max-Upload-Bytes}: the largest object an upload URL takes
   * @param supportedEncodings {@code VGI-Supported-Encodings}: the lowercase content codings the server
   *     accepts on request bodies; {@code ["zstd"]} when the header is absent (servers that predate it take
   *     zstd), empty when it is present and empty
   * @param stickyEnabled {@code VGI-Sticky-Enabled: true}: the server keeps sticky sessions
   * @param stickyDefaultTtl {@code VGI-Sticky-Default-TTL}: a session's default lifetime, in seconds
   * @param stickyEchoHeaders {@code VGI-Sticky-Echo-Headers}: the names of the headers a session's client
   *     echoes back ({@code VGI-Echo-<name>} on the opening response)
   * @param acceptMaxResponseBytesSupport {@code VGI-Accept-Max-Response-Bytes-Support: true}
   * @param maxAge the {@code max-age} of the answer's {@code Cache-Control}: how long the snapshot may be
   *     reused
   */
  public HttpCapabilities {
    Objects.requireNonNull(maxRequestBytes, "maxRequestBytes");
    Objects.requireNonNull(maxResponseBytes, "maxResponseBytes");
    Objects.requireNonNull(maxExternalizedResponseBytes, "maxExternalizedResponseBytes");
    Objects.requireNonNull(maxUploadBytes, "maxUploadBytes");
    Objects.requireNonNull(stickyDefaultTtl, "stickyDefaultTtl");
    Objects.requireNonNull(maxAge, "maxAge");
    supportedEncodings = List.copyOf(supportedEncodings);
    stickyEchoHeaders = List.copyOf(stickyEchoHeaders);
  }

  /**
   * The error for a server that does not speak the protocol as far as this client can tell: the
   * capability probe failed, the capabilities lack what the client needs, or an answer lacks what
   * every answer must carry. A {@code ProtocolError}, as the reference's client raises it, caused by
   * a {@link java.net.ProtocolException} (an {@link java.io.IOException}), by which tools such as
   * the {@code arrow-rpc} command line tell it from an error the service sent.
   */
  static RpcException notSpoken(String message) {
    return RpcException.builder("ProtocolError", message).cause(new ProtocolException(message)).build();
  }

  /** Reads the capability headers of one response. */
  static HttpCapabilities from(Headers headers) {
    return new HttpCapabilities(
        number(headers.get("VGI-Max-Request-Bytes")),
        number(headers.get("VGI-Max-Response-Bytes")),
        number(headers.get("VGI-Max-Externalized-Response-Bytes")),
        flag(headers.get("VGI-Externalization-Enabled")),
        flag(headers.get("VGI-Upload-URL-Support")),
        number(headers.get("VGI-Max-Upload-Bytes")),
        encodings(headers.get("VGI-Supported-Encodings")),
        flag(headers.get("VGI-Sticky-Enabled")),
        number(headers.get("VGI-Sticky-Default-TTL")),
        names(headers.get("VGI-Sticky-Echo-Headers")),
        flag(headers.get("VGI-Accept-Max-Response-Bytes-Support")),
        maxAge(headers.get("Cache-Control")));
  }

  private static OptionalLong number(String value) {
    if (value == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(value.strip()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Only the exact value {@code true} turns a capability on, as the reference's client reads it. */
  private static boolean flag(String value) {
    return "true".equals(value);
  }

  private static List<String> encodings(String value) {
    if (value == null) {
      return List.of("zstd");
    }
    List<String> known = new ArrayList<>();
    for (String token : value.split(",")) {
      String coding = token.strip().toLowerCase(Locale.ROOT);
      if ((coding.equals("zstd") || coding.equals("gzip") || coding.equals("identity")) && !known.contains(coding)) {
        known.add(coding);
      }
    }
    // present but naming nothing this client knows: the pre-header assumption, zstd
    return known.isEmpty() && !value.isBlank() ? List.of("zstd") : known;
  }

  private static List<String> names(String value) {
    List<String> names = new ArrayList<>();
    if (value != null) {
      for (String token : value.split(",")) {
        if (!token.isBlank()) {
          names.add(token.strip());
        }
      }
    }
    return names;
  }

  private static Optional<Duration> maxAge(String cacheControl) {
    if (cacheControl != null) {
      for (String directive : cacheControl.split(",")) {
        String d = directive.strip().toLowerCase(Locale.ROOT);
        if (d.startsWith("max-age=")) {
          try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(d.substring("max-age=".length()).strip())));
          } catch (NumberFormatException e) {
            return Optional.empty();
          }
        }
      }
    }
    return Optional.empty();
  }
}
