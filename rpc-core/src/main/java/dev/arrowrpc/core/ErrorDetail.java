package dev.arrowrpc.core;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One machine-readable detail of an error ({@code vgi_rpc.error_details}): a JSON object naming its
 * type in {@code @type}. The catalog is fixed (the eight records here); anything else is an {@link
 * Unknown}, which is also how a protocol sends a detail type of its own (named under the protocol,
 * such as {@code vgi.reports.v1.SomeDetail}).
 *
 * <p>Reading is tolerant: a catalog type with a malformed field reads as an {@link Unknown} of that
 * type, so typed access skips it and the error it rides on still decodes.
 */
public sealed interface ErrorDetail
    permits ErrorDetail.ErrorInfo, ErrorDetail.RetryInfo, ErrorDetail.BadRequest,
        ErrorDetail.PreconditionFailure, ErrorDetail.QuotaFailure, ErrorDetail.ResourceInfo,
        ErrorDetail.Help, ErrorDetail.LocalizedMessage, ErrorDetail.Unknown {

  /** The type-name prefix reserved for the catalog. */
  String RESERVED_PREFIX = "vgi_rpc.";

  /** The {@code @type} names of the catalog. */
  Set<String> CATALOG = Set.of(ErrorInfo.TYPE, RetryInfo.TYPE, BadRequest.TYPE,
      PreconditionFailure.TYPE, QuotaFailure.TYPE, ResourceInfo.TYPE, Help.TYPE,
      LocalizedMessage.TYPE);

  /**
   * Returns the detail's {@code @type}.
   *
   * @return for example {@code vgi_rpc.RetryInfo}; empty for an {@link Unknown} object with none
   */
  String type();

  /**
   * Returns the JSON object form, {@code @type} first.
   *
   * @return an ordered map of JSON values (maps, lists, strings, numbers, booleans, null)
   */
  Map<String, Object> toJson();

  /**
   * Reads one detail object. Never fails: an object that is not a well-formed catalog entry reads as
   * an {@link Unknown} keeping the object.
   *
   * @param json the decoded object
   * @return the typed detail, or an {@link Unknown}
   */
  static ErrorDetail fromJson(Map<String, ?> json) {
    Object type = json.get("@type");
    String name = type instanceof String s ? s : "";
    try {
      return switch (name) {
        case ErrorInfo.TYPE -> ErrorInfo.read(json);
        case RetryInfo.TYPE -> RetryInfo.read(json);
        case BadRequest.TYPE -> BadRequest.read(json);
        case PreconditionFailure.TYPE -> PreconditionFailure.read(json);
        case QuotaFailure.TYPE -> QuotaFailure.read(json);
        case ResourceInfo.TYPE -> ResourceInfo.read(json);
        case Help.TYPE -> Help.read(json);
        case LocalizedMessage.TYPE -> LocalizedMessage.read(json);
        default -> new Unknown(name, new LinkedHashMap<String, Object>(json));
      };
    } catch (IllegalArgumentException | ClassCastException malformed) {
      return new Unknown(name, new LinkedHashMap<String, Object>(json));
    }
  }

  /**
   * Extra context for the error's kind, as string pairs. The kind and its domain are already {@code
   * error_kind} and the protocol, so they are not repeated here.
   *
   * @param metadata string context (never credentials or user data), in order
   */
  record ErrorInfo(Map<String, String> metadata) implements ErrorDetail {
    /** The wire type name. */
    public static final String TYPE = "vgi_rpc.ErrorInfo";

    /**
     * Copies the metadata, keeping its order.
     *
     * @param metadata string context (never credentials or user data), in order
     */
    public ErrorInfo {
      metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
      metadata.forEach((k, v) -> Objects.requireNonNull(v, "metadata value of " + k));
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Map<String, Object> toJson() {
      Map<String, Object> json = DetailJson.object(TYPE);
      json.put("metadata", new LinkedHashMap<>(metadata));
      return json;
    }

    static ErrorInfo read(Map<String, ?> json) {
      Object raw = json.containsKey("metadata") ? json.get("metadata") : Map.of();
      if (!(raw instanceof Map<?, ?> map)) {
        throw new IllegalArgumentException("'metadata' must be an object");
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getValue() instanceof String s)) {
          throw new IllegalArgumentException("'metadata' values must be strings");
        }
        metadata.put(String.valueOf(e.getKey()), s);
      }
      return new ErrorInfo(metadata);
    }
  }

  /**
   * How long to wait before retrying: a retry waits at least this long.
   *
   * @param retryDelaySeconds seconds; finite and not negative
   */
  record RetryInfo(double retryDelaySeconds) implements ErrorDetail {
    /** The wire type name. */
    public static final String TYPE = "vgi_rpc.RetryInfo";

    /**
     * Checks the delay is finite and not negative.
     *
     * @param retryDelaySeconds seconds; finite and not negative
     */
    public RetryInfo {
      if (!Double.isFinite(retryDelaySeconds) || retryDelaySeconds < 0) {
        throw new IllegalArgumentException(
            "retry_delay_seconds must be finite and not negative: " + retryDelaySeconds);
      }
    }

    /**
     * A retry hint of a duration.
     *
     * @param delay the delay, not negative
     * @return the detail
     */
    public static RetryInfo of(Duration delay) {
      return new RetryInfo(delay.toNanos() / 1e9);
    }

    /** {@return the delay as a duration (rounded to nanoseconds)} */
    public Duration retryDelay() {
      return Duration.ofNanos(Math.round(retryDelaySeconds * 1e9));
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Map<String, Object> toJson() {
      Map<String, Object> json = DetailJson.object(TYPE);
      double d = retryDelaySeconds;
      // a whole number travels as an integer ("7", not "7.0"), as in the reference
      json.put("retry_delay_seconds", d == Math.rint(d) && d < 9.0e15 ? (Object) (long) d : (Object) d);
      return json;
    }

    static RetryInfo read(Map<String, ?> json) {
      if (!(json.get("retry_delay_seconds") instanceof Number n)) {
        throw new IllegalArgumentException("'retry_delay_seconds' must be a number");
      }
      return new RetryInfo(n.doubleValue());
    }
  }

  /**
   * One wrong input.
   *
   * @param field which input
   * @param description what is wrong with it
   */
  record FieldViolation(String field, String description) {
    /**
     * Checks for nulls.
     *
     * @param field which input
     * @param description what is wrong with it
     */
    public FieldViolation {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(description, "description");
    }
  }

  /**
   * Which inputs were wrong.
   *
   * @param fieldViolations one entry per wrong input
   */
  record BadRequest(List<FieldViolation> fieldViolations) implements ErrorDetail {
    /** The wire type name. */
    public static final String TYPE = "vgi_rpc.BadRequest";

    /**
     * Copies the violations.
     *
     * @param fieldViolations one entry per wrong input
     */
    public BadRequest {
      fieldViolations = List.copyOf(fieldViolations);
    }

    /**
     * A request with one wrong input.
     *
     * @param field which input
     * @param description what is wrong with it
     * @return the detail
     */
    public static BadRequest of(String field, String description) {
      return new BadRequest(List.of(new FieldViolation(field, description)));
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Map<String, Object> toJson() {
      Map<String, Object> json = DetailJson.object(TYPE);
      json.put("field_violations", fieldViolations.stream()
          .map(v -> DetailJson.pairs("field", v.field(), "description", v.description())).toList());
      return json;
    }

    static BadRequest read(Map<String, ?> json) {
      return new BadRequest(DetailJson.objects(json, "field_violations").stream()
          .map(v -> new FieldViolation(DetailJson.string(v, "field"), DetailJson.string(v, "description")))
          .toList());
    }
  }

  /**
   * One unmet precondition.
   *
   * @param type the kind of precondition, such as {@code protocol_version}
   * @param subject what it concerns, such as a protocol name
   * @param description how it failed
   */
  record PreconditionViolation(String type, String subject, String description) {
    /**
     * Checks for nulls.
     *
     * @param type the kind of precondition, such as {@code protocol_version}
     * @param subject what it concerns, such as a protocol name
     * @param description how it failed
     */
    public PreconditionViolation {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(description, "description");
    }
  }

  /**
   * What state must change before the call can succeed.
   *
   * @param violations one entry per unmet precondition
   */
  record PreconditionFailure(List<PreconditionViolation> violations) implements ErrorDetail {
    /** The wire type name. */
    public static final String TYPE = "vgi_rpc.PreconditionFailure";

    /**
     * Copies the violations.
     *
     * @param violations one entry per unmet precondition
     */
    public PreconditionFailure {
      violations = List.copyOf(violations);
    }

    /**
     * A failure of one precondition.
     *
     * @param type the kind of precondition
     * @param subject what it concerns
     * @param description how it failed
     * @return the detail
     */
    public static PreconditionFailure of(String type, String subject, String description) {
      return new PreconditionFailure(List.of(new PreconditionViolation(type, subject, description)));
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Map<String, Object> toJson() {
      Map<String, Object> json = DetailJson.object(TYPE);
      json.put("violations", violations.stream()
          .map(v -> {
            Map<String, Object> item = DetailJson.pairs("type", v.type(), "subject", v.subject());
            item.put("description", v.description());
            return item;
          }).toList());
      return json;
    }

    static PreconditionFailure read(Map<String, ?> json) {
      return new PreconditionFailure(DetailJson.objects(json, "violations").stream()
          .map(v -> new PreconditionViolation(
              DetailJson.string(v, "type"), DetailJson.string(v, "subject"), DetailJson.string(v, "description")))
          .toList());
    }
  }

  /**
   * One exhausted limit.
   *
   * @param subject which limit, or whose
   * @param description how it was exceeded
   */
  record QuotaViolation(String subject, String description) {
    /**
     * Checks for nulls.
     *
     * @param subject which limit, or whose
     * @param description how it was exceeded
     */
    public QuotaViolation {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(description, "description");
    }
  }

  /**
   * Which limit was hit.
   *
   * @param violations one entry per exhausted limit
   */
  record QuotaFailure(List<QuotaViolation> violations) implements ErrorDetail {
    /** The wire type name. */
    public static final String TYPE = "vgi_rpc.QuotaFailure";

    /**
     * Copies the violations.
     *
     * @param violations one entry per exhausted limit
     */
    public QuotaFailure {
      violations = List.copyOf(violations);
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Map<String, Object> toJson() {
      Map<String, Object> json = DetailJson.object(TYPE);
      json.put("violations", violations.stream()
          .map(v -> DetailJson.pairs("subject", v.subject(), "description", v.description())).toList());
      return json;
    }

    static QuotaFailure read(Map<String, ?> json) {
      return new QuotaFailure(DetailJson.objects(json, "violations").stream()
          .map(v -> new QuotaViolation(DetailJson.string(v, "subject"), DetailJson.string(v, "description")))
          .toList());
    }
  }

  /**
   * Which object the error concerns.
   *
   * @param resourceType the kind of resource, such as {@code report}
   * @param resourceName its name or id
   * @param owner its owner, or empty
   * @param description what went wrong with it
   */
  record ResourceInfo(String resourceType, String resourceName, String owner, String description)
      implements ErrorDetail {
    /** The wire type name. */
    public static final String TYPE = "vgi_rpc.ResourceInfo";

    /**
     * Checks for nulls.
     *
     * @param resourceType the kind of resource, such as {@code report}
     * @param resourceName its name or id
     * @param owner its owner, or empty
     * @param description what went wrong with it
     */
    public ResourceInfo {
      Objects.requireNonNull(resourceType, "resourceType");
      Objects.requireNonNull(resourceName, "resourceName");
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(description, "description");
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Map<String, Object> toJson() {
      Map<String, Object> json = DetailJson.object(TYPE);
      json.put("resource_type", resourceType);
      json.put("resource_name", resourceName);
      json.put("owner", owner);
      json.put("description", description);
      return json;
    }

    static ResourceInfo read(Map<String, ?> json) {
      return new ResourceInfo(DetailJson.string(json, "resource_type"), DetailJson.string(json, "resource_name"),
          DetailJson.string(json, "owner"), DetailJson.string(json, "description"));
    }
  }

  /**
   * One pointer to documentation.
   *
   * @param description what it explains
   * @param url where it is
   */
  record HelpLink(String description, String url) {
    /**
     * Checks for nulls.
     *
     * @param description what it explains
     * @param url where it is
     */
    public HelpLink {
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(url, "url");
    }
  }

  /**
   * Where to read more.
   *
   * @param links documentation pointers
   */
  record Help(List<HelpLink> links) implements ErrorDetail {
    /** The wire type name. */
    public static final String TYPE = "vgi_rpc.Help";

    /**
     * Copies the links.
     *
     * @param links documentation pointers
     */
    public Help {
      links = List.copyOf(links);
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Map<String, Object> toJson() {
      Map<String, Object> json = DetailJson.object(TYPE);
      json.put("links", links.stream()
          .map(v -> DetailJson.pairs("description", v.description(), "url", v.url())).toList());
      return json;
    }

    static Help read(Map<String, ?> json) {
      return new Help(DetailJson.objects(json, "links").stream()
          .map(v -> new HelpLink(DetailJson.string(v, "description"), DetailJson.string(v, "url")))
          .toList());
    }
  }

  /**
   * Text that is safe to show an end user (the error message itself stays developer-facing).
   *
   * @param locale a BCP 47 tag, such as {@code en-US}
   * @param message the localized text
   */
  record LocalizedMessage(String locale, String message) implements ErrorDetail {
    /** The wire type name. */
    public static final String TYPE = "vgi_rpc.LocalizedMessage";

    /**
     * Checks for nulls.
     *
     * @param locale a BCP 47 tag, such as {@code en-US}
     * @param message the localized text
     */
    public LocalizedMessage {
      Objects.requireNonNull(locale, "locale");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Map<String, Object> toJson() {
      Map<String, Object> json = DetailJson.object(TYPE);
      json.put("locale", locale);
      json.put("message", message);
      return json;
    }

    static LocalizedMessage read(Map<String, ?> json) {
      return new LocalizedMessage(DetailJson.string(json, "locale"), DetailJson.string(json, "message"));
    }
  }

  /**
   * A detail outside the catalog, or a catalog entry with a malformed field, kept as the JSON object
   * it arrived as. Typed access skips it; the error still reports it. A server sends a detail type of
   * its own protocol this way ({@link #of}).
   *
   * @param type its {@code @type}, or empty when it has none
   * @param json the whole object, {@code @type} included (values are JSON values: maps, lists,
   *     strings, numbers, booleans, null)
   */
  record Unknown(String type, Map<String, Object> json) implements ErrorDetail {
    /**
     * Copies the object, keeping its order.
     *
     * @param type its {@code @type}, or empty when it has none
     * @param json the whole object, {@code @type} included (values are JSON values: maps, lists, strings,
     *     numbers, booleans, null)
     */
    public Unknown {
      Objects.requireNonNull(type, "type");
      json = Collections.unmodifiableMap(new LinkedHashMap<>(json));
    }

    /**
     * A detail of a protocol-defined type.
     *
     * @param type the type, qualified under the protocol's name (such as {@code
     *     vgi.reports.v1.SomeDetail})
     * @param fields its fields (JSON values), without {@code @type}
     * @return the detail
     */
    public static Unknown of(String type, Map<String, ?> fields) {
      Map<String, Object> json = DetailJson.object(type);
      fields.forEach((k, v) -> {
        if (!"@type".equals(k)) {
          json.put(k, v);
        }
      });
      return new Unknown(type, json);
    }

    @Override
    public Map<String, Object> toJson() {
      return new LinkedHashMap<>(json);
    }
  }
}
