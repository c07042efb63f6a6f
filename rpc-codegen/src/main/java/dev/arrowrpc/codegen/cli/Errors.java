package dev.arrowrpc.codegen.cli;

import dev.arrowrpc.core.RpcException;
import java.util.Map;

/** How failures read on stderr. */
final class Errors {
  private Errors() {}

  /**
   * The report of an error the service (or the client's transport) raised: code, kind, type and
   * message; with {@code verbose}, the request id, details and the remote traceback.
   *
   * @param e the error
   * @param verbose whether to add detail and traceback
   * @return the text, one or more lines
   */
  static String describe(RpcException e, boolean verbose) {
    StringBuilder text = new StringBuilder(Exit.isTransport(e) ? "transport error" : "remote error");
    String code = e.errorCodeName();
    text.append(": ").append(code.isEmpty() ? "UNKNOWN" : code);
    e.errorKind().ifPresent(kind -> text.append(" (").append(kind).append(')'));
    text.append(' ').append(e.errorType()).append(": ").append(e.errorMessage());
    if (verbose) {
      if (!e.requestId().isEmpty()) {
        text.append("\n  request id: ").append(e.requestId());
      }
      for (Map<String, Object> detail : e.errorDetailsJson()) {
        text.append("\n  detail: ").append(Json.text(detail));
      }
      if (!e.remoteTraceback().isEmpty()) {
        text.append("\n  remote traceback:\n").append(e.remoteTraceback().strip().indent(4).stripTrailing());
      } else if (e.getCause() != null) {
        text.append("\n  cause: ").append(message(e.getCause()));
      }
    } else if (!e.remoteTraceback().isEmpty()) {
      text.append("\n  (run with -v for the remote traceback)");
    }
    return text.toString();
  }

  /**
   * A failure's message, its cause's when it has none of its own.
   *
   * @param e the failure
   * @return the text
   */
  static String message(Throwable e) {
    Throwable t = ArrowRpcCli.root(e);
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      return t.getCause() != null && t.getCause() != t ? message(t.getCause()) : t.getClass().getSimpleName();
    }
    return t instanceof java.io.IOException ? t.getClass().getSimpleName() + ": " + message : message;
  }
}
