package dev.arrowrpc.core.auth;

/**
 * Seals and opens the tokens a stateless transport hands the client between the requests of one
 * stream. The implementation decides the protection (the default, {@link SealedStreamTokens},
 * encrypts and authenticates with ChaCha20-Poly1305, compresses inside the seal, binds the caller's
 * identity and checks an age limit); core decides what the tokens carry.
 */
public interface StreamTokens {
  /**
   * Seals a payload for the given caller.
   *
   * @param payload the bytes to protect
   * @param identity the caller the token is bound to
   * @return an ASCII-safe token
   */
  String seal(byte[] payload, Identity identity);

  /**
   * Verifies a token before anything in it is parsed and returns its payload.
   *
   * @param token the token as received
   * @param identity the caller presenting it
   * @return the payload
   * @throws InvalidTokenException when the token is malformed, forged, expired or bound to someone else
   */
  byte[] open(String token, Identity identity) throws InvalidTokenException;

  /** A token was refused; the message says why in terms safe to show the client. */
  final class InvalidTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the message
     */
    public InvalidTokenException(String message) {
      super(message);
    }
  }
}
