package dev.arrowrpc.reliability;

/**
 * One hostile request: the bytes sent, and what the server may answer.
 *
 * @param category the table row it counts in (e.g. {@code truncation})
 * @param label what was done, for the report of a failing case
 * @param method the method the bytes were made for (the HTTP route; byte channels ignore it)
 * @param bytes what is sent: over a byte channel as is, over HTTP as the request body
 * @param framing whether the bytes are whole IPC streams (the connection must stay in step)
 * @param expect which answers pass
 */
record Case(String category, String label, String method, byte[] bytes, Framing framing, Expect expect) {

  /** Whether the bytes keep the IPC framing intact. */
  enum Framing {
    /** Whole IPC streams, one request: an answer is due and the same connection must go on. */
    INTACT,
    /** Framing is broken (truncated, random, flipped): the server may answer or close, never hang or crash. */
    BROKEN
  }

  /** The answers that pass. */
  enum Expect {
    /** Only a typed error: accepting it would change data silently (e.g. invalid UTF-8). */
    ERROR,
    /** A typed error, or an ordinary answer when the damage left a valid request. */
    ERROR_OR_ACCEPTED
  }
}
