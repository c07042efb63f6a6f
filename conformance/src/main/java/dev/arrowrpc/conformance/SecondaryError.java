package dev.arrowrpc.conformance;

import dev.arrowrpc.core.RpcException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An error of {@code conformance.Secondary.v1} with the full error model: a canonical code, an
 * optional kind and a detail array, all three put on the wire by the server (a detail array over
 * the 4 KiB cap is dropped whole there). It travels as a {@code StatusError}.
 */
public final class SecondaryError extends RpcException {
  private static final long serialVersionUID = 1L;

  /** The error type the reference reports for an error raised with a code. */
  public static final String ERROR_TYPE = "StatusError";

  private final String code;
  private final transient List<Map<String, Object>> details;

  /**
   * Creates the error.
   *
   * @param message developer-facing text
   * @param code one of the sixteen canonical code names
   * @param kind the reason, or empty for none
   * @param details the detail objects, in wire order, each with its {@code @type}
   */
  public SecondaryError(String message, String code, Optional<String> kind, List<Map<String, Object>> details) {
    super(RpcException.builder(ERROR_TYPE, message).codeName(code).kind(kind.orElse(null)).detailsJson(details));
    this.code = code;
    this.details = List.copyOf(details);
  }

  /** Returns the canonical code name, such as {@code UNAVAILABLE}. */
  public String code() {
    return code;
  }

  /** Returns the detail objects in wire order. */
  public List<Map<String, Object>> details() {
    return details;
  }
}
