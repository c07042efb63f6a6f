package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.auth.Identity;
import java.util.Optional;

/**
 * Checks a user name and password sent with {@code authorization: Basic ...}, as Flight clients do in
 * the basic-token handshake (pyarrow's {@code FlightClient.authenticate_basic_token}, Java's {@code
 * FlightClient.authenticateBasicToken}). When it accepts them, {@link FlightRpcServer} mints a bearer
 * token for the identity, answers it in the {@code authorization: Bearer <token>} response header, and
 * accepts that token on later calls until it expires (see {@link
 * FlightRpcServer.Builder#basicLogin(BasicLogin, java.time.Duration)}). Implementations must be
 * thread-safe and should compare secrets in constant time.
 */
@FunctionalInterface
public interface BasicLogin {
  /**
   * Decides whether the credentials are valid.
   *
   * @param username the user name
   * @param password the password
   * @return the caller's identity, or empty to refuse the credentials
   */
  Optional<Identity> login(String username, String password);
}
