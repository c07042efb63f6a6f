package dev.arrowrpc.reliability;

import java.util.OptionalLong;

/**
 * What came back for one request.
 *
 * @param kind the class of answer
 * @param detail the error type and message, the HTTP status, or why it could not be read
 * @param value the first column of the result row when it is an integer (the probe's echo)
 */
record Answer(Kind kind, String detail, OptionalLong value) {

  /** The classes of answer. */
  enum Kind {
    /** An error in the protocol's vocabulary: an EXCEPTION batch, or an HTTP 4xx with a body. */
    TYPED_ERROR,
    /** An ordinary result. */
    ACCEPTED,
    /** The connection ended without a byte of answer. */
    CLOSED,
    /** Something that is no answer: undecodable bytes, an empty 200, a 5xx. */
    GARBLED,
    /** Nothing within the time allowed. */
    HANG
  }

  static Answer of(Kind kind, String detail) {
    return new Answer(kind, detail, OptionalLong.empty());
  }
}
