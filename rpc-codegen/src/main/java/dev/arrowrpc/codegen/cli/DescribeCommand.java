package dev.arrowrpc.codegen.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.reflect.ProtocolList;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.transport.http.HttpCapabilities;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arrow-rpc describe}: protocols, methods, kinds, schemas, idempotency, deprecation, hashes. */
@Command(name = "describe", mixinStandardHelpOptions = true,
    header = "Describe protocols, methods, schemas and hashes (table or JSON).", description = {
    "Describes the service by reflection (vgi_rpc.Reflection.v1): each protocol with its "
        + "version and protocol hash, each method with its kind, parameter, result and stream-header "
        + "schemas, idempotency and deprecation.",
    "Doc strings: the reflection of vgi-rpc 0.52.2 carries none on the wire, so none are shown.",
    "Types read as pyarrow names them (int64, string, list<string>); '?' marks a nullable "
        + "field."})
final class DescribeCommand extends ServiceCommand {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Option(names = "--protocol", paramLabel = "NAME", description = "Only this protocol.")
  Optional<String> protocol = Optional.empty();

  @Option(names = "--all", description = "Include the framework's protocols (vgi_rpc.*).")
  boolean all;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
      description = "auto (default: table on a terminal, else json), table or json.")
  Format format = Format.auto;

  /** The formats. */
  enum Format {
    /** A table on a terminal, JSON for a program. */
    auto,
    /** For people. */
    table,
    /** One JSON document. */
    json
  }

  DescribeCommand(ArrowRpcCli.Console console) {
    super(console);
  }

  @Override
  int run(RpcClient client, BufferAllocator memory) {
    ProtocolList listing = client.listProtocols();
    List<ServiceDescription> descriptions = describe(client, listing, protocol, all);
    Optional<HttpCapabilities> capabilities = connection.httpCapabilities();
    if (format == Format.json || (format == Format.auto && !console.outTerminal())) {
      ObjectNode document = json(listing, descriptions);
      capabilities.ifPresent(caps -> document.set("capabilities", capabilities(caps)));
      console.out().println(Json.pretty(document));
    } else {
      table(console.out(), listing, descriptions);
      capabilities.ifPresent(caps -> {
        console.out().println();
        console.out().println("Capabilities:");
        capabilities(caps).properties().forEach(field ->
            console.out().println("  " + field.getKey() + ": " + Json.text(field.getValue())));
      });
    }
    return Exit.OK;
  }

  /**
   * The JSON form.
   *
   * @param listing the server's list
   * @param descriptions the protocols described
   * @return the document
   */
  static ObjectNode json(ProtocolList listing, List<ServiceDescription> descriptions) {
    ObjectNode root = NODES.objectNode();
    root.put("server_id", listing.serverId());
    root.put("server_version", listing.serverVersion());
    root.put("request_version", listing.requestVersion());
    ArrayNode protocols = root.putArray("protocols");
    for (ServiceDescription description : descriptions) {
      ObjectNode p = protocols.addObject();
      p.put("protocol", description.protocol());
      p.put("protocol_version", description.protocolVersion());
      p.put("protocol_hash", description.protocolHash());
      p.put("deprecated", description.deprecated());
      p.put("deprecation_message", description.deprecationMessage());
      ArrayNode methods = p.putArray("methods");
      for (MethodInfo method : description.methods()) {
        ObjectNode m = methods.addObject();
        m.put("name", method.name());
        m.put("kind", ListCommand.kind(method));
        m.put("method_type", method.methodType());
        m.put("has_return", method.hasReturn());
        m.put("has_header", method.hasHeader());
        m.put("idempotency", method.idempotency());
        m.put("deprecated", method.deprecated());
        m.put("deprecation_message", method.deprecationMessage());
        m.set("params", fields(method.paramsSchema()));
        m.set("result", method.resultSchema().map(DescribeCommand::fields).orElse(null));
        m.set("header", method.headerSchema().map(DescribeCommand::fields).orElse(null));
      }
    }
    return root;
  }

  /** What an HTTP server advertises, as the reference's CLI appends it (and the other limits it names). */
  private static ObjectNode capabilities(HttpCapabilities caps) {
    ObjectNode node = NODES.objectNode();
    caps.maxRequestBytes().ifPresentOrElse(v -> node.put("max_request_bytes", v), () -> node.putNull("max_request_bytes"));
    caps.maxResponseBytes().ifPresentOrElse(v -> node.put("max_response_bytes", v),
        () -> node.putNull("max_response_bytes"));
    node.put("upload_url_support", caps.uploadUrlSupport());
    caps.maxUploadBytes().ifPresentOrElse(v -> node.put("max_upload_bytes", v), () -> node.putNull("max_upload_bytes"));
    node.put("externalization_enabled", caps.externalizationEnabled());
    ArrayNode encodings = node.putArray("supported_encodings");
    caps.supportedEncodings().forEach(encodings::add);
    node.put("sticky_enabled", caps.stickyEnabled());
    return node;
  }

  private static ArrayNode fields(Schema schema) {
    ArrayNode fields = NODES.arrayNode();
    for (Field field : schema.getFields()) {
      fields.addObject().put("name", field.getName()).put("type", TypeText.of(field))
          .put("nullable", field.isNullable());
    }
    return fields;
  }

  private static void table(PrintStream out, ProtocolList listing, List<ServiceDescription> descriptions) {
    out.println("server " + listing.serverId()
        + (listing.serverVersion().isEmpty() ? "" : " (" + listing.serverVersion() + ")"));
    for (ServiceDescription description : descriptions) {
      out.println();
      out.println(description.protocol()
          + (description.protocolVersion().isEmpty() ? "" : " " + description.protocolVersion())
          + "  hash " + description.protocolHash()
          + (description.deprecated() ? "  DEPRECATED " + description.deprecationMessage() : ""));
      int width = description.methods().stream().mapToInt(m -> m.name().length()).max().orElse(0);
      for (MethodInfo method : description.methods()) {
        StringBuilder line = new StringBuilder("  ").append(method.name())
            .append(" ".repeat(width - method.name().length())).append("  ")
            .append(String.format("%-8s", ListCommand.kind(method)));
        if (!MethodInfo.IDEMPOTENCY_UNKNOWN.equals(method.idempotency())) {
          line.append("  ").append(method.idempotency());
        }
        if (method.deprecated()) {
          line.append("  DEPRECATED").append(method.deprecationMessage().isEmpty() ? ""
              : ": " + method.deprecationMessage());
        }
        out.println(line.toString().stripTrailing());
        out.println("      params  " + Values.signature(method.paramsSchema()));
        method.resultSchema().ifPresent(s -> out.println("      result  " + Values.signature(s)));
        method.headerSchema().ifPresent(s -> out.println("      header  " + Values.signature(s)));
      }
    }
  }
}
