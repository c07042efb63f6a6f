package dev.arrowrpc.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.ErrorDetail.BadRequest;
import dev.arrowrpc.core.ErrorDetail.ErrorInfo;
import dev.arrowrpc.core.ErrorDetail.FieldViolation;
import dev.arrowrpc.core.ErrorDetail.Help;
import dev.arrowrpc.core.ErrorDetail.HelpLink;
import dev.arrowrpc.core.ErrorDetail.LocalizedMessage;
import dev.arrowrpc.core.ErrorDetail.PreconditionFailure;
import dev.arrowrpc.core.ErrorDetail.PreconditionViolation;
import dev.arrowrpc.core.ErrorDetail.QuotaFailure;
import dev.arrowrpc.core.ErrorDetail.QuotaViolation;
import dev.arrowrpc.core.ErrorDetail.ResourceInfo;
import dev.arrowrpc.core.ErrorDetail.RetryInfo;
import dev.arrowrpc.core.ErrorDetail.Unknown;
import dev.arrowrpc.core.ErrorDetail;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.StandardErrors;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The error model's wire forms: codes, the detail catalog, the emission rules (cap, uniqueness,
 * catalog), the EXCEPTION batch layout and its mirror, and the client's reading of it. Vectors are
 * those of MULTI_PROTOCOL_HOSTING.md §3.
 */
class ErrorModelTest {
  private static final String FIXTURE = "conformance.Secondary.v1";
  private static final String PROBE = "conformance.Secondary.v1.Probe";

  /** The exception the fixture's {@code fail(code, kind, delay)} raises. */
  private static RpcException fail(ErrorCode code, String kind, double delay) {
    RpcException.Builder b = RpcException.status(code, "fail(" + code + ")").kind(kind)
        .detail(new ErrorInfo(Map.of("fixture", FIXTURE)));
    if (delay > 0) {
      b.detail(new RetryInfo(delay));
    }
    return b.detail(Unknown.of(PROBE, Map.of("note", "clients ignore detail types they do not know")))
        .build();
  }

  private static Map<String, Object> extra(Map<String, String> metadata) {
    @SuppressWarnings("unchecked")
    Map<String, Object> extra = (Map<String, Object>) Json.parse(metadata.get(MetadataKeys.LOG_EXTRA));
    return extra;
  }

  private static RpcException received(Map<String, String> metadata) {
    return assertInstanceOf(LogBatches.Error.class, LogBatches.classify(0, metadata)).error();
  }

  // ---- codes ----

  @Test
  void theCodesAreGrpcsSixteenByName() {
    assertEquals(16, ErrorCode.values().length);
    assertTrue(Arrays.stream(ErrorCode.values()).noneMatch(c -> c.name().equals("OK")));
    for (ErrorCode code : ErrorCode.values()) {
      assertEquals(code, ErrorCode.parse(code.name()));
    }
    for (String raw : Arrays.asList(null, "", "OK", "unavailable", "14", "NOT_A_CODE")) {
      assertEquals(ErrorCode.UNKNOWN, ErrorCode.parse(raw), String.valueOf(raw));
      assertEquals(Optional.empty(), ErrorCode.lookup(raw));
    }
  }

  // ---- the catalog ----

  @Test
  void eachCatalogTypeHasItsJsonFormAndReadsBack() {
    Map<ErrorDetail, String> samples = new LinkedHashMap<>();
    samples.put(new ErrorInfo(Map.of("k", "v")), "{\"@type\":\"vgi_rpc.ErrorInfo\",\"metadata\":{\"k\":\"v\"}}");
    samples.put(new RetryInfo(7), "{\"@type\":\"vgi_rpc.RetryInfo\",\"retry_delay_seconds\":7}");
    samples.put(new RetryInfo(2.5), "{\"@type\":\"vgi_rpc.RetryInfo\",\"retry_delay_seconds\":2.5}");
    samples.put(new BadRequest(List.of(new FieldViolation("code", "bad"))),
        "{\"@type\":\"vgi_rpc.BadRequest\",\"field_violations\":[{\"field\":\"code\",\"description\":\"bad\"}]}");
    samples.put(new PreconditionFailure(List.of(new PreconditionViolation("t", "s", "d"))),
        "{\"@type\":\"vgi_rpc.PreconditionFailure\",\"violations\":[{\"type\":\"t\",\"subject\":\"s\",\"description\":\"d\"}]}");
    samples.put(new QuotaFailure(List.of(new QuotaViolation("s", "d"))),
        "{\"@type\":\"vgi_rpc.QuotaFailure\",\"violations\":[{\"subject\":\"s\",\"description\":\"d\"}]}");
    samples.put(new ResourceInfo("report", "r1", "o", "d"),
        "{\"@type\":\"vgi_rpc.ResourceInfo\",\"resource_type\":\"report\",\"resource_name\":\"r1\","
            + "\"owner\":\"o\",\"description\":\"d\"}");
    samples.put(new Help(List.of(new HelpLink("docs", "https://example.com"))),
        "{\"@type\":\"vgi_rpc.Help\",\"links\":[{\"description\":\"docs\",\"url\":\"https://example.com\"}]}");
    samples.put(new LocalizedMessage("en-US", "Try later"),
        "{\"@type\":\"vgi_rpc.LocalizedMessage\",\"locale\":\"en-US\",\"message\":\"Try later\"}");
    samples.forEach((detail, wire) -> {
      assertEquals(wire, Json.writeCompact(detail.toJson()));
      @SuppressWarnings("unchecked")
      Map<String, Object> parsed = (Map<String, Object>) Json.parse(wire);
      assertEquals(detail, ErrorDetail.fromJson(parsed), wire);
    });
    assertEquals(ErrorDetail.CATALOG.size(), 8);
    assertEquals(Duration.ofSeconds(30), RetryInfo.of(Duration.ofSeconds(30)).retryDelay());
    assertThrows(IllegalArgumentException.class, () -> new RetryInfo(-1));
    assertThrows(IllegalArgumentException.class, () -> new RetryInfo(Double.NaN));
  }

  @Test
  void absentStringAndArrayFieldsReadAsEmpty() {
    assertEquals(new ResourceInfo("", "", "", ""),
        ErrorDetail.fromJson(Map.of("@type", "vgi_rpc.ResourceInfo")));
    assertEquals(new BadRequest(List.of()), ErrorDetail.fromJson(Map.of("@type", "vgi_rpc.BadRequest")));
    assertEquals(new ErrorInfo(Map.of()), ErrorDetail.fromJson(Map.of("@type", "vgi_rpc.ErrorInfo")));
  }

  @Test
  void unknownAndMalformedDetailsReadAsUnknownKeepingTheirObject() {
    List<Map<String, Object>> objects = List.of(
        Map.of("@type", PROBE),
        Map.of("@type", "vgi_rpc.RetryInfo", "retry_delay_seconds", "soon"),
        Map.of("@type", "vgi_rpc.RetryInfo", "retry_delay_seconds", -1L),
        Map.of("@type", "vgi_rpc.RetryInfo", "retry_delay_seconds", true),
        Map.of("@type", "vgi_rpc.ErrorInfo", "metadata", Map.of("k", 1L)),
        Map.of("@type", "vgi_rpc.BadRequest", "field_violations", List.of("x")),
        Map.of("no", "type"));
    for (Map<String, Object> object : objects) {
      Unknown unknown = assertInstanceOf(Unknown.class, ErrorDetail.fromJson(object), object.toString());
      assertEquals(object, unknown.json());
      assertEquals(object.getOrDefault("@type", ""), unknown.type());
    }
  }

  // ---- emission rules ----

  @Test
  void v1TheFixturesDetailsInTheirCompactForm() {
    String expected = "[{\"@type\":\"vgi_rpc.ErrorInfo\",\"metadata\":{\"fixture\":\"conformance.Secondary.v1\"}},"
        + "{\"@type\":\"vgi_rpc.RetryInfo\",\"retry_delay_seconds\":7},"
        + "{\"@type\":\"conformance.Secondary.v1.Probe\",\"note\":\"clients ignore detail types they do not know\"}]";
    String encoded = ErrorDetailsCodec.encode(fail(ErrorCode.UNAVAILABLE, "backend_down", 7).errorDetailsJson())
        .orElseThrow();
    assertEquals(expected, encoded);
    assertEquals(232, encoded.getBytes(StandardCharsets.UTF_8).length);
  }

  private static List<Map<String, Object>> padded(int n) {
    return List.of(new ErrorInfo(Map.of("p", "x".repeat(n))).toJson());
  }

  @Test
  void v5TheCapIsInclusiveAndMeasuredInUtf8Bytes() {
    assertEquals(51 + 10, ErrorDetailsCodec.encode(padded(10)).orElseThrow().length());
    String exact = ErrorDetailsCodec.encode(padded(4045)).orElseThrow();
    assertEquals(4096, exact.getBytes(StandardCharsets.UTF_8).length);
    assertEquals(Optional.empty(), ErrorDetailsCodec.encode(padded(4046)));
    String accents = "\u00e9".repeat(2048);
    assertEquals(Optional.empty(),
        ErrorDetailsCodec.encode(List.of(new LocalizedMessage("fr", accents).toJson())));
    assertEquals(Optional.empty(), ErrorDetailsCodec.encode(List.of()));
  }

  @Test
  void v6RuleViolationsAreDroppedAtEmission() {
    List<List<Map<String, Object>>> broken = List.of(
        List.of(new RetryInfo(1).toJson(), new RetryInfo(2).toJson()),
        List.of(Map.of("@type", "vgi_rpc.Made.Up")),
        List.of(Map.of("@type", "Unqualified")),
        List.of(Map.of("note", "no type")));
    for (List<Map<String, Object>> details : broken) {
      assertEquals(Optional.empty(), ErrorDetailsCodec.encode(details), details.toString());
    }
    assertTrue(ErrorDetailsCodec.encode(List.of(Map.of("@type", PROBE))).isPresent());
  }

  @Test
  void theBuilderChecksTheRulesEagerly() {
    RpcException.Builder twice = RpcException.status(ErrorCode.INTERNAL, "x").detail(new RetryInfo(1));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> twice.detail(new RetryInfo(2)))
        .getMessage().contains("more than once"));
    RpcException.Builder b = RpcException.status(ErrorCode.INTERNAL, "x");
    assertThrows(IllegalArgumentException.class, () -> b.detail(Unknown.of("vgi_rpc.Made.Up", Map.of())));
    assertThrows(IllegalArgumentException.class, () -> b.detail(Unknown.of("Unqualified", Map.of())));
    assertThrows(IllegalArgumentException.class, () -> b.detail(new Unknown("", Map.of("note", "x"))));
  }

  // ---- the EXCEPTION batch ----

  @Test
  void v1CodeKindAndDetailsRideTopLevelAndInTheMirror() {
    Map<String, String> md = LogBatches.error(fail(ErrorCode.UNAVAILABLE, "backend_down", 7), "s", "r");
    assertEquals("EXCEPTION", md.get(MetadataKeys.LOG_LEVEL));
    assertEquals("StatusError: fail(UNAVAILABLE)", md.get(MetadataKeys.LOG_MESSAGE));
    assertEquals("UNAVAILABLE", md.get(MetadataKeys.ERROR_CODE));
    assertEquals("backend_down", md.get(MetadataKeys.ERROR_KIND));
    Object top = Json.parse(md.get(MetadataKeys.ERROR_DETAILS));
    Map<String, Object> extra = extra(md);
    assertEquals("StatusError", extra.get("exception_type"));
    assertEquals("fail(UNAVAILABLE)", extra.get("exception_message"));
    assertEquals("UNAVAILABLE", extra.get("error_code"));
    assertEquals("backend_down", extra.get("error_kind"));
    assertInstanceOf(List.class, extra.get("error_details"));
    assertEquals(top, extra.get("error_details"));
    assertEquals(3, ((List<?>) top).size());
    assertFalse(((String) extra.get("traceback")).isEmpty());
    assertInstanceOf(List.class, extra.get("frames"));
  }

  @Test
  void v2NoKindMeansNoKindKey() {
    Map<String, String> md = LogBatches.error(fail(ErrorCode.ABORTED, "", 0), "s", "r");
    assertEquals("ABORTED", md.get(MetadataKeys.ERROR_CODE));
    assertFalse(md.containsKey(MetadataKeys.ERROR_KIND));
    assertFalse(extra(md).containsKey("error_kind"));
    RpcException e = received(md);
    assertEquals(Optional.empty(), e.errorKind());
    assertEquals(List.of(ErrorInfo.TYPE, PROBE), e.errorDetails().stream().map(ErrorDetail::type).toList());
    assertFalse(e.isRetryable());
  }

  @Test
  void v4OversizedDetailsAreDroppedFromBothPlacesAndCodeAndKindStay() {
    RpcException oversized = RpcException.status(ErrorCode.RESOURCE_EXHAUSTED, "too big")
        .kind("details_oversized")
        .detail(new RetryInfo(1))
        .detail(new ErrorInfo(Map.of("padding", "x".repeat(5000))))
        .build();
    Map<String, String> md = LogBatches.error(oversized, "s", "r");
    assertFalse(md.containsKey(MetadataKeys.ERROR_DETAILS));
    assertFalse(extra(md).containsKey("error_details"));
    assertEquals("RESOURCE_EXHAUSTED", md.get(MetadataKeys.ERROR_CODE));
    assertEquals("details_oversized", md.get(MetadataKeys.ERROR_KIND));
    RpcException e = received(md);
    assertEquals(List.of(), e.errorDetails());
    assertFalse(e.isRetryable());
  }

  @Test
  void v8EveryFrameworkKindCarriesItsCode() {
    Map<Supplier<RpcException>, String[]> table = new LinkedHashMap<>();
    table.put(() -> StandardErrors.methodNotImplemented("m"),
        new String[] {"method_not_implemented", "UNIMPLEMENTED", "MethodNotImplementedError"});
    table.put(() -> StandardErrors.protocolNotSupported("m"),
        new String[] {"protocol_not_supported", "UNIMPLEMENTED", "ProtocolNotSupportedError"});
    table.put(() -> StandardErrors.protocolNotSpecified("m"),
        new String[] {"protocol_not_specified", "INVALID_ARGUMENT", "ProtocolNotSpecifiedError"});
    table.put(() -> StandardErrors.protocolVersionMismatch("m", "p.v1", "1.0.0", "2.0.0"),
        new String[] {"protocol_version_mismatch", "FAILED_PRECONDITION", "ProtocolVersionError"});
    table.put(() -> StandardErrors.sessionLost("m"), new String[] {"session_lost", "ABORTED", "SessionLostError"});
    table.put(() -> StandardErrors.serverDraining("m", Duration.ofSeconds(1)),
        new String[] {"server_draining", "UNAVAILABLE", "ServerDrainingError"});
    table.put(() -> StandardErrors.identityUnavailable("m", Duration.ofSeconds(5)),
        new String[] {"identity_unavailable", "UNAVAILABLE", "IdentityUnavailableError"});
    table.put(() -> StandardErrors.staleAuth("m"), new String[] {"stale_auth", "UNAUTHENTICATED", "StaleAuthError"});
    table.put(() -> StandardErrors.introspectionRefused("m"),
        new String[] {"introspection_refused", "PERMISSION_DENIED", "IntrospectionRefusedError"});
    table.put(() -> StandardErrors.grantRefused("m"),
        new String[] {"grant_refused", "PERMISSION_DENIED", "GrantRefusedError"});
    table.put(() -> StandardErrors.tokenUnresolved("m"),
        new String[] {"token_unresolved", "NOT_FOUND", "TokenUnresolvedError"});
    table.forEach((error, row) -> {
      Map<String, String> md = LogBatches.error(error.get(), "s", "r");
      assertEquals(row[0], md.get(MetadataKeys.ERROR_KIND));
      assertEquals(row[1], md.get(MetadataKeys.ERROR_CODE), row[0]);
      assertEquals(row[2], extra(md).get("exception_type"));
      assertEquals(Optional.of(ErrorCode.valueOf(row[1])), ErrorCode.ofKind(row[0]));
    });
    // a kind the protocol defines brings its code even when the error only names the kind
    Map<String, String> legacy = LogBatches.error(
        new RpcException("MethodNotImplementedError", "m", "", "", "method_not_implemented"), "s", "r");
    assertEquals("UNIMPLEMENTED", legacy.get(MetadataKeys.ERROR_CODE));
    // an unclassified error: UNKNOWN, present, and nothing else
    Map<String, String> plain = LogBatches.error(new IllegalArgumentException("boom"), "s", "r");
    assertEquals("UNKNOWN", plain.get(MetadataKeys.ERROR_CODE));
    assertEquals("UNKNOWN", extra(plain).get("error_code"));
    assertEquals("ValueError", extra(plain).get("exception_type"));
    assertFalse(plain.containsKey(MetadataKeys.ERROR_KIND));
    assertFalse(plain.containsKey(MetadataKeys.ERROR_DETAILS));
    // an application kind without a code is UNKNOWN with the kind
    Map<String, String> appKind = LogBatches.error(
        RpcException.builder("ValueError", "m").kind("widget_invalid").build(), "s", "r");
    assertEquals("UNKNOWN", appKind.get(MetadataKeys.ERROR_CODE));
    assertEquals("widget_invalid", appKind.get(MetadataKeys.ERROR_KIND));
  }

  @Test
  void identityUnavailableAndDrainingCarryTheirRetryHint() {
    Map<String, String> md = LogBatches.error(StandardErrors.identityUnavailable("down", Duration.ofSeconds(9)), "s", "r");
    assertEquals("[{\"@type\":\"vgi_rpc.RetryInfo\",\"retry_delay_seconds\":9}]", md.get(MetadataKeys.ERROR_DETAILS));
    RpcException draining = received(LogBatches.error(
        StandardErrors.serverDraining("draining", Duration.ofMillis(1500)), "s", "r"));
    assertEquals(1.5, draining.retryInfo().orElseThrow().retryDelaySeconds());
    assertTrue(draining.isRetryable());
  }

  @Test
  void aVersionMismatchNamesTheProtocolInAPrecondition() {
    RpcException e = received(LogBatches.error(
        StandardErrors.protocolVersionMismatch("upgrade", "vgi.v2", "", "2.0.0"), "s", "r"));
    PreconditionViolation v = e.preconditionFailure().orElseThrow().violations().get(0);
    assertEquals("protocol_version", v.type());
    assertEquals("vgi.v2", v.subject());
    assertTrue(v.description().contains("<none>") && v.description().contains("2.0.0"), v.description());
    assertEquals(ErrorCode.FAILED_PRECONDITION, e.errorCode());
  }

  @Test
  void tracebacksOffDropTracebackFramesAndCauseButKeepTheRest() {
    RpcException chained = RpcException.status(ErrorCode.UNAVAILABLE, "outer").kind("down")
        .detail(new RetryInfo(3)).cause(new IllegalStateException("inner")).build();
    Map<String, Object> with = extra(LogBatches.error(chained, "s", "r", true));
    assertTrue(with.keySet().containsAll(List.of("traceback", "frames", "cause")), with.keySet().toString());
    assertTrue(((String) with.get("traceback")).contains("outer"));
    assertTrue(((String) with.get("cause")).contains("inner"));
    Map<String, String> md = LogBatches.error(chained, "s", "r", false);
    Map<String, Object> without = extra(md);
    for (String key : List.of("traceback", "frames", "cause", "context")) {
      assertFalse(without.containsKey(key), key);
    }
    assertEquals("StatusError", without.get("exception_type"));
    assertEquals("outer", without.get("exception_message"));
    assertEquals("UNAVAILABLE", without.get("error_code"));
    assertEquals("down", without.get("error_kind"));
    assertEquals(List.of(Map.of("@type", "vgi_rpc.RetryInfo", "retry_delay_seconds", 3L)), without.get("error_details"));
    assertEquals("UNAVAILABLE", md.get(MetadataKeys.ERROR_CODE));
    assertEquals("", received(md).remoteTraceback());
  }

  @Test
  void aWarnCarryingErrorCodeExtrasIsALogNotAClassification() {
    Map<String, String> md = LogBatches.log(new dev.arrowrpc.core.LogMessage(dev.arrowrpc.core.LogLevel.WARN,
        "hello", Map.of("error_code", "UNAVAILABLE")), "s", "r");
    assertFalse(md.containsKey(MetadataKeys.ERROR_CODE));
    assertInstanceOf(LogBatches.Log.class, LogBatches.classify(0, md));
  }

  // ---- the client's reading ----

  @Test
  void v1TheClientReadsEveryLayer() {
    RpcException e = received(LogBatches.error(fail(ErrorCode.UNAVAILABLE, "backend_down", 7), "s", "rid"));
    assertEquals("StatusError", e.errorType());
    assertEquals("fail(UNAVAILABLE)", e.errorMessage());
    assertEquals("rid", e.requestId());
    assertFalse(e.remoteTraceback().isEmpty());
    assertEquals(ErrorCode.UNAVAILABLE, e.errorCode());
    assertEquals("UNAVAILABLE", e.errorCodeName());
    assertEquals(Optional.of("backend_down"), e.errorKind());
    assertEquals(List.of(ErrorInfo.TYPE, RetryInfo.TYPE, PROBE),
        e.errorDetailsJson().stream().map(d -> d.get("@type")).toList());
    assertEquals(Map.of("@type", PROBE, "note", "clients ignore detail types they do not know"),
        e.errorDetailsJson().get(2));
    assertInstanceOf(Unknown.class, e.errorDetails().get(2));
    assertEquals(7.0, e.retryInfo().orElseThrow().retryDelaySeconds());
    assertEquals(Map.of("fixture", FIXTURE), e.errorInfo().orElseThrow().metadata());
    assertEquals(List.of(new ErrorInfo(Map.of("fixture", FIXTURE)), new RetryInfo(7)), e.knownDetails());
    assertTrue(e.isRetryable());
  }

  @Test
  void theMirrorIsTheFallbackAndTheTopLevelKeyWins() {
    Map<String, String> md = LogBatches.error(fail(ErrorCode.UNAVAILABLE, "backend_down", 7), "s", "r");
    Map<String, String> mirrorOnly = new LinkedHashMap<>(md);
    mirrorOnly.remove(MetadataKeys.ERROR_CODE);
    mirrorOnly.remove(MetadataKeys.ERROR_KIND);
    mirrorOnly.remove(MetadataKeys.ERROR_DETAILS);
    RpcException fromMirror = received(mirrorOnly);
    assertEquals("UNAVAILABLE", fromMirror.errorCodeName());
    assertEquals(Optional.of("backend_down"), fromMirror.errorKind());
    assertEquals(received(md).errorDetailsJson(), fromMirror.errorDetailsJson());
    assertEquals(7.0, fromMirror.retryInfo().orElseThrow().retryDelaySeconds());

    Map<String, String> conflicting = new LinkedHashMap<>(md);
    conflicting.put(MetadataKeys.ERROR_CODE, "ABORTED");
    conflicting.put(MetadataKeys.ERROR_KIND, "other");
    conflicting.put(MetadataKeys.ERROR_DETAILS, "[]");
    RpcException top = received(conflicting);
    assertEquals(ErrorCode.ABORTED, top.errorCode());
    assertEquals(Optional.of("other"), top.errorKind());
    assertEquals(List.of(), top.errorDetails());
  }

  @Test
  void aServerOlderThanTheModelReportsAnEmptyCode() {
    Map<String, String> md = new LinkedHashMap<>();
    md.put(MetadataKeys.LOG_LEVEL, "EXCEPTION");
    md.put(MetadataKeys.LOG_MESSAGE, "ValueError: old");
    md.put(MetadataKeys.LOG_EXTRA, "{\"exception_type\": \"ValueError\", \"exception_message\": \"old\"}");
    RpcException e = received(md);
    assertEquals("", e.errorCodeName());
    assertEquals(ErrorCode.UNKNOWN, e.errorCode());
    assertEquals(Optional.empty(), e.errorKind());
    assertEquals(List.of(), e.errorDetails());
    assertEquals("", e.remoteTraceback());
    md.put(MetadataKeys.ERROR_CODE, "NOT_A_CODE");
    assertEquals(ErrorCode.UNKNOWN, received(md).errorCode());
    assertEquals("NOT_A_CODE", received(md).errorCodeName());
  }

  @Test
  void v7TheClientToleratesBrokenDetails() {
    Map<String, String> md = LogBatches.error(new IllegalStateException("x"), "s", "r");
    md.put(MetadataKeys.ERROR_DETAILS, "[1, {\"@type\":\"x.Y\"}, {\"@type\":\"vgi_rpc.RetryInfo\",\"retry_delay_seconds\":\"soon\"},"
        + "{\"@type\":\"vgi_rpc.RetryInfo\",\"retry_delay_seconds\":-1},"
        + "{\"@type\":\"vgi_rpc.ErrorInfo\",\"metadata\":{\"k\":1}}]");
    md.put(MetadataKeys.ERROR_CODE, "RESOURCE_EXHAUSTED");
    RpcException e = received(md);
    assertEquals(4, e.errorDetailsJson().size());
    assertEquals(Map.of("@type", "x.Y"), e.errorDetailsJson().get(0));
    assertEquals(List.of(), e.knownDetails());
    assertEquals(Optional.empty(), e.retryInfo());
    assertEquals(Optional.empty(), e.errorInfo());
    assertFalse(e.isRetryable());
    for (String notAnArray : List.of("{", "{\"@type\":\"vgi_rpc.RetryInfo\"}", "null", "")) {
      md.put(MetadataKeys.ERROR_DETAILS, notAnArray);
      assertEquals(List.of(), received(md).errorDetails(), notAnArray);
    }
    assertEquals(List.of(Map.of("@type", "x.Y")), ErrorDetailsCodec.decode("[1, {\"@type\": \"x.Y\"}]"));
  }

  @Test
  void v3Retryability() {
    Object[][] cases = {
      {"UNAVAILABLE", false, true},
      {"RESOURCE_EXHAUSTED", true, true},
      {"RESOURCE_EXHAUSTED", false, false},
      {"ABORTED", true, false},
      {"INTERNAL", true, false},
      {"UNKNOWN", false, false},
      {"", false, false},
      {"SOMETHING_ELSE", true, false},
    };
    for (Object[] c : cases) {
      List<Map<String, Object>> details = new ArrayList<>();
      if ((Boolean) c[1]) {
        details.add(new RetryInfo(1).toJson());
      }
      RpcException e = RpcException.builder("E", "m").codeName((String) c[0]).detailsJson(details).build();
      assertEquals(c[2], e.isRetryable(), Arrays.toString(c));
    }
    // a malformed RetryInfo does not make RESOURCE_EXHAUSTED retryable
    RpcException malformed = RpcException.builder("E", "m").codeName("RESOURCE_EXHAUSTED")
        .detailsJson(List.of(Map.of("@type", RetryInfo.TYPE, "retry_delay_seconds", "soon"))).build();
    assertFalse(malformed.isRetryable());
  }

  @Test
  void theExistingConstructorsStillWork() {
    RpcException plain = new RpcException("ValueError", "m");
    assertEquals("ValueError: m", plain.getMessage());
    assertEquals(Optional.empty(), plain.errorKind());
    assertEquals("", plain.errorCodeName());
    assertEquals(List.of(), plain.errorDetails());
    plain.initCause(new IllegalStateException("later"));
    RpcException kinded = new RpcException("X", "m", "tb", "rid", "method_not_implemented");
    assertEquals(ErrorCode.UNIMPLEMENTED, kinded.errorCode());
    assertEquals("tb", kinded.remoteTraceback());
  }
}
