package dev.arrowrpc.conformance.driver;

/**
 * The driver could not carry out an op (a malformed control line, an unknown op, no connection, a
 * payload that is not one IPC batch): answered {@code {"ok": false, "error": "<text>"}}, as opposed
 * to an error the client reported, which is a call error.
 */
final class DriverException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DriverException(String message) {
    super(message);
  }
}
