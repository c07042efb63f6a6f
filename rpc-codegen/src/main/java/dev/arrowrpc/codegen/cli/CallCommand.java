package dev.arrowrpc.codegen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arrowrpc.core.reflect.MethodInfo;
import dev.arrowrpc.core.reflect.ProtocolList;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.spi.BatchCalls;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.MetadataKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code arrow-rpc call}: one unary call, or one producer or exchange stream, with results on stdout. */
@Command(name = "call", mixinStandardHelpOptions = true,
    header = "Call a unary, producer or exchange method.", description = {
    "Calls a method. Parameters are NAME=VALUE: strings as they are; numbers, booleans, null, "
        + "lists, maps and structs as JSON; binary as base64; dates, times and timestamps ISO-8601. "
        + "Or all at once with --json '{...}'. Values are checked against the method's parameter "
        + "schema from describe.",
    "Unary: prints the result. Producer: ticks until the stream ends, printing each batch. "
        + "Exchange: sends each batch of --input FILE (an Arrow IPC stream or file), or each JSON "
        + "line of stdin (an object, column: value; --batch-rows lines per batch; column types "
        + "inferred from the first line: integers int64, other numbers float64), printing each "
        + "answer. A stream header is printed on stderr.",
    "Progress (rows, batches, bytes, rate) is shown on stderr when it is a terminal."})
final class CallCommand extends ServiceCommand {
  @Parameters(index = "0", paramLabel = "[PROTOCOL.]METHOD",
      description = "The method; the protocol may be left out when only one protocol has it.")
  String target;

  @Parameters(index = "1..*", paramLabel = "NAME=VALUE", description = "Parameters.")
  List<String> assignments = new ArrayList<>();

  @Option(names = "--json", paramLabel = "OBJECT", description = "All parameters as one JSON object.")
  Optional<String> json = Optional.empty();

  @Option(names = "--input", paramLabel = "FILE",
      description = "Exchange input: an Arrow IPC stream or file, one exchange per batch.")
  Optional<Path> input = Optional.empty();

  @Option(names = "--batch-rows", paramLabel = "N", defaultValue = "1",
      description = "Exchange input from JSON lines: rows per batch (default 1).")
  int batchRows = 1;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
      description = "auto (default: table on a terminal, else jsonl), table, jsonl (one JSON object per row) or "
          + "arrow (one Arrow IPC stream).")
  Format format = Format.auto;

  /** The output formats, and auto. */
  enum Format {
    /** A table on a terminal, JSON lines for a program (a pipe, a file). */
    auto,
    /** See {@link Output.Format#table}. */
    table,
    /** See {@link Output.Format#jsonl}. */
    jsonl,
    /** See {@link Output.Format#arrow}. */
    arrow
  }

  @Option(names = "--out", paramLabel = "FILE", description = "Write results here instead of stdout.")
  Optional<Path> out = Optional.empty();

  @Option(names = "--progress", negatable = true,
      description = "Show (--progress) or hide (--no-progress) the progress line; default: shown when "
          + "stderr is a terminal.")
  Optional<Boolean> progress = Optional.empty();

  CallCommand(ArrowRpcCli.Console console) {
    super(console);
  }

  @Override
  int run(RpcClient client, BufferAllocator memory) throws Exception {
    if (batchRows < 1) {
      throw new UsageException("--batch-rows must be at least 1");
    }
    if (format == Format.arrow && out.isEmpty() && console.outTerminal()) {
      throw new UsageException("--format arrow writes binary: give --out FILE or redirect stdout");
    }
    ProtocolList listing = client.listProtocols();
    int dot = target.lastIndexOf('.');
    ServiceDescription description;
    String methodName;
    if (dot < 0) {
      methodName = target;
      List<ServiceDescription> having = describe(client, listing, Optional.empty(), false).stream()
          .filter(d -> d.methods().stream().anyMatch(m -> m.name().equals(methodName))).toList();
      if (having.size() != 1) {
        throw new UsageException(having.isEmpty()
            ? "no application protocol has a method '" + methodName + "' (arrow-rpc list shows them)"
            : "name the protocol: " + having.stream().map(d -> d.protocol() + "." + methodName)
                .collect(Collectors.joining(" or ")));
      }
      description = having.get(0);
    } else {
      description = describe(client, listing, Optional.of(target.substring(0, dot)), true).get(0);
      methodName = target.substring(dot + 1);
    }
    String protocol = description.protocol();
    MethodInfo method = description.methods().stream().filter(m -> m.name().equals(methodName)).findFirst()
        .orElseThrow(() -> new UsageException("protocol " + protocol + " has no method '" + methodName
            + "'; it has: " + description.methods().stream().map(MethodInfo::name).collect(Collectors.joining(", "))));
    Schema params = method.paramsSchema();
    Map<String, JsonNode> arguments = arguments(params);
    String kind = ListCommand.kind(method);
    boolean exchange = kind.equals("exchange") || (kind.equals("stream") && input.isPresent());
    if (input.isPresent() && !exchange) {
      throw new UsageException("--input is exchange input; " + protocol + "." + methodName + " is " + kind);
    }
    Progress shown = new Progress(console.err(), progress.orElse(console.terminal()), System::nanoTime);
    Output opened;
    try {
      opened = Output.open(outputFormat(), out, console.out(), memory);
    } catch (IOException e) {
      throw new Output.Failed(true, "cannot write " + out.orElseThrow() + ": " + Errors.message(e));
    }
    try (Output output = opened; Batch request = Values.request(params, arguments, memory)) {
      // a versioned protocol checks the version its callers declare
      Map<String, String> metadata = description.protocolVersion().isEmpty() ? Map.of()
          : Map.of(MetadataKeys.PROTOCOL_VERSION, description.protocolVersion());
      BatchCalls.Request call = new BatchCalls.Request(protocol, method.name(), params, request, metadata);
      if (kind.equals("unary")) {
        Optional<byte[]> result = client.batches().unary(call);
        if (result.isPresent() && method.hasReturn()) {
          output.batch(result.get());
        }
        return Exit.OK;
      }
      try (BatchCalls.Stream stream = client.batches().open(call, method.hasHeader())) {
        stream.headerBatch().ifPresent(output::header);
        if (exchange) {
          exchange(stream, output, shown, memory);
        } else {
          for (Optional<byte[]> batch = stream.tick(Map.of()); batch.isPresent(); batch = stream.tick(Map.of())) {
            shown.batch(output.batch(batch.get()), batch.get().length);
          }
        }
      } finally {
        shown.finish();
      }
    }
    return Exit.OK;
  }

  /** The format asked for: {@code auto} is a table for a person at a terminal, JSON lines for a program. */
  private Output.Format outputFormat() {
    return switch (format) {
      case auto -> console.outTerminal() && out.isEmpty() ? Output.Format.table : Output.Format.jsonl;
      case table -> Output.Format.table;
      case jsonl -> Output.Format.jsonl;
      case arrow -> Output.Format.arrow;
    };
  }

  private Map<String, JsonNode> arguments(Schema params) {
    Map<String, JsonNode> arguments = new LinkedHashMap<>();
    if (json.isPresent()) {
      JsonNode object = Json.parse(json.get(), "--json");
      if (!object.isObject()) {
        throw new UsageException("--json takes a JSON object of parameters, got " + object);
      }
      object.properties().forEach(e -> arguments.put(e.getKey(), e.getValue()));
    }
    for (String assignment : assignments) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("parameters are NAME=VALUE, got '" + assignment + "'");
      }
      String name = assignment.substring(0, eq);
      Field field = params.getFields().stream().filter(f -> f.getName().equals(name)).findFirst()
          .orElseThrow(() -> new UsageException("no parameter '" + name + "'; the method takes: "
              + Values.signature(params)));
      arguments.put(name, Values.parse(assignment.substring(eq + 1), field));
    }
    return arguments;
  }

  private void exchange(BatchCalls.Stream stream, Output output, Progress shown, BufferAllocator memory)
      throws IOException {
    if (input.isPresent()) {
      byte[] file;
      try {
        file = Files.readAllBytes(input.get());
      } catch (IOException e) {
        throw new UsageException("--input: cannot read " + input.get() + ": " + Errors.message(e));
      }
      try (ExchangeInput batches = ExchangeInput.open(file, memory)) {
        while (batches.next()) {
          if (!turn(stream, batches.schema(), batches.batch(), batches.metadata(), output, shown)) {
            return;
          }
        }
      }
      return;
    }
    BufferedReader lines = new BufferedReader(new InputStreamReader(console.in(), StandardCharsets.UTF_8));
    Optional<Schema> schema = Optional.empty();
    List<JsonNode> rows = new ArrayList<>();
    int lineNumber = 0;
    for (String line = lines.readLine(); ; line = lines.readLine()) {
      if (line != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode row = Json.parse(line, "stdin line " + lineNumber);
        if (schema.isEmpty()) {
          schema = Optional.of(Values.infer(row));
        }
        rows.add(row);
      }
      if (!rows.isEmpty() && (rows.size() >= batchRows || line == null)) {
        try (Batch batch = Values.rows(schema.orElseThrow(), rows, memory)) {
          if (!turn(stream, schema.get(), batch, Map.of(), output, shown)) {
            return;
          }
        }
        rows.clear();
      }
      if (line == null) {
        return;
      }
    }
  }

  /** One exchange turn; false when the server ended the stream. */
  private static boolean turn(BatchCalls.Stream stream, Schema schema, Batch batch, Map<String, String> metadata,
      Output output, Progress shown) throws IOException {
    Optional<byte[]> answer = stream.exchange(schema, batch, metadata);
    if (answer.isEmpty()) {
      return false;
    }
    shown.batch(output.batch(answer.get()), answer.get().length);
    return true;
  }

  /** Exchange input from an Arrow IPC stream, or an Arrow IPC file (no dictionaries then). */
  private static final class ExchangeInput implements AutoCloseable {
    private final Optional<IpcStreamReader> stream;
    private final Optional<org.apache.arrow.vector.ipc.ArrowFileReader> file;

    private ExchangeInput(Optional<IpcStreamReader> stream, Optional<org.apache.arrow.vector.ipc.ArrowFileReader> file) {
      this.stream = stream;
      this.file = file;
    }

    static ExchangeInput open(byte[] all, BufferAllocator memory) throws IOException {
      if (all.length >= 6 && new String(all, 0, 6, StandardCharsets.US_ASCII).equals("ARROW1")) {
        org.apache.arrow.vector.ipc.ArrowFileReader reader = new org.apache.arrow.vector.ipc.ArrowFileReader(
            new org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel(all), memory);
        if (reader.getVectorSchemaRoot().getSchema().getFields().stream().anyMatch(f -> f.getDictionary() != null)) {
          reader.close();
          throw new UsageException("--input: dictionary-encoded columns in an Arrow file are not supported; "
              + "give an Arrow IPC stream");
        }
        return new ExchangeInput(Optional.empty(), Optional.of(reader));
      }
      IpcStreamReader reader = IpcStreamReader.open(new java.io.ByteArrayInputStream(all), memory)
          .orElseThrow(() -> new UsageException("--input: the file is empty"));
      return new ExchangeInput(Optional.of(reader), Optional.empty());
    }

    boolean next() throws IOException {
      return stream.isPresent() ? stream.get().next() : file.orElseThrow().loadNextBatch();
    }

    Schema schema() throws IOException {
      return stream.isPresent() ? stream.get().schema() : file.orElseThrow().getVectorSchemaRoot().getSchema();
    }

    Batch batch() throws IOException {
      if (stream.isEmpty()) {
        return Batch.of(file.orElseThrow().getVectorSchemaRoot());
      }
      IpcStreamReader reader = stream.get();
      Map<Long, VectorSchemaRoot> dictionaries = new LinkedHashMap<>();
      for (long id : reader.getDictionaryIds()) {
        FieldVector values = reader.lookup(id).getVector();
        dictionaries.put(id, new VectorSchemaRoot(List.of(values.getField()), List.of(values), values.getValueCount()));
      }
      return new Batch(reader.root(), dictionaries);
    }

    Map<String, String> metadata() {
      return stream.map(IpcStreamReader::metadata).orElse(Map.of());
    }

    @Override
    public void close() throws IOException {
      if (stream.isPresent()) {
        stream.get().close();
      }
      if (file.isPresent()) {
        file.get().close();
      }
    }
  }
}
