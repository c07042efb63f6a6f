package dev.arrowrpc.transport.flight;

import dev.arrowrpc.core.auth.Identity;
import dev.arrowrpc.core.spi.RequestEngine;
import dev.arrowrpc.core.spi.ServiceOutline;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Flight verbs over the engine's request/response seam: discovery from the hosted protocols'
 * outlines, unary methods as actions, producer streams as DoGet, exchange streams as DoPut (with acks)
 * and as natural DoExchange; the DoExchange conversation mapping goes to {@link ExchangeCalls}.
 */
final class RpcFlightProducer implements FlightProducer {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final RequestEngine engine;
  private final FlightCatalog catalog;
  private final BufferAllocator allocator;
  private final BooleanSupplier stopping;
  private final ExchangeCalls exchanges;
  private int active;

  RpcFlightProducer(RequestEngine engine, List<ServiceOutline> outlines, BufferAllocator allocator,
      BooleanSupplier stopping, ExchangeCalls exchanges) {
    this.engine = engine;
    this.exchanges = exchanges;
    this.catalog = new FlightCatalog(outlines);
    this.allocator = allocator;
    this.stopping = stopping;
  }

  /** A producer call a ticket (or a command descriptor) names: the method and its request stream. */
  private record Call(FlightCatalog.Entry entry, byte[] request) {}

  // ------------------------------------------------------------------ discovery

  @Override
  public void listFlights(CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
    String protocol = new String(criteria.getExpression(), StandardCharsets.UTF_8);
    for (FlightCatalog.Entry entry : catalog.entries()) {
      if (protocol.isEmpty() || protocol.equals(entry.protocol())) {
        listener.onNext(FlightCatalog.info(entry,
            FlightDescriptor.path(entry.protocol(), entry.method().name()), List.of()));
      }
    }
    listener.onCompleted();
  }

  @Override
  public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
    if (!descriptor.isCommand()) {
      return FlightCatalog.info(catalog.byPath(descriptor.getPath()), descriptor, List.of());
    }
    byte[] command = descriptor.getCommand();
    Call call = call(command);
    return FlightCatalog.info(call.entry(), descriptor, List.of(new FlightEndpoint(new Ticket(command))));
  }

  @Override
  public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
    // FlightInfo keeps no schema without fields: an empty one then, as its deprecated getSchema() gives
    Optional<Schema> schema = getFlightInfo(context, descriptor).getSchemaOptional();
    return new SchemaResult(schema.orElseGet(() -> new Schema(List.of())));
  }

  @Override
  public void listActions(CallContext context, StreamListener<ActionType> listener) {
    catalog.actions().forEach(listener::onNext);
    listener.onCompleted();
  }

  // ------------------------------------------------------------------ unary methods

  @Override
  public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
    try {
      FlightCatalog.Entry entry = catalog.byActionType(action.getType());
      if (entry.method().kind() != ServiceOutline.Kind.UNARY) {
        throw CallStatus.INVALID_ARGUMENT.withDescription("'" + entry.actionType() + "' is a "
            + entry.method().kind().name().toLowerCase(java.util.Locale.ROOT)
            + " stream: read producers with DoGet").toRuntimeException();
      }
      byte[] body = action.getBody();
      byte[] request = Requests.isIpc(body) ? body
          : Requests.fromJson(entry, Requests.jsonObject(body, "the action body"), allocator);
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      engine.handle(RequestEngine.Route.UNARY, entry.protocol(), entry.method().name(),
          new ByteArrayInputStream(request), answer, caller(context));
      byte[] bytes = answer.toByteArray();
      Answers.Unary outcome = Answers.unary(bytes, allocator);
      if (outcome.error().isPresent()) {
        listener.onError(FlightErrors.of(outcome.error().get(), outcome.logs()));
        return;
      }
      listener.onNext(new Result(bytes));
      listener.onCompleted();
    } catch (FlightRuntimeException e) {
      listener.onError(e);
    } catch (IOException | RuntimeException e) {
      listener.onError(CallStatus.INTERNAL.withDescription("the action failed: " + e).withCause(e)
          .toRuntimeException());
    }
  }

  // ------------------------------------------------------------------ producer streams

  @Override
  public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
    Call call;
    try {
      call = call(ticket.getBytes());
    } catch (FlightRuntimeException e) {
      listener.error(e);
      return;
    }
    synchronized (this) {
      active++;
    }
    try {
      new ProducerPump(engine, call.entry(), listener, allocator, caller(context), stopping).run(call.request());
    } finally {
      synchronized (this) {
        active--;
        notifyAll();
      }
    }
  }

  /**
   * Waits until no producer stream runs (a stream's call may end before its loop has released its memory).
   *
   * @param timeout how long to wait at most
   * @return whether none runs
   * @throws InterruptedException when interrupted while waiting
   */
  synchronized boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (active > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /** The producer call a ticket names (see {@link Tickets}); only producers are served by DoGet. */
  private Call call(byte[] ticket) {
    Tickets.Call parsed = Tickets.parse(catalog, ticket, allocator);
    FlightCatalog.Entry entry = parsed.entry();
    if (!entry.producible()) {
      throw CallStatus.INVALID_ARGUMENT.withDescription("'" + entry.actionType() + "' is not a producer stream"
          + (entry.method().kind() == ServiceOutline.Kind.UNARY ? ": call it with DoAction" : "")).toRuntimeException();
    }
    return new Call(entry, parsed.request());
  }

  // ------------------------------------------------------------------ DoExchange

  /**
   * The conversation command ({@code arrowrpc.exchange.v1}, the typed client's mapping) goes to {@link
   * ExchangeCalls}; any other descriptor names an exchange method served naturally ({@link NaturalExchange}).
   */
  @Override
  public void doExchange(CallContext context, FlightStream reader, ServerStreamListener writer) {
    FlightDescriptor descriptor = reader.getDescriptor();
    if (ExchangeConversation.isConversation(descriptor)) {
      exchanges.handle(context, reader, writer);
      return;
    }
    Tickets.Call call;
    try {
      call = Tickets.requireExchange(Tickets.of(catalog, descriptor, allocator), "DoExchange");
    } catch (FlightRuntimeException e) {
      writer.error(e);
      return;
    }
    running(() -> new NaturalExchange(engine, call, allocator, caller(context), stopping).run(reader, writer));
  }

  // ------------------------------------------------------------------ DoPut

  /** The descriptor names an exchange method; each put batch is one turn, acked with its output ({@link PutAcks}). */
  @Override
  public Runnable acceptPut(CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
    return () -> {
      Tickets.Call call;
      try {
        call = Tickets.requireExchange(Tickets.of(catalog, flightStream.getDescriptor(), allocator), "DoPut");
      } catch (FlightRuntimeException e) {
        ackStream.onError(e);
        return;
      }
      running(() -> new PutAcks(engine, call, allocator, caller(context), stopping).run(flightStream, ackStream));
    };
  }

  /** Runs a stream's loop, counted among the streams {@link #awaitIdle} waits for. */
  private void running(Runnable loop) {
    synchronized (this) {
      active++;
    }
    try {
      loop.run();
    } finally {
      synchronized (this) {
        active--;
        notifyAll();
      }
    }
  }

  /**
   * Who makes a Flight call: the identity its headers authenticated as ({@link FlightAuth}; anonymous
   * without an authenticator) and the peer's address (empty when gRPC does not know it), with a fresh
   * request id.
   */
  private static RequestEngine.Caller caller(CallContext context) {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    Optional<FlightAuth.Session> session = FlightAuth.session(context);
    return new RequestEngine.Caller(session.map(FlightAuth.Session::identity).orElse(Identity.ANONYMOUS),
        HexFormat.of().formatHex(id), session.map(FlightAuth.Session::peerAddress).orElse(""));
  }
}
