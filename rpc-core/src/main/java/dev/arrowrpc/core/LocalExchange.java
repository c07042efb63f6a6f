package dev.arrowrpc.core;

import java.util.List;
import java.util.Optional;

/**
 * An exchange backed by a state object in this JVM: what {@link Exchange#of} returns. A server
 * drives its state over the wire; calling {@link #exchange} directly runs the state in-process.
 *
 * @param <I> the input row type
 * @param <O> the output row type
 */
public final class LocalExchange<I, O> implements Exchange<I, O> {
  private final Record header;
  private final ExchangeState<I, O> state;
  private boolean closed;

  LocalExchange(Record header, ExchangeState<I, O> state) {
    this.header = header;
    this.state = state;
  }

  /** {@return the state that answers each input batch} */
  public ExchangeState<I, O> state() {
    return state;
  }

  /** {@return the header, if one was given} */
  public Optional<Record> headerValue() {
    return Optional.ofNullable(header);
  }

  @Override
  public List<O> exchange(List<I> input) {
    if (closed) {
      throw new RpcException("ProtocolError", "exchange is closed");
    }
    LocalProducer.LocalOutput<O> out = new LocalProducer.LocalOutput<>();
    try {
      state.exchange(input, out, LocalProducer.LocalContext.INSTANCE);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new RpcException(e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
    }
    if (out.rows == null) {
      throw new RpcException("RuntimeError", "No data batch was emitted");
    }
    return out.rows;
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
    if (!closed) {
      closed = true;
      state.onCancel(LocalProducer.LocalContext.INSTANCE);
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
