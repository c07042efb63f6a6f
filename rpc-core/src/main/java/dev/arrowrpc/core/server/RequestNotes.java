package dev.arrowrpc.core.server;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the access record of the request being answered on this thread needs from deep inside a
 * {@link RequestHandler}: whether the request was refused (and why), and the size of the stream
 * state tokens the answer carries. Held per thread between {@link #open} and {@link #close}, so the
 * code paths that refuse a request or mint a token note it without threading a holder through them.
 */
final class RequestNotes {
  private static final ThreadLocal<RequestNotes> CURRENT = new ThreadLocal<>();

  private Throwable refusal;
  private long cursorBytes;
  private boolean cursorMinted;
  private long callTokenBytes;

  private RequestNotes() {}

  /** Starts the notes of a request answered on this thread. */
  static RequestNotes open() {
    RequestNotes notes = new RequestNotes();
    CURRENT.set(notes);
    return notes;
  }

  /** Ends the notes of this thread's request. */
  static void close() {
    CURRENT.remove();
  }

  /** The notes of this thread's request, or throwaway notes when none is open. */
  static RequestNotes current() {
    RequestNotes notes = CURRENT.get();
    return notes == null ? new RequestNotes() : notes;
  }

  /** The request was answered with an error stream instead of running a method (first one wins). */
  void refused(Throwable error) {
    if (refusal == null) {
      refusal = error;
    }
  }

  /** Why the request was refused, if it was. */
  Optional<Throwable> refusal() {
    return Optional.ofNullable(refusal);
  }

  /** A cursor token was minted for the answer. */
  void cursor(String token) {
    cursorMinted = true;
    cursorBytes += token.length(); // base64 text: one byte per character
  }

  /** The answer carries this call token alongside its cursor. */
  void callToken(String token) {
    callTokenBytes = token.length();
  }

  /** The size of the state tokens the answer carries, when it carries any. */
  OptionalLong responseStateBytes() {
    return cursorMinted ? OptionalLong.of(cursorBytes + callTokenBytes) : OptionalLong.empty();
  }
}
