package dev.arrowrpc.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The behaviour of {@code conformance.Secondary.v1}: an echo that prefixes its reply, and two
 * methods that always fail with a chosen error-model shape, so a client's handling of codes, kinds
 * and each kind of detail can be asserted exactly.
 */
public final class SecondaryServiceImpl implements SecondaryService {
  /** What {@code echo_string} prepends. */
  public static final String ECHO_PREFIX = "secondary:";

  /** The kind {@code fail} answers with for a code outside the canonical set. */
  public static final String INVALID_CODE_KIND = "invalid_code";

  /** The kind {@code fail_oversized} raises. */
  public static final String OVERSIZED_KIND = "details_oversized";

  /** How many bytes of padding the oversized detail array carries (over the cap on its own). */
  public static final int OVERSIZED_PADDING_BYTES = 5000;

  /** The sixteen canonical code names (gRPC's, without OK). */
  public static final Set<String> CODES = Set.of(
      "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
      "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED");

  @Override
  public String echo_string(String value) {
    return ECHO_PREFIX + value;
  }

  /**
   * Fails with {@code code} and {@code kind} (absent when empty) and the details of {@link
   * #failDetails}; a code outside {@link #CODES} fails with INVALID_ARGUMENT / {@value
   * #INVALID_CODE_KIND} and a BadRequest naming the field instead.
   */
  @Override
  public void fail(String code, String kind, double retry_delay_seconds) {
    if (!CODES.contains(code)) {
      Map<String, Object> violation = new LinkedHashMap<>();
      violation.put("field", "code");
      violation.put("description", "must be a canonical code name");
      throw new SecondaryError("'" + code + "' is not a canonical error code", "INVALID_ARGUMENT",
          Optional.of(INVALID_CODE_KIND), List.of(detail("vgi_rpc.BadRequest", "field_violations", List.of(violation))));
    }
    throw new SecondaryError((PROTOCOL_NAME + " fail: " + code + " " + kind).stripTrailing(), code,
        kind.isEmpty() ? Optional.empty() : Optional.of(kind), failDetails(retry_delay_seconds));
  }

  /**
   * Fails with RESOURCE_EXHAUSTED / {@value #OVERSIZED_KIND}: a small RetryInfo first, then an
   * ErrorInfo padded past the 4 KiB cap, so a server that drops only the element that does not fit
   * (rather than the whole array) is caught.
   */
  @Override
  public void fail_oversized() {
    throw new SecondaryError(PROTOCOL_NAME + " fail_oversized: details exceed 4 KiB", "RESOURCE_EXHAUSTED",
        Optional.of(OVERSIZED_KIND), List.of(retryInfo(1),
            detail("vgi_rpc.ErrorInfo", "metadata", Map.of("padding", "x".repeat(OVERSIZED_PADDING_BYTES)))));
  }

  /**
   * The details {@code fail} sends, in wire order: an ErrorInfo naming the fixture, a RetryInfo
   * only when the delay is positive, and a detail type no client knows.
   *
   * @param retryDelaySeconds the delay the caller passed
   * @return the detail objects
   */
  public static List<Map<String, Object>> failDetails(double retryDelaySeconds) {
    List<Map<String, Object>> details = new ArrayList<>();
    details.add(detail("vgi_rpc.ErrorInfo", "metadata", Map.of("fixture", PROTOCOL_NAME)));
    if (retryDelaySeconds > 0) {
      details.add(retryInfo(retryDelaySeconds));
    }
    details.add(detail(PROTOCOL_NAME + ".Probe", "note", "clients ignore detail types they do not know"));
    return details;
  }

  /** A RetryInfo; a whole number of seconds is written as an integer ({@code 7}, not {@code 7.0}). */
  private static Map<String, Object> retryInfo(double seconds) {
    boolean whole = seconds == Math.rint(seconds) && Math.abs(seconds) < 0x1p63;
    return detail("vgi_rpc.RetryInfo", "retry_delay_seconds", whole ? (Object) (long) seconds : (Object) seconds);
  }

  private static Map<String, Object> detail(String type, String field, Object value) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("@type", type);
    detail.put(field, value);
    return detail;
  }
}
