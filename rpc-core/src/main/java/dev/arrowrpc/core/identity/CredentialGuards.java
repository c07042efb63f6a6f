package dev.arrowrpc.core.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The shape guards every credential passes before a resolver sees it (IDENTITY_V2_SPEC.md §4): a
 * blank credential, one over {@value #MAX_TOKEN_BYTES} UTF-8 bytes as it arrived, or one whose
 * trimmed form is JWS-shaped is refused, uniformly. The trim set is every Unicode white space
 * (which covers the normative floor U+0009..U+000D, U+0020, U+0085, U+00A0); trimming serves the
 * shape test only, never rewrites the credential.
 */
final class CredentialGuards {
  /** The largest credential looked at, in UTF-8 bytes of the untrimmed text. */
  public static final int MAX_TOKEN_BYTES = 4096;

  private CredentialGuards() {}

  /**
   * Whether a credential must be refused without consulting a resolver.
   *
   * @param token the credential as sent
   * @return true when it is blank, over the cap, or JWS-shaped once trimmed
   */
  public static boolean refused(String token) {
    String trimmed = trim(token);
    return trimmed.isEmpty() || token.getBytes(StandardCharsets.UTF_8).length > MAX_TOKEN_BYTES
        || jwsShaped(trimmed);
  }

  /** Strips leading and trailing white space (see the class comment for the set). */
  static String trim(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && isSpace(text.charAt(start))) {
      start++;
    }
    while (end > start && isSpace(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(start, end);
  }

  private static boolean isSpace(char c) {
    return c == '\u0085' || c == '\u00a0' || Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  /**
   * Whether text is three dot-separated base64url segments, the first two non-empty: the shape of a
   * JWS, which is validated locally against a key set and never routed to a resolver. Matched by
   * hand, so no regex dialect's anchors decide it.
   */
  static boolean jwsShaped(String text) {
    int segment = 0;
    int length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '.') {
        if (length == 0 || segment == 2) {
          return false;
        }
        segment++;
        length = 0;
      } else if (isBase64Url(c)) {
        length++;
      } else {
        return false;
      }
    }
    return segment == 2;
  }

  private static boolean isBase64Url(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  }

  /**
   * A SHA-256 hex digest of a credential, for correlating one credential's failures in diagnostics
   * without recording it. Never put it in a refusal message.
   *
   * @param token the credential
   * @return 64 lowercase hex digits
   */
  public static String digest(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }
}
