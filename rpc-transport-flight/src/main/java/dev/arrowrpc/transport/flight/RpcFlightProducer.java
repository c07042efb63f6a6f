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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

/**
 * The Flight verbs over the engine's request/response seam: discovery from the hosted protocols'
 * outlines, unary methods as actions, producer streams as DoGet. DoPut and DoExchange are not served
 * here (yet).
 */
final class RpcFlightProducer implements FlightProducer {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<String> TICKET_KEYS = Set.of("protocol", "method", "params");

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
    return new SchemaResult(getFlightInfo(context, descriptor).getSchema());
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

  /**
   * The producer call a ticket names: a request IPC stream (protocol and method from its batch
   * metadata), or JSON {@code {"protocol": ..., "method": ..., "params": {...}}} (protocol optional:
   * the primary; params optional: none).
   */
  private Call call(byte[] ticket) {
    FlightCatalog.Entry entry;
    byte[] request;
    if (Requests.isIpc(ticket)) {
      Map.Entry<Optional<String>, String> target = Requests.target(ticket, allocator);
      entry = catalog.find(target.getKey(), target.getValue());
      request = ticket;
    } else {
      Map<String, Object> json = Requests.jsonObject(ticket, "the ticket");
      for (String key : json.keySet()) {
        if (!TICKET_KEYS.contains(key)) {
          throw CallStatus.INVALID_ARGUMENT.withDescription("unknown ticket key '" + key + "' (expected "
              + "protocol, method, params)").toRuntimeException();
        }
      }
      if (!(json.get("method") instanceof String method)) {
        throw CallStatus.INVALID_ARGUMENT.withDescription("the ticket names no \"method\"").toRuntimeException();
      }
      Object protocol = json.get("protocol");
      if (protocol != null && !(protocol instanceof String)) {
        throw CallStatus.INVALID_ARGUMENT.withDescription("the ticket's \"protocol\" is not a string")
            .toRuntimeException();
      }
      entry = catalog.find(Optional.ofNullable((String) protocol), method);
      Object params = json.getOrDefault("params", Map.of());
      if (!(params instanceof Map<?, ?> map)) {
        throw CallStatus.INVALID_ARGUMENT.withDescription("the ticket's \"params\" is not an object")
            .toRuntimeException();
      }
      Map<String, Object> values = new java.util.LinkedHashMap<>();
      map.forEach((k, v) -> values.put(String.valueOf(k), v));
      request = Requests.fromJson(entry, values, allocator);
    }
    if (!entry.producible()) {
      throw CallStatus.INVALID_ARGUMENT.withDescription("'" + entry.actionType() + "' is not a producer stream"
          + (entry.method().kind() == ServiceOutline.Kind.UNARY ? ": call it with DoAction" : "")).toRuntimeException();
    }
    return new Call(entry, request);
  }

  // ------------------------------------------------------------------ DoExchange: the whole conversation

  @Override
  public void doExchange(CallContext context, FlightStream reader, ServerStreamListener writer) {
    exchanges.handle(context, reader, writer);
  }

  // ------------------------------------------------------------------ not served here

  @Override
  public Runnable acceptPut(CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
    throw CallStatus.UNIMPLEMENTED.withDescription("DoPut is not served yet").toRuntimeException();
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
