package dev.arrowrpc.transport.http;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728), as the reference's {@code
 * OAuthResourceMetadata}: given to {@link HttpRpcServer.Builder#oauthResourceMetadata}, the server
 * serves it as JSON at {@code GET /.well-known/oauth-protected-resource} (and at that path followed
 * by the server's prefix), without authentication, and every 401 carries a {@code WWW-Authenticate:
 * Bearer resource_metadata="..."} challenge pointing there, with the client hints the reference adds
 * ({@code client_id}, {@code client_secret}, {@code use_id_token_as_bearer}, {@code
 * device_code_client_id}, {@code device_code_client_secret}). OAuth-aware clients (the DuckDB VGI
 * extension among them) discover from it where to log in.
 *
 * <p>The client id and secret hints are meant for public clients (native apps, browser apps), whose
 * "secret" is not confidential: do not put a confidential secret here.
 */
public final class OAuthResourceMetadata {
  private static final Pattern URL_SAFE = Pattern.compile("[A-Za-z0-9\\-._~]+");
  /** The path the document is served at (followed by the server's prefix, when it has one). */
  static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

  private final String resource;
  private final List<String> authorizationServers;
  private final List<String> scopesSupported;
  private final List<String> bearerMethodsSupported;
  private final Optional<String> resourceName;
  private final Optional<String> resourceDocumentation;
  private final Optional<String> clientId;
  private final Optional<String> clientSecret;
  private final boolean useIdTokenAsBearer;
  private final Optional<String> deviceCodeClientId;
  private final Optional<String> deviceCodeClientSecret;

  private OAuthResourceMetadata(Builder builder) {
    this.resource = builder.resource;
    this.authorizationServers = List.copyOf(builder.authorizationServers);
    this.scopesSupported = List.copyOf(builder.scopesSupported);
    this.bearerMethodsSupported = List.copyOf(builder.bearerMethodsSupported);
    this.resourceName = builder.resourceName;
    this.resourceDocumentation = builder.resourceDocumentation;
    this.clientId = builder.clientId;
    this.clientSecret = builder.clientSecret;
    this.useIdTokenAsBearer = builder.useIdTokenAsBearer;
    this.deviceCodeClientId = builder.deviceCodeClientId;
    this.deviceCodeClientSecret = builder.deviceCodeClientSecret;
  }

  /**
   * Starts the metadata of a resource.
   *
   * @param resource the protected resource's canonical URL (an absolute {@code http} or {@code https}
   *     URL: the challenge's metadata URL is made from its origin)
   * @param authorizationServers the issuer URLs of the authorization servers, at least one
   * @return a builder
   * @throws IllegalArgumentException when the resource is not such a URL or no server is named
   */
  public static Builder builder(String resource, List<String> authorizationServers) {
    return new Builder(resource, authorizationServers);
  }

  /** {@return the protected resource's canonical URL} */
  public String resource() {
    return resource;
  }

  /** {@return the document, with only the fields that were set (and the two required ones)} */
  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("resource", resource);
    json.put("authorization_servers", authorizationServers);
    if (!scopesSupported.isEmpty()) {
      json.put("scopes_supported", scopesSupported);
    }
    if (!bearerMethodsSupported.equals(List.of("header"))) {
      json.put("bearer_methods_supported", bearerMethodsSupported);
    }
    resourceName.ifPresent(v -> json.put("resource_name", v));
    resourceDocumentation.ifPresent(v -> json.put("resource_documentation", v));
    clientId.ifPresent(v -> json.put("client_id", v));
    clientSecret.ifPresent(v -> json.put("client_secret", v));
    if (useIdTokenAsBearer) {
      json.put("use_id_token_as_bearer", true);
    }
    deviceCodeClientId.ifPresent(v -> json.put("device_code_client_id", v));
    deviceCodeClientSecret.ifPresent(v -> json.put("device_code_client_secret", v));
    return json;
  }

  /**
   * The {@code WWW-Authenticate} challenge of a 401 (RFC 9728 section 5.1): the metadata URL on the
   * resource's origin, followed by the server's prefix, and the client hints.
   *
   * @param prefix the server's URL prefix ({@code ""} for the root)
   * @return the challenge
   */
  String challenge(String prefix) {
    URI uri = URI.create(resource);
    StringBuilder challenge = new StringBuilder("Bearer resource_metadata=\"").append(uri.getScheme()).append("://")
        .append(uri.getRawAuthority()).append(WELL_KNOWN).append(prefix.equals("/") ? "" : prefix).append('"');
    clientId.ifPresent(v -> challenge.append(", client_id=\"").append(v).append('"'));
    clientSecret.ifPresent(v -> challenge.append(", client_secret=\"").append(v).append('"'));
    if (useIdTokenAsBearer) {
      challenge.append(", use_id_token_as_bearer=\"true\"");
    }
    deviceCodeClientId.ifPresent(v -> challenge.append(", device_code_client_id=\"").append(v).append('"'));
    deviceCodeClientSecret.ifPresent(v -> challenge.append(", device_code_client_secret=\"").append(v).append('"'));
    return challenge.toString();
  }

  /** Configures {@link OAuthResourceMetadata}. */
  public static final class Builder {
    private final String resource;
    private final List<String> authorizationServers;
    private List<String> scopesSupported = List.of();
    private List<String> bearerMethodsSupported = List.of("header");
    private Optional<String> resourceName = Optional.empty();
    private Optional<String> resourceDocumentation = Optional.empty();
    private Optional<String> clientId = Optional.empty();
    private Optional<String> clientSecret = Optional.empty();
    private boolean useIdTokenAsBearer;
    private Optional<String> deviceCodeClientId = Optional.empty();
    private Optional<String> deviceCodeClientSecret = Optional.empty();

    private Builder(String resource, List<String> authorizationServers) {
      Objects.requireNonNull(resource, "resource");
      URI uri;
      try {
        uri = new URI(resource);
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("the resource must be an absolute http(s) URL, got '" + resource + "'");
      }
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getRawAuthority() == null) {
        throw new IllegalArgumentException("the resource must be an absolute http(s) URL, got '" + resource + "'");
      }
      if (authorizationServers.isEmpty()) {
        throw new IllegalArgumentException("at least one authorization server is required");
      }
      this.resource = resource;
      this.authorizationServers = List.copyOf(authorizationServers);
    }

    /**
     * Sets the scopes the resource understands.
     *
     * @param scopes the scopes
     * @return this builder
     */
    public Builder scopesSupported(List<String> scopes) {
      this.scopesSupported = List.copyOf(scopes);
      return this;
    }

    /**
     * Sets how tokens may be presented (default {@code ["header"]}).
     *
     * @param methods such as {@code header}
     * @return this builder
     */
    public Builder bearerMethodsSupported(List<String> methods) {
      this.bearerMethodsSupported = List.copyOf(methods);
      return this;
    }

    /**
     * Sets the resource's name, for people.
     *
     * @param name the name
     * @return this builder
     */
    public Builder resourceName(String name) {
      this.resourceName = Optional.of(name);
      return this;
    }

    /**
     * Sets where the resource's documentation is.
     *
     * @param url the URL
     * @return this builder
     */
    public Builder resourceDocumentation(String url) {
      this.resourceDocumentation = Optional.of(url);
      return this;
    }

    /**
     * Tells clients which OAuth client id to log in with (an extension of RFC 9728).
     *
     * @param id URL-safe characters only
     * @return this builder
     */
    public Builder clientId(String id) {
      this.clientId = Optional.of(urlSafe("clientId", id));
      return this;
    }

    /**
     * Tells clients the public client secret to log in with (an extension; never a confidential one).
     *
     * @param secret URL-safe characters only
     * @return this builder
     */
    public Builder clientSecret(String secret) {
      this.clientSecret = Optional.of(urlSafe("clientSecret", secret));
      return this;
    }

    /**
     * Tells clients to present the OIDC id token as the bearer rather than the access token.
     *
     * @param use whether to
     * @return this builder
     */
    public Builder useIdTokenAsBearer(boolean use) {
      this.useIdTokenAsBearer = use;
      return this;
    }

    /**
     * Tells clients which client id to use for the device-code flow.
     *
     * @param id URL-safe characters only
     * @return this builder
     */
    public Builder deviceCodeClientId(String id) {
      this.deviceCodeClientId = Optional.of(urlSafe("deviceCodeClientId", id));
      return this;
    }

    /**
     * Tells clients the public client secret of the device-code flow.
     *
     * @param secret URL-safe characters only
     * @return this builder
     */
    public Builder deviceCodeClientSecret(String secret) {
      this.deviceCodeClientSecret = Optional.of(urlSafe("deviceCodeClientSecret", secret));
      return this;
    }

    /**
     * Builds the metadata.
     *
     * @return the metadata
     */
    public OAuthResourceMetadata build() {
      return new OAuthResourceMetadata(this);
    }

    /** A hint goes inside a quoted header parameter: only characters that need no escaping. */
    private static String urlSafe(String name, String value) {
      if (value == null || !URL_SAFE.matcher(value).matches()) {
        throw new IllegalArgumentException(name + " must contain only URL-safe characters (letters, digits,"
            + " hyphen, underscore, period, tilde), got '" + value + "'");
      }
      return value;
    }
  }
}
