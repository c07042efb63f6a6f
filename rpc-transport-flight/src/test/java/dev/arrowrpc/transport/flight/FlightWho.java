package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.ProducerState;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.StreamOutput;
import dev.arrowrpc.core.TransportKind;

/** Reports who calls, as the method's {@link CallContext} sees it, by every kind of call. */
@RpcService(version = "1.0.0")
public interface FlightWho {
  /** {@return {@code principal|domain|transport} of the caller} */
  String whoami();

  /** {@return one row: the caller, as {@link #whoami()}} */
  Producer<Seen> seen();

  /** A producer's row. */
  record Seen(String who) {}

  /** {@return {@code principal|domain|transport} of a context} */
  static String describe(CallContext context) {
    return context.principal().orElse("") + "|" + context.authDomain() + "|"
        + context.transportKind().map(TransportKind::label).orElse("");
  }

  /** The implementation. */
  final class Impl implements FlightWho {
    @Override
    public String whoami() {
      return describe(CallContext.current().orElseThrow());
    }

    @Override
    public Producer<Seen> seen() {
      return Producer.of(new Once());
    }
  }

  /** Emits the caller once. */
  final class Once implements ProducerState<Seen> {
    private boolean done;

    @Override
    public void produce(StreamOutput<Seen> out, CallContext context) {
      if (done) {
        out.finish();
      } else {
        out.emitRow(new Seen(describe(context)));
        done = true;
      }
    }
  }
}
