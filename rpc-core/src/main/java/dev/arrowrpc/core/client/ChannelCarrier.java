package dev.arrowrpc.core.client;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.core.wire.WireInput;
import dev.arrowrpc.core.wire.WireOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Carries calls over one byte channel: requests and answers are IPC streams back to back on one
 * conversation, one call at a time; an open stream holds the channel until it ends ({@link
 * ChannelTurns}). An I/O failure makes the channel unusable, unless the transport carries each call
 * on a stream of its own ({@link ByteTransport#callScoped()}): then only the failed call is lost.
 */
final class ChannelCarrier implements CallCarrier {
  private final ByteTransport transport;
  private final WireInput in;
  private final WireOutput out;
  private final AnswerReader answers;
  /**
   * The call or stream holding the channel, or null: taken and given back by a compare-and-set (one
   * atomic operation each way, where a lock took two).
   */
  private final java.util.concurrent.atomic.AtomicReference<Object> active =
      new java.util.concurrent.atomic.AtomicReference<>();
  private volatile boolean broken;
  private volatile boolean closed;

  ChannelCarrier(ByteTransport transport, AnswerReader answers) {
    this.transport = transport;
    this.in = new WireInput(transport.input(), 1 << 16);
    this.out = new WireOutput(transport.output(), 1 << 16);
    this.answers = answers;
  }

  @Override
  public AnswerReader answers() {
    return answers;
  }

  InputStream in() {
    return in;
  }

  OutputStream out() {
    return out;
  }

  @Override
  public <T> Optional<T> unary(Call call, ClientCodec.BatchDecoder<T> decoder) throws IOException {
    Object token = new Object();
    begin(token);
    try {
      call.writeTo(out);
      return answers.read(in, call.memory(), decoder);
    } finally {
      finished(token);
    }
  }

  @Override
  public <T> TurnCarrier<T> open(Call call, TurnCarrier.OutputDecoder<T> decoder) throws IOException {
    Object token = new Object();
    begin(token);
    try {
      call.writeTo(out);
      Optional<Record> header = call.header().isPresent()
          ? Optional.of(readHeader(call, decoder))
          : Optional.empty();
      ChannelTurns<T> turns = new ChannelTurns<>(this, call.name(), call.memory(), header, decoder);
      end(token);
      begin(turns);
      return turns;
    } catch (IOException | RuntimeException e) {
      finished(token);
      throw e;
    }
  }

  /**
   * Reads a stream's header. When the server sent a header this client cannot decode, the server
   * has gone on to the stream itself: the stream is ended (input closed, output drained) before
   * the error is raised, so the channel stays in step for the next call.
   */
  private <T> Record readHeader(Call call, TurnCarrier.OutputDecoder<T> decoder) throws IOException {
    String method = call.name();
    ClientCodec.BatchDecoder<Record> headers = call.header().orElseThrow();
    boolean[] undecodable = {false};
    try {
      return answers.read(in, call.memory(), (reader, context) -> {
        try {
          return headers.decode(reader, context);
        } catch (RuntimeException e) {
          undecodable[0] = true;
          throw e;
        }
      }).orElseThrow(() -> new RpcException("ProtocolError",
          "the stream header of '" + method + "' is missing"));
    } catch (RpcException e) {
      if (undecodable[0]) {
        new ChannelTurns<>(this, method, call.memory(), Optional.empty(), decoder).close();
      } else {
        // the server refused the stream in place of its header: complete the call with an empty
        // input stream, as the reference's client does, so a server that drains one stays in step
        completeRefusedStream();
      }
      throw e;
    }
  }

  private void completeRefusedStream() throws IOException {
    try (IpcStreamWriter writer = IpcStreamWriter.start(out, MethodSpec.EMPTY_SCHEMA)) {
      // schema and end-of-stream only: no batch
    }
    out.flush();
  }

  /** Marks the start of a call or stream; fails when the channel is busy or unusable. */
  void begin(Object call) {
    if (closed) {
      throw new RpcException("ProtocolError", "the connection is closed");
    }
    if (broken) {
      throw new RpcException("TransportError", "the connection failed earlier and cannot be reused"
          + hint());
    }
    if (!active.compareAndSet(null, call)) {
      throw new RpcException("ProtocolError",
          "the connection is busy with an open stream: close the stream before the next call");
    }
  }

  /** Marks the end of a call or stream. */
  void end(Object call) {
    active.compareAndSet(call, null);
  }

  /** Marks the end of a call or stream after which the channel is idle, and tells the transport. */
  void finished(Object call) {
    if (active.compareAndSet(call, null)) {
      transport.callEnded();
    }
  }

  @Override
  public RpcException transportFailure(String during, IOException cause) {
    if (transport.callScoped()) {
      // the failed call's stream is gone with whatever it left buffered; the next call opens another
      in.discardBuffered();
      out.discardBuffered();
    } else {
      broken = true;
    }
    RpcException error = new RpcException("TransportError",
        "transport failed during " + during + ": " + cause.getMessage() + hint());
    error.initCause(cause);
    return error;
  }

  private String hint() {
    String hint = transport.failureHint();
    return hint.isEmpty() ? "" : " (" + hint + ")";
  }

  /** Closes the channel. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      out.flush();
    } catch (IOException ignored) {
      // the peer may be gone already
    }
    transport.close();
  }
}
