package dev.arrowrpc.core.identity;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a server hosts {@code vgi_rpc.Identity.v2}: the deployment's hooks and policy. A method is
 * hosted only when its hook is configured ({@code introspect_token} with a {@link TokenResolver},
 * {@code issue_grant} with a {@link GrantMinter} or {@link GrantKeys}, which make the framework mint
 * sealed grants itself); with neither, the protocol is not hosted at all.
 *
 * <pre>{@code
 * IdentityConfig identity = IdentityConfig.builder()
 *     .resolver(token -> store.lookup(token))
 *     .introspectors(List.of("edge-proxy"))
 *     .build();
 * RpcServer server = RpcServer.builder(Service.class, impl).identity(identity).build();
 * }</pre>
 *
 * <p>Over HTTP the server also accepts its own sealed grants, and credentials the resolver knows, as
 * bearer credentials (after the deployment's authenticator).
 */
public final class IdentityConfig {
  /** How recently a caller must have authenticated to mint, unless configured: 900 seconds. */
  public static final Duration DEFAULT_MAX_AUTH_AGE = Duration.ofSeconds(900);

  private final Optional<TokenResolver> resolver;
  private final Optional<GrantMinter> minter;
  private final Optional<GrantKeys> grantKeys;
  private final Set<String> introspectors;
  private final Duration maxAuthAge;
  private final Clock clock;

  private IdentityConfig(Builder builder) {
    this.resolver = Optional.ofNullable(builder.resolver);
    this.grantKeys = Optional.ofNullable(builder.grantKeys);
    this.clock = builder.clock;
    GrantMinter mint = builder.minter;
    if (mint == null && builder.grantKeys != null) {
      GrantKeys keys = builder.grantKeys;
      Clock time = builder.clock;
      mint = (principal, purpose, scopes, ttl) -> sealedMint(keys, time, principal, purpose, scopes, ttl);
    }
    this.minter = Optional.ofNullable(mint);
    this.introspectors = Set.copyOf(builder.introspectors);
    this.maxAuthAge = builder.maxAuthAge;
  }

  private static IssuedGrant sealedMint(GrantKeys keys, Clock clock, String principal, String purpose,
      java.util.List<String> scopes, long ttl) {
    if (ttl <= 0) {
      throw IdentityErrors.grantRefused("ttl_seconds must be positive");
    }
    SealedGrants.Minted minted;
    try {
      minted = SealedGrants.mint(keys, principal, scopes, purpose, ttl, clock.instant());
    } catch (IllegalArgumentException e) {
      throw IdentityErrors.grantRefused(e.getMessage());
    }
    return new IssuedGrant(minted.token(), java.time.Instant.ofEpochSecond(minted.claims().expiresAt()),
        minted.claims().grantId());
  }

  /**
   * Starts a configuration.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the resolve hook, if configured} */
  public Optional<TokenResolver> resolver() {
    return resolver;
  }

  /** {@return the mint hook: the deployment's, else sealed grants when keys are configured} */
  public Optional<GrantMinter> minter() {
    return minter;
  }

  /** {@return the sealed-grant configuration, if any} */
  public Optional<GrantKeys> grantKeys() {
    return grantKeys;
  }

  /** {@return the principals allowed to introspect} */
  public Set<String> introspectors() {
    return introspectors;
  }

  /** {@return how recently a caller must have authenticated to mint} */
  public Duration maxAuthAge() {
    return maxAuthAge;
  }

  /** {@return the clock freshness and grant lifetimes are read from} */
  public Clock clock() {
    return clock;
  }

  /** {@return the methods hosted: one per configured hook, in the protocol's order} */
  public Set<String> hostedMethods() {
    Set<String> methods = new LinkedHashSet<>();
    resolver.ifPresent(r -> methods.add(IdentityProtocol.INTROSPECT_TOKEN));
    minter.ifPresent(m -> methods.add(IdentityProtocol.ISSUE_GRANT));
    return methods;
  }

  /** Configures an {@link IdentityConfig}. */
  public static final class Builder {
    private TokenResolver resolver;
    private GrantMinter minter;
    private GrantKeys grantKeys;
    private Collection<String> introspectors = Set.of();
    private Duration maxAuthAge = DEFAULT_MAX_AUTH_AGE;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Resolves credentials: hosts {@code introspect_token}; requires {@link #introspectors}.
     *
     * @param resolver turns a credential into the identity it stands for
     * @return this builder
     */
    public Builder resolver(TokenResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /**
     * Mints grants: hosts {@code issue_grant}.
     *
     * @param minter issues a grant to an authenticated caller
     * @return this builder
     */
    public Builder minter(GrantMinter minter) {
      this.minter = Objects.requireNonNull(minter, "minter");
      return this;
    }

    /**
     * Sealed grants: accepted back as bearers over HTTP and, unless a {@link #minter} is configured,
     * minted by the framework (hosting {@code issue_grant}).
     *
     * @param keys the keys grants are sealed and opened with
     * @return this builder
     */
    public Builder grantKeys(GrantKeys keys) {
      this.grantKeys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /**
     * The principals allowed to call {@code introspect_token}. There is no permissive default.
     *
     * @param principals the principals allowed
     * @return this builder
     */
    public Builder introspectors(Collection<String> principals) {
      this.introspectors = Set.copyOf(principals);
      return this;
    }

    /**
     * How recently a caller must have authenticated to mint (default 900 s).
     *
     * @param age the longest time since authentication (not negative)
     * @return this builder
     */
    public Builder maxAuthAge(Duration age) {
      if (age.isNegative()) {
        throw new IllegalArgumentException("maxAuthAge must not be negative");
      }
      this.maxAuthAge = age;
      return this;
    }

    /**
     * The clock (default the system's), for tests.
     *
     * @param clock the clock to read
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException when a resolver is configured without an allowlist: a
     *     worker that would refuse every introspection, or that would let any authenticated caller
     *     resolve anybody's credential, must not start
     */
    public IdentityConfig build() {
      if (resolver != null && introspectors.stream().noneMatch(p -> p != null && !p.isEmpty())) {
        throw new IllegalArgumentException("a token resolver needs an introspector allowlist naming at least one"
            + " principal: introspection is a capability distinct from authentication, and letting any"
            + " authenticated caller introspect lets any user resolve another user's credential to its owner");
      }
      return new IdentityConfig(this);
    }
  }
}
