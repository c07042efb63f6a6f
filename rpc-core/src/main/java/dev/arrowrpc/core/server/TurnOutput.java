package dev.arrowrpc.core.server;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.StreamOutput;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One turn of a stream on the server: logs go straight to the client (through the call's
 * context), the data batch is held until the state returns so it follows every log.
 */
final class TurnOutput<T> implements StreamOutput<T> {
  private final boolean producer;
  private List<T> rows;
  private boolean finished;

  TurnOutput(boolean producer) {
    this.producer = producer;
  }

  @Override
  public void emit(List<T> rows) {
    if (finished) {
      throw new IllegalStateException("emit() after finish()");
    }
    if (this.rows != null) {
      throw new IllegalStateException("a turn emits exactly one batch");
    }
    this.rows = List.copyOf(rows);
  }

  @Override
  public void finish() {
    if (!producer) {
      throw new IllegalStateException("finish() is for producer streams; an exchange ends when the client closes it");
    }
    if (rows != null) {
      throw new IllegalStateException("finish() after emit() in the same turn");
    }
    finished = true;
  }

  @Override
  public void log(LogLevel level, String message, Map<String, String> extra) {
    CallContext.current().orElseThrow(() -> new IllegalStateException("log() outside the turn"))
        .log(level, message, extra);
  }

  boolean finished() {
    return finished;
  }

  Optional<List<T>> rows() {
    return Optional.ofNullable(rows);
  }
}
