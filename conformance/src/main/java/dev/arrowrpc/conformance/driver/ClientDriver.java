package dev.arrowrpc.conformance.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.reflect.ProtocolList;
import dev.arrowrpc.core.reflect.ProtocolSummary;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.spi.BatchCalls;
import dev.arrowrpc.transport.http.HttpCapabilities;
import dev.arrowrpc.transport.http.HttpSession;
import dev.arrowrpc.transport.http.UploadUrl;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The client driver of the reference's client-driver control protocol
 * (tools/cross-port/specs/CLIENT_DRIVER_PROTOCOL.md of vgi-rpc 0.52.2): one JSON request per line
 * on stdin, one JSON response per line on stdout, strictly in lockstep, one connection per process.
 * It relays the harness's Arrow batches to arrow-rpc's client ({@link BatchCalls}) and nothing
 * else: the method comes from the batch's {@code vgi_rpc.method}, the protocol from {@code
 * connect}, the stream kind and header from {@code stream_open}; values are never decoded, errors
 * never normalised, pointers resolved only by the client. Diagnostics go to stderr.
 *
 * <p>Streams are flat: stream ops act on the one open stream; a terminal event (end, error, cancel,
 * close) clears it.
 */
public final class ClientDriver {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The introspection format version the reference's {@code DESCRIBE_VERSION} names. */
  private static final String DESCRIBE_VERSION = "5";
  private static final byte[] END_OF_STREAM = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0};

  private final PrintStream control;
  private DriverConnection connection;
  private BatchCalls.Stream stream;

  private ClientDriver(PrintStream control) {
    this.control = control;
  }

  /**
   * Runs the driver until {@code shutdown} or the end of stdin; with {@code --serve}, runs the
   * driver service instead ({@link DriverService}).
   *
   * @param args none, or {@code --serve}
   * @throws IOException when stdin or stdout fails
   */
  public static void main(String[] args) throws IOException {
    // stdout is the control channel and nothing else: whatever else prints goes to stderr
    PrintStream control = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    System.setOut(System.err);
    if (args.length == 1 && args[0].equals("--serve")) {
      DriverService.serve(control);
      return;
    }
    run(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), control);
    System.exit(0);
  }

  /**
   * One driver session: request lines from {@code in}, responses to {@code control}, until {@code
   * shutdown} or the end of input (which tears down as {@code shutdown} does, without a response).
   */
  static void run(BufferedReader in, PrintStream control) throws IOException {
    ClientDriver driver = new ClientDriver(control);
    try {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        if (!driver.handle(line)) {
          break;
        }
      }
    } finally {
      driver.teardown();
      control.flush();
    }
  }

  /** Handles one request line; false after {@code shutdown}. */
  private boolean handle(String line) {
    ObjectNode response;
    boolean goOn = true;
    try {
      JsonNode op = JSON.readTree(line);
      if (op == null || !op.isObject() || !op.path("op").isTextual()) {
        throw new DriverException("a request is a JSON object with a string 'op'");
      }
      String name = op.get("op").asText();
      if (name.equals("shutdown")) {
        teardown();
        response = ok();
        goOn = false;
      } else {
        response = dispatch(name, op);
      }
    } catch (DriverException e) {
      response = refusal(e.getMessage());
    } catch (IOException e) {
      response = refusal("control line unreadable or transport failed: " + e);
    } catch (RuntimeException e) {
      e.printStackTrace(System.err);
      response = refusal(e.toString());
    }
    write(response);
    return goOn;
  }

  private ObjectNode dispatch(String name, JsonNode op) throws IOException {
    if (name.equals("connect")) {
      if (connection != null) {
        throw new DriverException("connect arrives once per driver process");
      }
      connection = DriverConnection.open(op);
      return ok();
    }
    if (connection == null) {
      throw new DriverException("no connection yet: 'connect' comes first");
    }
    return switch (name) {
      case "unary" -> unary(op);
      case "describe" -> describe();
      case "stream_open" -> streamOpen(op);
      case "tick" -> tick(op, false);
      case "next_with_token" -> tick(op, true);
      case "exchange" -> exchange(op);
      case "cancel" -> endStream(true);
      case "close" -> endStream(false);
      case "capabilities" -> capabilities();
      case "request_upload_urls" -> requestUploadUrls(op);
      case "session_begin" -> sessionBegin(op);
      case "session_token" -> sessionToken(false);
      case "session_detach" -> sessionToken(true);
      case "session_echo_headers" -> sessionEchoHeaders();
      case "session_end" -> sessionEnd();
      default -> throw new DriverException("unknown op '" + name + "'");
    };
  }

  // -- calls ---------------------------------------------------------------------------------

  private ObjectNode unary(JsonNode op) {
    try (IpcPayload request = payload(op, "request_b64")) {
      ObjectNode response = ok();
      try {
        Optional<byte[]> result = connection.batches().unary(batchRequest(request));
        response.put("result_b64", result.map(ClientDriver::base64).orElse(null));
        response.putNull("error");
      } catch (RpcException e) {
        response.putNull("result_b64");
        response.set("error", errorObject(e));
      }
      return withLogs(response);
    }
  }

  private ObjectNode streamOpen(JsonNode op) {
    if (stream != null) {
      throw new DriverException("a stream is already open on this connection");
    }
    if (!op.path("is_exchange").isBoolean() || !op.path("has_header").isBoolean()) {
      throw new DriverException("stream_open: 'is_exchange' and 'has_header' are required booleans");
    }
    boolean hasHeader = op.get("has_header").asBoolean();
    try (IpcPayload request = payload(op, "request_b64")) {
      ObjectNode response = ok();
      try {
        BatchCalls.Stream opened = connection.batches().open(batchRequest(request), hasHeader);
        try {
          response.put("header_b64", opened.headerBatch().map(ClientDriver::base64).orElse(null));
        } catch (RuntimeException e) {
          opened.close();
          throw e;
        }
        stream = opened;
        response.putNull("error");
      } catch (RpcException e) {
        response.putNull("header_b64");
        response.set("error", errorObject(e));
      }
      return withLogs(response);
    }
  }

  private ObjectNode tick(JsonNode op, boolean withToken) {
    BatchCalls.Stream open = requireStream();
    Map<String, String> metadata = Map.of();
    JsonNode input = op.get("input_b64");
    if (input != null && !input.isNull()) {
      // the input is an empty batch whose metadata is the tick's: the batch itself is ignored
      try (IpcPayload tickInput = payload(op, "input_b64")) {
        metadata = Map.copyOf(tickInput.metadata());
      }
    }
    Map<String, String> tickMetadata = metadata;
    return turn(withToken, () -> open.tick(tickMetadata));
  }

  private ObjectNode exchange(JsonNode op) {
    BatchCalls.Stream open = requireStream();
    try (IpcPayload input = payload(op, "input_b64")) {
      return turn(false, () -> open.exchange(input.schema(), input.batch(), input.metadata()));
    }
  }

  /** One stream turn: the batch, or the end, or the error (both terminal). */
  private ObjectNode turn(boolean withToken, java.util.function.Supplier<Optional<byte[]>> step) {
    BatchCalls.Stream open = stream;
    ObjectNode response = ok();
    try {
      Optional<byte[]> batch = step.get();
      response.put("done", batch.isEmpty());
      response.put("batch_b64", batch.map(ClientDriver::base64).orElse(null));
      if (withToken) {
        response.put("token", batch.isPresent() ? open.resumeToken().orElse(null) : null);
      }
      response.putNull("error");
      if (batch.isEmpty()) {
        release(open);
      }
    } catch (RpcException e) {
      response.put("done", true);
      response.putNull("batch_b64");
      response.set("error", errorObject(e));
      release(open);
    }
    return withLogs(response);
  }

  private ObjectNode endStream(boolean cancel) {
    BatchCalls.Stream open = stream;
    if (open != null) {
      stream = null;
      if (cancel) {
        open.cancel();
      } else {
        open.close();
      }
    }
    return withLogs(ok());
  }

  /** Forgets a stream that ended, closing it on the client (idempotent there). */
  private void release(BatchCalls.Stream open) {
    stream = null;
    open.close();
  }

  private BatchCalls.Stream requireStream() {
    if (stream == null) {
      throw new DriverException("no stream is open");
    }
    return stream;
  }

  private BatchCalls.Request batchRequest(IpcPayload request) {
    String method = request.metadata().get("vgi_rpc.method");
    if (method == null) {
      // never defaulted: a lost method name is a harness or reader bug, said as such
      throw new DriverException("request batch has no 'vgi_rpc.method' in its custom metadata");
    }
    return new BatchCalls.Request(connection.protocol(), method, request.schema(), request.batch(),
        request.metadata());
  }

  private IpcPayload payload(JsonNode op, String field) {
    JsonNode value = op.get(field);
    if (value == null || !value.isTextual()) {
      throw new DriverException("'" + field + "' is required (base64 Arrow IPC stream)");
    }
    return IpcPayload.read(value.asText(), connection.allocator());
  }

  // -- describe ------------------------------------------------------------------------------

  /**
   * The server's description of its primary protocol, by reflection: {@code list_protocols}, then
   * {@code describe} on the first protocol that is not the framework's.
   */
  private ObjectNode describe() {
    ObjectNode response = ok();
    try {
      RpcClient client = connection.client();
      ProtocolList listing = client.listProtocols();
      ProtocolSummary primary = listing.primary().orElseThrow(() -> new RpcException("ProtocolError",
          "the server hosts no application protocol (every listed protocol is the framework's)"));
      ServiceDescription description = client.describe(primary.protocol());
      ObjectNode described = JSON.createObjectNode();
      described.put("protocol_name", description.protocol());
      described.put("request_version", listing.requestVersion());
      described.put("describe_version", DESCRIBE_VERSION);
      described.put("protocol_hash", description.protocolHash());
      described.put("server_id", listing.serverId());
      described.put("protocol_version", description.protocolVersion());
      ArrayNode methods = described.putArray("methods");
      for (MethodInfo method : description.methods()) {
        ObjectNode entry = methods.addObject();
        entry.put("name", method.name());
        entry.put("method_type", method.methodType());
        entry.put("has_return", method.hasReturn());
        entry.put("has_header", method.hasHeader());
        switch (method.streamKind()) {
          case "exchange" -> entry.put("is_exchange", true);
          case "producer" -> entry.put("is_exchange", false);
          default -> entry.putNull("is_exchange");
        }
        entry.put("params_schema_b64", schema(method.paramsSchemaIpc()));
        entry.put("result_schema_b64", schema(method.resultSchemaIpc()));
        entry.put("header_schema_b64", schema(method.headerSchemaIpc()));
      }
      response.set("describe", described);
      response.putNull("error");
    } catch (RpcException e) {
      response.set("error", errorObject(e));
    }
    return withLogs(response);
  }

  /** A schema message as the IPC stream the protocol carries (schema, end-of-stream); null when absent. */
  private static String schema(byte[] message) {
    if (message == null || message.length == 0) {
      return null;
    }
    byte[] stream = new byte[message.length + END_OF_STREAM.length];
    System.arraycopy(message, 0, stream, 0, message.length);
    System.arraycopy(END_OF_STREAM, 0, stream, message.length, END_OF_STREAM.length);
    return base64(stream);
  }

  // -- HTTP-only ops -------------------------------------------------------------------------

  /**
   * What the server advertises on {@code OPTIONS /health}, as the client read it. A refusal the
   * client reports is a driver failure here: the op has no error slot.
   */
  private ObjectNode capabilities() throws IOException {
    HttpCapabilities caps;
    try {
      caps = connection.http().capabilities();
    } catch (RpcException e) {
      throw new DriverException("capabilities: " + e.getMessage());
    }
    ObjectNode response = ok();
    ObjectNode out = response.putObject("caps");
    out.put("sticky_enabled", caps.stickyEnabled());
    putOptional(out, "sticky_default_ttl", caps.stickyDefaultTtl());
    ArrayNode echo = out.putArray("sticky_echo_headers");
    caps.stickyEchoHeaders().forEach(echo::add);
    out.put("upload_url_support", caps.uploadUrlSupport());
    putOptional(out, "max_request_bytes", caps.maxRequestBytes());
    putOptional(out, "max_response_bytes", caps.maxResponseBytes());
    putOptional(out, "max_externalized_response_bytes", caps.maxExternalizedResponseBytes());
    out.put("externalization_enabled", caps.externalizationEnabled());
    putOptional(out, "max_upload_bytes", caps.maxUploadBytes());
    ArrayNode encodings = out.putArray("supported_encodings");
    caps.supportedEncodings().forEach(encodings::add);
    return response;
  }

  private static void putOptional(ObjectNode node, String field, OptionalLong value) {
    if (value.isPresent()) {
      node.put(field, value.getAsLong());
    } else {
      node.putNull(field);
    }
  }

  /** Upload URL pairs from the server, {@code expires_at} in Unix seconds. */
  private ObjectNode requestUploadUrls(JsonNode op) throws IOException {
    JsonNode count = op.path("count");
    if (!count.isMissingNode() && !count.isNull() && !count.canConvertToInt()) {
      throw new DriverException("request_upload_urls: 'count' must be an integer");
    }
    List<UploadUrl> urls;
    try {
      urls = connection.http().requestUploadUrls(count.isIntegralNumber() ? count.asInt() : 1);
    } catch (RpcException e) {
      throw new DriverException("request_upload_urls: " + e.errorType() + ": " + e.errorMessage());
    }
    ObjectNode response = ok();
    ArrayNode out = response.putArray("urls");
    for (UploadUrl url : urls) {
      ObjectNode entry = out.addObject();
      entry.put("upload_url", url.uploadUrl());
      entry.put("download_url", url.downloadUrl());
      entry.put("expires_at", url.expiresAt().getEpochSecond());
    }
    return response;
  }

  private ObjectNode sessionBegin(JsonNode op) {
    JsonNode token = op.path("token");
    if (!token.isMissingNode() && !token.isNull() && !token.isTextual()) {
      throw new DriverException("session_begin: 'token' must be a string or null");
    }
    connection.beginSession(Optional.ofNullable(token.isTextual() ? token.asText() : null)
        .filter(t -> !t.isEmpty()));
    return ok();
  }

  /** The innermost session's token ({@code session_token}), or detaches it ({@code session_detach}). */
  private ObjectNode sessionToken(boolean detach) {
    Optional<HttpSession> session = connection.session();
    Optional<String> token = session.flatMap(detach ? HttpSession::detach : HttpSession::token);
    ObjectNode response = ok();
    response.put("token", token.orElse(null));
    return response;
  }

  private ObjectNode sessionEchoHeaders() {
    ObjectNode response = ok();
    ObjectNode headers = response.putObject("headers");
    connection.session().ifPresent(session -> session.echoHeaders().forEach(headers::put));
    return response;
  }

  private ObjectNode sessionEnd() throws IOException {
    connection.endSession();
    return ok();
  }

  // -- responses -----------------------------------------------------------------------------

  private static ObjectNode ok() {
    ObjectNode response = JSON.createObjectNode();
    response.put("ok", true);
    return response;
  }

  private static ObjectNode refusal(String message) {
    ObjectNode response = JSON.createObjectNode();
    response.put("ok", false);
    response.put("error", message == null ? "driver failure" : message);
    return response;
  }

  /** The error object of CLIENT_DRIVER_PROTOCOL.md section 2, from the client's own exception. */
  private static ObjectNode errorObject(RpcException e) {
    ObjectNode error = JSON.createObjectNode();
    error.put("error_type", e.errorType());
    error.put("error_message", e.errorMessage());
    error.put("traceback", e.remoteTraceback() == null ? "" : e.remoteTraceback());
    error.put("error_code", e.errorCodeName());
    error.put("error_kind", e.errorKind().orElse(""));
    error.set("error_details", JSON.valueToTree(e.errorDetailsJson()));
    return error;
  }

  private ObjectNode withLogs(ObjectNode response) {
    ArrayNode logs = response.putArray("logs");
    if (connection != null) {
      for (LogMessage message : connection.drainLogs()) {
        ObjectNode entry = logs.addObject();
        entry.put("level", message.level().name());
        entry.put("message", message.message());
        ObjectNode extra = entry.putObject("extra");
        message.extra().forEach(extra::put);
      }
    }
    return response;
  }

  private void write(ObjectNode response) {
    try {
      control.print(JSON.writeValueAsString(response));
    } catch (IOException e) {
      control.print("{\"ok\":false,\"error\":\"response not serializable\"}");
    }
    control.print('\n');
    control.flush();
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Ends any open stream and closes the connection (the worker process, the socket, the pool). */
  private void teardown() {
    if (stream != null) {
      try {
        stream.close();
      } catch (RuntimeException e) {
        System.err.println("client-driver: closing the stream failed: " + e);
      }
      stream = null;
    }
    if (connection != null) {
      try {
        connection.close();
      } catch (IOException | RuntimeException e) {
        System.err.println("client-driver: closing the connection failed: " + e);
      }
      connection = null;
    }
  }
}
