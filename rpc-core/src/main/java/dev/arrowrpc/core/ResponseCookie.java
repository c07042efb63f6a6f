package dev.arrowrpc.core;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A cookie a unary method served over HTTP sets on its response ({@link CallContext#setCookie}), as
 * the reference's {@code ctx.set_cookie}/{@code ctx.delete_cookie}: immutable, checked when made (a
 * name that is not an RFC 6265 token, or a value with characters a cookie cannot carry, is refused),
 * {@code HttpOnly} unless told otherwise, {@code Secure} by default when the request came over HTTPS.
 *
 * <pre>{@code
 * context.setCookie(ResponseCookie.of("session", token).maxAge(Duration.ofHours(8)).sameSite("Lax"));
 * context.setCookie(ResponseCookie.deletion("session"));
 * }</pre>
 */
public final class ResponseCookie {
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
  private static final Pattern VALUE = Pattern.compile("[\\x21\\x23-\\x2B\\x2D-\\x3A\\x3C-\\x5B\\x5D-\\x7E]*");
  private static final Pattern ATTRIBUTE = Pattern.compile("[\\x20-\\x3A\\x3C-\\x7E]*");

  private final String name;
  private final String value;
  private final Optional<Instant> expires;
  private final Optional<Duration> maxAge;
  private final Optional<String> domain;
  private final Optional<String> path;
  private final Optional<Boolean> secure;
  private final boolean httpOnly;
  private final Optional<String> sameSite;
  private final boolean partitioned;

  private ResponseCookie(String name, String value, Optional<Instant> expires, Optional<Duration> maxAge,
      Optional<String> domain, Optional<String> path, Optional<Boolean> secure, boolean httpOnly,
      Optional<String> sameSite, boolean partitioned) {
    this.name = name;
    this.value = value;
    this.expires = expires;
    this.maxAge = maxAge;
    this.domain = domain;
    this.path = path;
    this.secure = secure;
    this.httpOnly = httpOnly;
    this.sameSite = sameSite;
    this.partitioned = partitioned;
  }

  /**
   * A cookie to set.
   *
   * @param name an RFC 6265 token
   * @param value cookie octets only (no spaces, quotes, commas, semicolons or backslashes)
   * @return the cookie, {@code HttpOnly}, without other attributes
   * @throws IllegalArgumentException when the name or the value cannot be sent
   */
  public static ResponseCookie of(String name, String value) {
    if (name == null || !TOKEN.matcher(name).matches()) {
      throw new IllegalArgumentException("a cookie name must be an RFC 6265 token, got '" + name + "'");
    }
    if (value == null || !VALUE.matcher(value).matches()) {
      throw new IllegalArgumentException("cookie '" + name + "' has a value with characters a cookie cannot carry"
          + " (spaces, quotes, commas, semicolons, backslashes or controls): encode it first");
    }
    return new ResponseCookie(name, value, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), true, Optional.empty(), false);
  }

  /**
   * The deletion of a cookie: an empty value that expired at once ({@code Max-Age=0}).
   *
   * @param name the cookie's name
   * @return the cookie that deletes it (give it the path and domain it was set with)
   */
  public static ResponseCookie deletion(String name) {
    return of(name, "").maxAge(Duration.ZERO).expires(Instant.EPOCH);
  }

  private ResponseCookie with(Optional<Instant> expires, Optional<Duration> maxAge, Optional<String> domain,
      Optional<String> path, Optional<Boolean> secure, boolean httpOnly, Optional<String> sameSite,
      boolean partitioned) {
    return new ResponseCookie(name, value, expires, maxAge, domain, path, secure, httpOnly, sameSite, partitioned);
  }

  /**
   * {@return a copy expiring at an instant ({@code Expires})}
   *
   * @param when the instant
   */
  public ResponseCookie expires(Instant when) {
    return with(Optional.of(when), maxAge, domain, path, secure, httpOnly, sameSite, partitioned);
  }

  /**
   * {@return a copy living this long ({@code Max-Age}; zero deletes it)}
   *
   * @param age not negative, whole seconds
   */
  public ResponseCookie maxAge(Duration age) {
    if (age.isNegative()) {
      throw new IllegalArgumentException("a cookie's max age cannot be negative");
    }
    return with(expires, Optional.of(age), domain, path, secure, httpOnly, sameSite, partitioned);
  }

  /**
   * {@return a copy for a domain ({@code Domain})}
   *
   * @param domain the domain
   */
  public ResponseCookie domain(String domain) {
    return with(expires, maxAge, Optional.of(attribute("domain", domain)), path, secure, httpOnly, sameSite,
        partitioned);
  }

  /**
   * {@return a copy for a path ({@code Path})}
   *
   * @param path the path
   */
  public ResponseCookie path(String path) {
    return with(expires, maxAge, domain, Optional.of(attribute("path", path)), secure, httpOnly, sameSite,
        partitioned);
  }

  /**
   * {@return a copy sent back only over HTTPS, or also over HTTP ({@code Secure}; by default as the request came)}
   *
   * @param secure whether only over HTTPS
   */
  public ResponseCookie secure(boolean secure) {
    return with(expires, maxAge, domain, path, Optional.of(secure), httpOnly, sameSite, partitioned);
  }

  /**
   * {@return a copy scripts can read, or not ({@code HttpOnly}, on by default)}
   *
   * @param httpOnly whether scripts are kept from it
   */
  public ResponseCookie httpOnly(boolean httpOnly) {
    return with(expires, maxAge, domain, path, secure, httpOnly, sameSite, partitioned);
  }

  /**
   * {@return a copy with a {@code SameSite} attribute}
   *
   * @param mode {@code Strict}, {@code Lax} or {@code None} (any case)
   */
  public ResponseCookie sameSite(String mode) {
    String normalized = switch (mode.toLowerCase(Locale.ROOT)) {
      case "strict" -> "Strict";
      case "lax" -> "Lax";
      case "none" -> "None";
      default -> throw new IllegalArgumentException("SameSite must be Strict, Lax or None, got '" + mode + "'");
    };
    return with(expires, maxAge, domain, path, secure, httpOnly, Optional.of(normalized), partitioned);
  }

  /**
   * {@return a copy partitioned by the top-level site ({@code Partitioned}, CHIPS)}
   *
   * @param partitioned whether it is
   */
  public ResponseCookie partitioned(boolean partitioned) {
    return with(expires, maxAge, domain, path, secure, httpOnly, sameSite, partitioned);
  }

  /** {@return the name} */
  public String name() {
    return name;
  }

  /**
   * The {@code Set-Cookie} header value.
   *
   * @param requestSecure whether the request came over HTTPS (the {@code Secure} default)
   * @return the header value
   */
  public String headerValue(boolean requestSecure) {
    StringBuilder header = new StringBuilder(name).append('=').append(value);
    expires.ifPresent(at -> header.append("; Expires=")
        .append(DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atOffset(ZoneOffset.UTC))));
    maxAge.ifPresent(age -> header.append("; Max-Age=").append(age.toSeconds()));
    domain.ifPresent(d -> header.append("; Domain=").append(d));
    path.ifPresent(p -> header.append("; Path=").append(p));
    if (secure.orElse(requestSecure) || sameSite.filter("None"::equals).isPresent() || partitioned) {
      header.append("; Secure"); // SameSite=None and Partitioned are refused by browsers without it
    }
    if (httpOnly) {
      header.append("; HttpOnly");
    }
    sameSite.ifPresent(s -> header.append("; SameSite=").append(s));
    if (partitioned) {
      header.append("; Partitioned");
    }
    return header.toString();
  }

  private static String attribute(String what, String text) {
    Objects.requireNonNull(text, what);
    if (text.isEmpty() || !ATTRIBUTE.matcher(text).matches()) {
      throw new IllegalArgumentException("a cookie's " + what + " cannot contain a semicolon or controls, got '"
          + text + "'");
    }
    return text;
  }

  @Override
  public String toString() {
    return headerValue(false);
  }
}
