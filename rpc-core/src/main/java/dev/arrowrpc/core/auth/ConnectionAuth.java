package dev.arrowrpc.core.auth;

import dev.arrowrpc.core.AuthUnavailableException;
import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.ErrorDetail;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.TransportKind;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates the requests of one byte-channel connection (a Unix socket, a TCP connection): the
 * transport creates one per accepted connection, knowing the peer, and the server engine asks it
 * about every request, with the request batch's custom metadata. As on HTTP, each request is
 * authenticated on its own; nothing is remembered between requests.
 *
 * <p>The request's credential travels in the request batch's custom metadata under {@value
 * #AUTHORIZATION_KEY}; the {@link Authenticator} sees it as the {@code authorization} header, so the
 * same authenticator serves HTTP and byte channels. A refusal becomes an {@link RpcException} of type
 * {@value #ERROR_TYPE} with code {@link ErrorCode#UNAUTHENTICATED} and an {@code ErrorInfo} carrying
 * the reason code ({@code reason}); an unreachable authority ({@link AuthUnavailableException})
 * becomes a retryable {@link ErrorCode#UNAVAILABLE} error with its retry hint.
 */
public final class ConnectionAuth {
  /** The request-batch metadata key a byte-channel request carries its credential under. */
  public static final String AUTHORIZATION_KEY = "arrowrpc.authorization";
  /** The header name the credential is shown to the authenticator as. */
  public static final String AUTHORIZATION_HEADER = "authorization";
  /** The error type of a refused request, as the reference names it. */
  public static final String ERROR_TYPE = "AuthenticationError";
  /** The {@code ErrorInfo} metadata key holding the refusal's {@link AuthReason#code()}. */
  public static final String REASON_KEY = "reason";

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionAuth.class);
  private static final ConnectionAuth NONE = new ConnectionAuth(Optional.empty(), TransportKind.PIPE, "",
      Optional.empty());

  private final Optional<Authenticator> authenticator;
  private final TransportKind transport;
  private final String peerAddress;
  private final Optional<UnixDomainPrincipal> peerCredentials;

  private ConnectionAuth(Optional<Authenticator> authenticator, TransportKind transport, String peerAddress,
      Optional<UnixDomainPrincipal> peerCredentials) {
    this.authenticator = authenticator;
    this.transport = transport;
    this.peerAddress = peerAddress;
    this.peerCredentials = peerCredentials;
  }

  /**
   * No authentication: every request is {@link Identity#ANONYMOUS}.
   *
   * @return the shared instance
   */
  public static ConnectionAuth none() {
    return NONE;
  }

  /**
   * Authenticates every request of a connection with an authenticator.
   *
   * @param authenticator decides who is calling
   * @param transport the connection's transport kind
   * @param peerAddress the peer's host address, or an empty string
   * @param peerCredentials the peer's Unix credentials, on a Unix-domain socket
   * @return the connection's authentication
   */
  public static ConnectionAuth of(Authenticator authenticator, TransportKind transport, String peerAddress,
      Optional<UnixDomainPrincipal> peerCredentials) {
    return new ConnectionAuth(Optional.of(Objects.requireNonNull(authenticator, "authenticator")),
        Objects.requireNonNull(transport, "transport"), Objects.requireNonNull(peerAddress, "peerAddress"),
        Objects.requireNonNull(peerCredentials, "peerCredentials"));
  }

  /**
   * Whether requests are authenticated at all.
   *
   * @return false for {@link #none()}
   */
  public boolean enabled() {
    return authenticator.isPresent();
  }

  /**
   * What the authenticator sees of a request with this metadata.
   *
   * @param requestMetadata the request batch's custom metadata
   * @return the request
   */
  public AuthRequest request(Map<String, String> requestMetadata) {
    String credential = requestMetadata.get(AUTHORIZATION_KEY);
    Map<String, List<String>> headers = credential == null
        ? Map.of() : Map.of(AUTHORIZATION_HEADER, List.of(credential));
    return new AuthRequest(transport, headers, peerAddress, peerCredentials);
  }

  /**
   * A request's metadata without its credential, as the method sees it through {@link
   * dev.arrowrpc.core.CallContext#requestMetadata()} (on HTTP the credential is a header, never
   * metadata; on a byte channel it must not reach the method either).
   *
   * @param requestMetadata the request batch's custom metadata
   * @return the same map when it carries no credential, else a copy without it
   */
  public static Map<String, String> withoutCredential(Map<String, String> requestMetadata) {
    if (!requestMetadata.containsKey(AUTHORIZATION_KEY)) {
      return requestMetadata;
    }
    Map<String, String> visible = new LinkedHashMap<>(requestMetadata);
    visible.remove(AUTHORIZATION_KEY);
    return visible;
  }

  /**
   * Decides who sent a request.
   *
   * @param requestMetadata the request batch's custom metadata (empty when it had no batch)
   * @return the caller
   * @throws RpcException an {@value #ERROR_TYPE} when the authenticator refused the request, or an
   *     {@code UNAVAILABLE} error when it could not decide
   */
  public Identity authenticate(Map<String, String> requestMetadata) {
    if (authenticator.isEmpty()) {
      return Identity.ANONYMOUS;
    }
    AuthRequest request = request(requestMetadata);
    try {
      return Objects.requireNonNull(authenticator.get().authenticate(request), "the authenticator returned null");
    } catch (AuthenticationException e) {
      LOG.warn("authentication failed on {} from {}: {} ({})", transport.label(), describePeer(), e.reason().code(),
          e.detail());
      throw refusal(e);
    } catch (AuthUnavailableException e) {
      LOG.warn("authentication unavailable on {} from {}: {}", transport.label(), describePeer(), e.getMessage());
      throw RpcException.status(ErrorCode.UNAVAILABLE, "authentication authority unavailable")
          .detail(ErrorDetail.RetryInfo.of(Duration.ofSeconds(e.retryAfterSeconds()))).build();
    }
  }

  /**
   * The error a refused byte-channel request is answered with.
   *
   * @param refusal the authenticator's refusal
   * @return an {@value #ERROR_TYPE}, code {@code UNAUTHENTICATED}, with the reason in {@code ErrorInfo}
   */
  public static RpcException refusal(AuthenticationException refusal) {
    return RpcException.builder(ERROR_TYPE, refusal.detail()).code(ErrorCode.UNAUTHENTICATED)
        .detail(new ErrorDetail.ErrorInfo(Map.of(REASON_KEY, refusal.reason().code()))).build();
  }

  private String describePeer() {
    if (!peerAddress.isEmpty()) {
      return peerAddress;
    }
    return peerCredentials.map(p -> "user " + p.user().getName()).orElse("an unnamed peer");
  }

  @Override
  public String toString() {
    return authenticator.isEmpty() ? "ConnectionAuth[none]" : "ConnectionAuth[" + transport.label() + "]";
  }
}
