package dev.arrowrpc.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A call failed. On the client this is the error the server reported, with the remote exception's
 * type in the reference's (Python class-style) vocabulary, such as {@code ValueError}, {@code
 * TypeError} or {@code ProtocolError}. A server method may throw it to choose what the client sees.
 *
 * <p>Besides type and message an error carries the three layers of the error model: a canonical
 * {@linkplain #errorCode() code} (retry or not, how to show it), an open {@linkplain #errorKind()
 * kind} a client branches on, and typed {@linkplain #errorDetails() details} (retry delay, which
 * field, which resource). A server method raises a classified error with {@link #status} or {@link
 * #builder}:
 *
 * <pre>{@code
 * throw RpcException.status(ErrorCode.UNAVAILABLE, "report is being rebuilt")
 *     .kind("report_rebuilding")
 *     .detail(ErrorDetail.RetryInfo.of(Duration.ofSeconds(30)))
 *     .build();
 * }</pre>
 *
 * <p>{@link #isRetryable()} classifies; nothing retries automatically, because a method may not be
 * idempotent.
 */
public class RpcException extends RuntimeException {
  private static final long serialVersionUID = 2L;

  /** The error type in the reference's vocabulary, for example {@code ValueError}. */
  private final String errorType;
  /** The error message, without the type prefix. */
  private final String errorMessage;
  /** The server's traceback, or an empty string. */
  private final String remoteTraceback;
  /** The request id, or an empty string. */
  private final String requestId;
  /** The stable error token, or null when the error has none. */
  private final String errorKind;
  /** The canonical code as sent, or an empty string when the error has none. */
  private final String errorCode;
  /** Every detail as its JSON object, in order (never modified: handed out read-only). */
  private final ArrayList<Map<String, Object>> details;

  /**
   * Creates an error with a type and a message (code {@link ErrorCode#UNKNOWN}, no kind).
   *
   * @param errorType the error type, for example {@code ValueError}
   * @param errorMessage the message
   */
  public RpcException(String errorType, String errorMessage) {
    this(errorType, errorMessage, "", "", null);
  }

  /**
   * Creates an error as received from a server. A well-known framework kind (such as {@code
   * method_not_implemented}) brings its code; any other kind leaves the code unset.
   *
   * @param errorType the error type, for example {@code ValueError}
   * @param errorMessage the message
   * @param remoteTraceback the server's traceback (empty when unknown)
   * @param requestId the request id the server assigned (empty when unknown)
   * @param errorKind the stable error token, or null
   */
  public RpcException(
      String errorType,
      String errorMessage,
      String remoteTraceback,
      String requestId,
      String errorKind) {
    this(builder(errorType, errorMessage).remoteTraceback(remoteTraceback).requestId(requestId)
        .kind(errorKind));
  }

  /**
   * Creates an error from a builder (for subclasses; others call {@link Builder#build()}).
   *
   * @param builder the error's parts
   */
  @SuppressWarnings("this-escape") // Throwable's initCause: a cause-less error must still take one later
  protected RpcException(Builder builder) {
    super(builder.errorType + ": " + builder.errorMessage);
    if (builder.cause != null) {
      initCause(builder.cause);
    }
    this.errorType = builder.errorType;
    this.errorMessage = builder.errorMessage;
    this.remoteTraceback = builder.remoteTraceback;
    this.requestId = builder.requestId;
    this.errorKind = builder.errorKind;
    this.errorCode = builder.errorCode != null ? builder.errorCode
        : ErrorCode.ofKind(builder.errorKind).map(ErrorCode::name).orElse("");
    this.details = new ArrayList<>(builder.details);
  }

  /**
   * Starts an error of a type.
   *
   * @param errorType the error type, for example {@code ValueError}
   * @param errorMessage the (developer-facing) message
   * @return a builder
   */
  public static Builder builder(String errorType, String errorMessage) {
    return new Builder(errorType, errorMessage);
  }

  /**
   * Starts a classified error of type {@code StatusError} (the reference's name for an application
   * error that chooses its code, kind and details).
   *
   * @param code the canonical code
   * @param errorMessage the (developer-facing) message
   * @return a builder
   */
  public static Builder status(ErrorCode code, String errorMessage) {
    return new Builder("StatusError", errorMessage).code(code);
  }

  /** {@return the error type, for example {@code ValueError}} */
  public String errorType() {
    return errorType;
  }

  /** {@return the error message (without the type prefix)} */
  public String errorMessage() {
    return errorMessage;
  }

  /** {@return the server's traceback, or an empty string (unknown, or the server omits them)} */
  public String remoteTraceback() {
    return remoteTraceback;
  }

  /** {@return the request id, or an empty string} */
  public String requestId() {
    return requestId;
  }

  /** {@return the stable error token (such as {@code method_not_implemented}), if any} */
  public Optional<String> errorKind() {
    return Optional.ofNullable(errorKind);
  }

  /**
   * {@return the canonical code: {@link ErrorCode#UNKNOWN} when the error has none or the server sent
   * a value outside the sixteen}
   */
  public ErrorCode errorCode() {
    return ErrorCode.parse(errorCode);
  }

  /**
   * {@return the code as sent: empty when the error has none (a server older than the error model),
   * which is a different answer from {@code "UNKNOWN"}}
   */
  public String errorCodeName() {
    return errorCode;
  }

  /**
   * {@return every detail, in order: catalog entries typed, anything else (unknown types, malformed
   * entries) as {@link ErrorDetail.Unknown}}
   */
  public List<ErrorDetail> errorDetails() {
    return details.stream().map(ErrorDetail::fromJson).toList();
  }

  /** {@return every detail as its JSON object, in order, exactly as carried} */
  public List<Map<String, Object>> errorDetailsJson() {
    return Collections.unmodifiableList(details);
  }

  /** {@return the details this client understands (the catalog), in order; the rest are skipped} */
  public List<ErrorDetail> knownDetails() {
    return errorDetails().stream().filter(d -> !(d instanceof ErrorDetail.Unknown)).toList();
  }

  /**
   * Returns the first detail of a catalog type.
   *
   * @param <T> the type
   * @param type for example {@code ErrorDetail.RetryInfo.class}
   * @return the detail, if present and well-formed
   */
  public <T extends ErrorDetail> Optional<T> detail(Class<T> type) {
    return errorDetails().stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  /** {@return the {@code vgi_rpc.RetryInfo} detail, if present} */
  public Optional<ErrorDetail.RetryInfo> retryInfo() {
    return detail(ErrorDetail.RetryInfo.class);
  }

  /** {@return the {@code vgi_rpc.ErrorInfo} detail, if present} */
  public Optional<ErrorDetail.ErrorInfo> errorInfo() {
    return detail(ErrorDetail.ErrorInfo.class);
  }

  /** {@return the {@code vgi_rpc.BadRequest} detail, if present} */
  public Optional<ErrorDetail.BadRequest> badRequest() {
    return detail(ErrorDetail.BadRequest.class);
  }

  /** {@return the {@code vgi_rpc.PreconditionFailure} detail, if present} */
  public Optional<ErrorDetail.PreconditionFailure> preconditionFailure() {
    return detail(ErrorDetail.PreconditionFailure.class);
  }

  /** {@return the {@code vgi_rpc.QuotaFailure} detail, if present} */
  public Optional<ErrorDetail.QuotaFailure> quotaFailure() {
    return detail(ErrorDetail.QuotaFailure.class);
  }

  /** {@return the {@code vgi_rpc.ResourceInfo} detail, if present} */
  public Optional<ErrorDetail.ResourceInfo> resourceInfo() {
    return detail(ErrorDetail.ResourceInfo.class);
  }

  /** {@return the {@code vgi_rpc.Help} detail, if present} */
  public Optional<ErrorDetail.Help> help() {
    return detail(ErrorDetail.Help.class);
  }

  /** {@return the {@code vgi_rpc.LocalizedMessage} detail, if present} */
  public Optional<ErrorDetail.LocalizedMessage> localizedMessage() {
    return detail(ErrorDetail.LocalizedMessage.class);
  }

  /**
   * {@return whether retrying this call is warranted: {@code UNAVAILABLE} always, {@code RESOURCE_EXHAUSTED}
   * only with a {@link #retryInfo() RetryInfo} (whose delay a retry waits at least)} Everything
   * else is final; {@code ABORTED} means retrying the whole operation at a higher level, not this
   * call.
   */
  public boolean isRetryable() {
    return isRetryable(errorCode(), errorDetails());
  }

  /**
   * The retryability rule (WIRE_PROTOCOL.md §8) for a code and details.
   *
   * @param code the canonical code
   * @param details the details
   * @return whether a retry of the call is warranted
   */
  public static boolean isRetryable(ErrorCode code, List<? extends ErrorDetail> details) {
    return switch (code) {
      case UNAVAILABLE -> true;
      case RESOURCE_EXHAUSTED -> details.stream().anyMatch(d -> d instanceof ErrorDetail.RetryInfo);
      default -> false;
    };
  }

  /**
   * The parts of an {@link RpcException}. Details added with {@link #detail} are checked as they are
   * added, so a broken list fails in the code that made it rather than being dropped on the way out.
   */
  public static final class Builder {
    private final String errorType;
    private final String errorMessage;
    private String remoteTraceback = "";
    private String requestId = "";
    private String errorKind;
    private String errorCode;
    private Throwable cause;
    private final List<Map<String, Object>> details = new ArrayList<>();
    private final Set<String> detailTypes = new HashSet<>();

    private Builder(String errorType, String errorMessage) {
      this.errorType = Objects.requireNonNull(errorType, "errorType");
      this.errorMessage = errorMessage == null ? "" : errorMessage;
    }

    /**
     * Sets the canonical code.
     *
     * @param code the code
     * @return this builder
     */
    public Builder code(ErrorCode code) {
      this.errorCode = code.name();
      return this;
    }

    /**
     * Sets the code as received, unchecked (a client keeps what the server sent).
     *
     * @param code the {@code vgi_rpc.error_code} value; empty or null when absent
     * @return this builder
     */
    public Builder codeName(String code) {
      this.errorCode = code == null ? "" : code;
      return this;
    }

    /**
     * Sets the kind: the reason a client branches on, unique within the raising protocol. A
     * well-known framework kind brings its code unless one is set.
     *
     * @param kind the kind; null or empty for none
     * @return this builder
     */
    public Builder kind(String kind) {
      this.errorKind = kind == null || kind.isEmpty() ? null : kind;
      return this;
    }

    /**
     * Adds a detail, checking the catalog rules: each type at most once, a {@code vgi_rpc.} type
     * only from the catalog, any other type qualified (under the protocol's name).
     *
     * @param detail the detail
     * @return this builder
     * @throws IllegalArgumentException when the detail breaks a rule
     */
    public Builder detail(ErrorDetail detail) {
      String type = detail.type();
      if (type.isEmpty()) {
        throw new IllegalArgumentException("an error detail must name its type in '@type'");
      }
      if (type.startsWith(ErrorDetail.RESERVED_PREFIX) && !ErrorDetail.CATALOG.contains(type)) {
        throw new IllegalArgumentException("'" + type + "' claims the reserved 'vgi_rpc.' prefix"
            + " but is not in the catalog; a protocol's own detail types live under its name");
      }
      if (type.indexOf('.') < 0) {
        throw new IllegalArgumentException("'" + type + "' is not qualified; a protocol's own detail"
            + " types live under its name");
      }
      if (!detailTypes.add(type)) {
        throw new IllegalArgumentException("error detail type '" + type + "' appears more than once");
      }
      details.add(detail.toJson());
      return this;
    }

    /**
     * Adds details, as {@link #detail} does.
     *
     * @param more the details
     * @return this builder
     */
    public Builder details(Collection<? extends ErrorDetail> more) {
      more.forEach(this::detail);
      return this;
    }

    /**
     * Sets the details as received, unchecked: every object, in order, unknown types included.
     *
     * @param received the decoded detail objects
     * @return this builder
     */
    public Builder detailsJson(List<? extends Map<String, ?>> received) {
      details.clear();
      detailTypes.clear();
      for (Map<String, ?> item : received) {
        details.add(Collections.unmodifiableMap(new LinkedHashMap<>(item)));
      }
      return this;
    }

    /**
     * Sets the server's traceback (clients).
     *
     * @param traceback the traceback; null or empty when unknown
     * @return this builder
     */
    public Builder remoteTraceback(String traceback) {
      this.remoteTraceback = traceback == null ? "" : traceback;
      return this;
    }

    /**
     * Sets the request id (clients).
     *
     * @param id the request id; null or empty when unknown
     * @return this builder
     */
    public Builder requestId(String id) {
      this.requestId = id == null ? "" : id;
      return this;
    }

    /**
     * Sets the cause, reported in the traceback's {@code cause} on the wire.
     *
     * @param cause the cause, or null
     * @return this builder
     */
    public Builder cause(Throwable cause) {
      this.cause = cause;
      return this;
    }

    /**
     * Builds the error.
     *
     * @return the error, ready to throw
     */
    public RpcException build() {
      return new RpcException(this);
    }
  }
}
