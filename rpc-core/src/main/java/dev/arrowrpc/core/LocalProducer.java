package dev.arrowrpc.core;

import dev.arrowrpc.core.util.TurnCursor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A producer backed by a state object in this JVM: what {@link Producer#of} returns. A server
 * drives its state over the wire; iterating it directly runs the state in-process (handy in unit
 * tests of an implementation).
 *
 * @param <T> the row type
 */
public final class LocalProducer<T> implements Producer<T> {
  private static final Logger LOG = LoggerFactory.getLogger(LocalProducer.class);

  private final Record header;
  private final ProducerState<T> state;
  private boolean finished;
  private final TurnCursor<T> cursor = new TurnCursor<>(() -> finished ? null : turn());

  LocalProducer(Record header, ProducerState<T> state) {
    this.header = header;
    this.state = state;
  }

  /** {@return the state that produces the stream} */
  public ProducerState<T> state() {
    return state;
  }

  /** {@return the header, if one was given} */
  public Optional<Record> headerValue() {
    return Optional.ofNullable(header);
  }

  @Override
  public Iterable<List<T>> batches() {
    return cursor::batches;
  }

  private List<T> turn() {
    LocalOutput<T> out = new LocalOutput<>();
    try {
      state.produce(out, LocalContext.INSTANCE);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new RpcException(e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
    }
    if (out.finished) {
      finished = true;
      return null;
    }
    if (out.rows == null) {
      throw new RpcException("RuntimeError", "No data batch was emitted");
    }
    return out.rows;
  }

  @Override
  public Iterator<T> iterator() {
    return TurnCursor.rows(cursor.batches());
  }

  @Override
  public <H extends Record> H header(Class<H> type) {
    if (header == null) {
      throw new IllegalStateException("this stream has no header");
    }
    return type.cast(header);
  }

  @Override
  public void cancel() {
    if (!finished) {
      finished = true;
      state.onCancel(LocalContext.INSTANCE);
    }
  }

  @Override
  public void close() {
    cancel();
  }

  /** Collects one in-process turn. */
  static final class LocalOutput<T> implements StreamOutput<T> {
    List<T> rows;
    boolean finished;

    @Override
    public void emit(List<T> rows) {
      if (this.rows != null || finished) {
        throw new IllegalStateException("a turn emits exactly one batch");
      }
      this.rows = new ArrayList<>(rows);
    }

    @Override
    public void finish() {
      finished = true;
    }

    @Override
    public void log(LogLevel level, String message, Map<String, String> extra) {
      LOG.info("[{}] {} {}", level, message, extra);
    }
  }

  /** The context of an in-process run: anonymous, no request. */
  static final class LocalContext implements CallContext {
    static final LocalContext INSTANCE = new LocalContext();

    @Override
    public Optional<String> principal() {
      return Optional.empty();
    }

    @Override
    public String authDomain() {
      return "";
    }

    @Override
    public String requestId() {
      return "";
    }

    @Override
    public String method() {
      return "";
    }

    @Override
    public Map<String, String> requestMetadata() {
      return Map.of();
    }

    @Override
    public void log(LogLevel level, String message, Map<String, String> extra) {
      LOG.info("[{}] {} {}", level, message, extra);
    }
  }
}
