package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.StandardErrors;
import dev.arrowrpc.core.auth.Identity;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens sticky-session tokens ({@code VGI-Session}). A token names one session of one
 * server for one caller: {@code version (1 byte, 1) | created_at (8 bytes, big-endian epoch
 * seconds) | server_id length (1 byte) | server_id | session id (12 bytes) | expires_at (8 bytes,
 * epoch seconds) | HMAC-SHA256 (32 bytes)}, unpadded base64url. The HMAC covers a label of its own
 * (so a stream token never passes for a session token), the caller's identity and every byte
 * before it: a token presented by another caller fails verification itself, exactly as a forged
 * one does. A token that verifies is still refused when another server minted it, it expired, or
 * its creation date lies further in the future than the clock-skew allowance.
 *
 * <p>Every refusal is the same {@code SessionLostError} to the caller; only the message differs.
 */
final class SessionTokens {
  /** The length of a session id, in bytes. */
  static final int SESSION_ID_BYTES = 12;

  /** How far in the future a token's creation date may lie (replicas' clocks differ), in seconds. */
  static final long CLOCK_SKEW_SECONDS = 60;

  private static final int VERSION = 1;
  private static final int MAC_BYTES = 32;
  private static final byte[] LABEL = "arrowrpc.session-token.v1\0".getBytes(StandardCharsets.US_ASCII);

  private final SecretKeySpec key;
  private final String serverId;
  private final Clock clock;

  /**
   * Creates the tokens of one server.
   *
   * @param key the signing key (shared by replicas, like the stream-token key)
   * @param serverId the id of the server that mints and accepts them
   * @param clock the clock tokens are dated and checked by
   */
  SessionTokens(byte[] key, String serverId, Clock clock) {
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.serverId = Objects.requireNonNull(serverId, "serverId");
    if (serverId.getBytes(StandardCharsets.UTF_8).length > 255) {
      throw new IllegalArgumentException("a server id longer than 255 bytes cannot go in a session token");
    }
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Seals a token for a session.
   *
   * @param sessionId the session's id, {@value #SESSION_ID_BYTES} bytes
   * @param expiresAt when the session ends, epoch seconds
   * @param identity the caller the session belongs to
   * @return the token's header text
   */
  String seal(byte[] sessionId, long expiresAt, Identity identity) {
    if (sessionId.length != SESSION_ID_BYTES) {
      throw new IllegalArgumentException("a session id has " + SESSION_ID_BYTES + " bytes");
    }
    byte[] server = serverId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer token = ByteBuffer.allocate(1 + 8 + 1 + server.length + SESSION_ID_BYTES + 8 + MAC_BYTES);
    token.put((byte) VERSION);
    token.putLong(clock.instant().getEpochSecond());
    token.put((byte) server.length);
    token.put(server);
    token.put(sessionId);
    token.putLong(expiresAt);
    byte[] bytes = token.array();
    System.arraycopy(mac(identity, bytes, bytes.length - MAC_BYTES), 0, bytes, bytes.length - MAC_BYTES, MAC_BYTES);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Opens a token presented by a caller.
   *
   * @param token the header's text
   * @param identity who presents it
   * @return the session id it names
   * @throws RpcException {@code SessionLostError} when the token is malformed, forged, another
   *     caller's, another server's or expired
   */
  byte[] open(String token, Identity identity) {
    byte[] bytes;
    try {
      String text = token.strip();
      while (text.endsWith("=")) {
        text = text.substring(0, text.length() - 1);
      }
      bytes = Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw StandardErrors.sessionLost("malformed session token");
    }
    int minimum = 1 + 8 + 1 + SESSION_ID_BYTES + 8 + MAC_BYTES;
    if (bytes.length < minimum) {
      throw StandardErrors.sessionLost("malformed session token");
    }
    int signed = bytes.length - MAC_BYTES;
    byte[] presented = new byte[MAC_BYTES];
    System.arraycopy(bytes, signed, presented, 0, MAC_BYTES);
    if (!MessageDigest.isEqual(mac(identity, bytes, signed), presented)) {
      throw StandardErrors.sessionLost("session token verification failed");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, signed);
    if ((in.get() & 0xff) != VERSION) {
      throw StandardErrors.sessionLost("unsupported session token version");
    }
    long createdAt = in.getLong();
    int serverLength = in.get() & 0xff;
    if (signed != minimum - MAC_BYTES + serverLength) {
      throw StandardErrors.sessionLost("malformed session token");
    }
    byte[] server = new byte[serverLength];
    in.get(server);
    byte[] sessionId = new byte[SESSION_ID_BYTES];
    in.get(sessionId);
    long expiresAt = in.getLong();
    if (!MessageDigest.isEqual(server, serverId.getBytes(StandardCharsets.UTF_8))) {
      throw StandardErrors.sessionLost("session token was issued by a different worker (server_id mismatch)");
    }
    long now = clock.instant().getEpochSecond();
    // a date from the future (beyond clock skew) is no token this server family minted; compared
    // without subtracting, so extreme values cannot wrap around
    if (createdAt < 0) {
      throw StandardErrors.sessionLost("session token has an impossible creation time");
    }
    if (createdAt > now && createdAt - now > CLOCK_SKEW_SECONDS) {
      throw StandardErrors.sessionLost("session token issued in the future");
    }
    if (expiresAt < now) {
      throw StandardErrors.sessionLost("session expired");
    }
    return sessionId;
  }

  /**
   * The registry's key for a caller: the same identity the token's HMAC binds, as text. The
   * registry checks it again behind the HMAC (defence in depth).
   */
  static String principalKey(Identity identity) {
    Optional<String> principal = identity.principal();
    if (principal.isEmpty() && identity.domain().isEmpty()) {
      return "\0anonymous";
    }
    return identity.domain() + "\0" + principal.orElse("");
  }

  private byte[] mac(Identity identity, byte[] token, int length) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(LABEL);
      mac.update(binding(identity));
      mac.update(token, 0, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /** Who may present a token: authenticated (domain, principal), or anonymous. */
  private static byte[] binding(Identity identity) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Optional<String> principal = identity.principal();
    if (principal.isEmpty() && identity.domain().isEmpty()) {
      out.write(0);
      out.writeBytes("anonymous".getBytes(StandardCharsets.US_ASCII));
      return out.toByteArray();
    }
    out.write(1);
    lengthPrefixed(out, identity.domain());
    lengthPrefixed(out, principal.orElse(""));
    return out.toByteArray();
  }

  private static void lengthPrefixed(ByteArrayOutputStream out, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
    out.writeBytes(bytes);
  }
}
