package dev.arrowrpc.transport.http;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Checks {@code VGI-Proxy-Proof} tokens (docs/proxy-proof-spec.md §6), in the specified order: the
 * checks that need no MAC (presence, count, length, shape, every field's charset — the MAC's
 * included, before anything is decoded) first, then the key id, the two-sided timestamp window, the
 * MAC (compared in constant time), and last the replay cache, so only a proof that verified
 * consumes a nonce.
 *
 * <p>The MAC is compared in its transmitted form, unpadded base64url: only the canonical encoding
 * of the expected MAC is accepted, so a token whose last character differs only in the unused low
 * bits (which a lenient decoder would map to the same bytes) is refused.
 */
public final class ProxyProofVerifier {
  private final String originId;
  private final Map<String, ProxyProofConfig.Key> keys;
  private final long skewSeconds;
  private final Optional<NonceCache> nonces;
  private final LongSupplier epochSeconds;

  /**
   * The verified proof: which proxy forwarded the request. It identifies the hop, never the caller.
   *
   * @param proxy the configured label of the key that verified
   * @param kid the key id
   * @param originId this worker's origin id
   */
  public record Attribution(String proxy, String kid, String originId) {
    /**
     * The attribution as flat string claims (the {@code vgi_proxy_proof} claims of the spec, §9).
     *
     * @return verified, proxy, kid, origin_id and reason
     */
    public Map<String, String> claims() {
      Map<String, String> claims = new LinkedHashMap<>();
      claims.put("verified", "true");
      claims.put("proxy", proxy);
      claims.put("kid", kid);
      claims.put("origin_id", originId);
      claims.put("reason", "ok");
      return claims;
    }
  }

  /**
   * Creates a verifier on the wall clock, with the configuration's replay cache. Nonces are
   * remembered for twice the skew: a proof stays acceptable from {@code ts - skew} to {@code ts +
   * skew}, so a nonce first seen at the early edge must outlive one skew.
   *
   * @param config the configuration (not off)
   */
  public ProxyProofVerifier(ProxyProofConfig config) {
    this(config, config.replayCache()
        ? Optional.of(new NonceCache(config.skew().multipliedBy(2), config.replayCapacity()))
        : Optional.empty(), () -> System.currentTimeMillis() / 1000);
  }

  /**
   * Creates a verifier with a given replay cache and clock (for tests).
   *
   * @param config the configuration (not off)
   * @param nonces the replay cache, or empty to accept replays inside the window
   * @param epochSeconds the wall clock, in Unix seconds
   */
  public ProxyProofVerifier(ProxyProofConfig config, Optional<NonceCache> nonces, LongSupplier epochSeconds) {
    if (!config.enabled()) {
      throw new IllegalArgumentException("an off proxy-proof configuration installs no verifier");
    }
    this.originId = config.originId();
    this.keys = config.keys();
    this.skewSeconds = config.skew().toSeconds();
    this.nonces = Objects.requireNonNull(nonces, "nonces");
    this.epochSeconds = Objects.requireNonNull(epochSeconds, "epochSeconds");
  }

  /** The skew, for diagnostics. */
  Duration skew() {
    return Duration.ofSeconds(skewSeconds);
  }

  /**
   * Verifies the values of the proof header as they arrived.
   *
   * @param headerValues every instance of the header, in order (empty when absent)
   * @return the attribution
   * @throws ProxyProofException when the proof does not verify; its message is for the log only
   */
  public Attribution verify(List<String> headerValues) throws ProxyProofException {
    if (headerValues.isEmpty()) {
      throw new ProxyProofException(ProxyProofFailure.NO_PROOF, "header absent");
    }
    if (headerValues.size() > 1) {
      throw new ProxyProofException(ProxyProofFailure.MALFORMED, "the header was sent " + headerValues.size()
          + " times");
    }
    return verify(headerValues.get(0));
  }

  /**
   * Verifies one proof.
   *
   * @param token the header value
   * @return the attribution
   * @throws ProxyProofException when the proof does not verify; its message is for the log only
   */
  public Attribution verify(String token) throws ProxyProofException {
    if (token == null) {
      throw new ProxyProofException(ProxyProofFailure.NO_PROOF, "header absent");
    }
    if (token.isEmpty()) {
      throw new ProxyProofException(ProxyProofFailure.MALFORMED, "empty value");
    }
    if (token.length() > ProxyProof.MAX_HEADER_LENGTH
        || token.getBytes(StandardCharsets.UTF_8).length > ProxyProof.MAX_HEADER_LENGTH) {
      throw new ProxyProofException(ProxyProofFailure.MALFORMED, "value longer than "
          + ProxyProof.MAX_HEADER_LENGTH + " bytes");
    }
    String[] fields = token.split("\\.", -1);
    if (fields.length != 5) {
      throw new ProxyProofException(ProxyProofFailure.MALFORMED, "expected 5 fields, got " + fields.length);
    }
    if (!ProxyProof.VERSION.equals(fields[0])) {
      throw new ProxyProofException(ProxyProofFailure.MALFORMED, "unsupported version");
    }
    String kid = fields[1];
    String ts = fields[2];
    String nonce = fields[3];
    String mac = fields[4];
    if (!ProxyProof.KID.matcher(kid).matches()) {
      throw new ProxyProofException(ProxyProofFailure.MALFORMED, "kid outside its charset");
    }
    if (!ProxyProof.TIMESTAMP.matcher(ts).matches()) {
      throw new ProxyProofException(ProxyProofFailure.MALFORMED, "ts outside its charset");
    }
    if (!ProxyProof.NONCE.matcher(nonce).matches()) {
      throw new ProxyProofException(ProxyProofFailure.MALFORMED, "nonce outside its charset");
    }
    if (!ProxyProof.MAC.matcher(mac).matches()) {
      throw new ProxyProofException(ProxyProofFailure.MALFORMED, "mac outside its charset");
    }
    // the key id is public: choosing the one candidate secret by it is a legitimate branch
    ProxyProofConfig.Key key = keys.get(kid);
    if (key == null) {
      throw new ProxyProofException(ProxyProofFailure.UNKNOWN_KID, "no secret for the claimed kid " + kid);
    }
    // two-sided: an upper bound alone would let a future-dated proof pass indefinitely
    BigInteger age = BigInteger.valueOf(epochSeconds.getAsLong()).subtract(new BigInteger(ts));
    BigInteger skew = BigInteger.valueOf(skewSeconds);
    if (age.compareTo(skew) > 0) {
      throw new ProxyProofException(ProxyProofFailure.EXPIRED, "age " + age + " s exceeds the skew of "
          + skewSeconds + " s");
    }
    if (age.negate().compareTo(skew) > 0) {
      throw new ProxyProofException(ProxyProofFailure.NOT_YET_VALID, "timestamp " + age.negate()
          + " s ahead exceeds the skew of " + skewSeconds + " s");
    }
    byte[] expected = ProxyProof.encodedMac(key.secretBytes(), kid, ts, nonce, originId)
        .getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, mac.getBytes(StandardCharsets.US_ASCII))) {
      throw new ProxyProofException(ProxyProofFailure.BAD_MAC, "signature mismatch");
    }
    if (nonces.isPresent() && !nonces.get().checkAndAdd(nonce)) {
      throw new ProxyProofException(ProxyProofFailure.REPLAYED, "nonce already seen");
    }
    return new Attribution(key.label(), kid, originId);
  }
}
