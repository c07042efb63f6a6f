package dev.arrowrpc.codegen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.core.wire.Batch;
import dev.arrowrpc.core.wire.IpcStreamReader;
import dev.arrowrpc.core.wire.IpcStreamWriter;
import dev.arrowrpc.transport.flight.FlightRpcServer;
import dev.arrowrpc.transport.http.HttpRpcServer;
import dev.arrowrpc.transport.pipe.UnixSocketServer;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line end to end against the test protocol served over TCP in this JVM: every
 * subcommand, every output format, each error class and its exit status; and describe over the
 * other transports. The server's allocator must be empty after each test, and the command line's
 * own allocator is checked by the command (a leak would make its status 1).
 */
class CommandLineTest {
  @TempDir Path dir;
  private Served served;

  @BeforeEach
  void serve() throws Exception {
    served = new Served();
  }

  @AfterEach
  void stop() {
    served.close();
  }

  @Test
  void listPrintsEveryMethodOneALineWithItsKind() {
    Served.Run run = served.run("", "list");
    assertEquals(0, run.status(), run::toString);
    assertEquals(List.of(
        "cli_test.add unary", "cli_test.counts unary", "cli_test.fail unary", "cli_test.greet unary",
        "cli_test.nextDay unary", "cli_test.ping unary", "cli_test.scale exchange", "cli_test.ticks producer",
        "cli_test.ticksWithHeader producer", "cli_test.Secondary.echo unary"), run.text().lines().toList());
    assertTrue(served.run("", "list", "--all").text().contains("vgi_rpc.Reflection.v1.describe unary"));
  }

  @Test
  void describeJsonHasEveryProtocolMethodKindAndSchema() throws Exception {
    Served.Run run = served.run("", "describe", "--format", "json");
    assertEquals(0, run.status(), run::toString);
    JsonNode root = Json.MAPPER.readTree(run.out());
    List<String> protocols = names(root.get("protocols"), "protocol");
    assertEquals(List.of("cli_test", "cli_test.Secondary"), protocols);
    JsonNode primary = root.get("protocols").get(0);
    assertEquals("1.0.0", primary.get("protocol_version").asText());
    assertEquals(64, primary.get("protocol_hash").asText().length());
    assertEquals(List.of("add", "counts", "fail", "greet", "nextDay", "ping", "scale", "ticks", "ticksWithHeader"),
        names(primary.get("methods"), "name"));
    JsonNode add = primary.get("methods").get(0);
    assertEquals("unary", add.get("kind").asText());
    assertEquals("[{\"name\":\"a\",\"type\":\"int64\",\"nullable\":false},{\"name\":\"b\",\"type\":\"int64\","
        + "\"nullable\":false}]", Json.text(add.get("params")));
    assertEquals("int64", add.get("result").get(0).get("type").asText());
    JsonNode header = primary.get("methods").get(8);
    assertEquals("producer", header.get("kind").asText());
    assertEquals(List.of("source", "total"), names(header.get("header"), "name"));
    assertEquals("exchange", primary.get("methods").get(6).get("kind").asText());
    assertTrue(primary.get("methods").get(5).get("result").isNull(), "ping returns nothing");

    Served.Run one = served.run("", "describe", "--protocol", "cli_test.Secondary", "--format", "table");
    assertEquals(0, one.status(), one::toString);
    assertTrue(one.text().contains("cli_test.Secondary 1.0.0  hash "), one::toString);
    assertTrue(one.text().contains("  echo  unary\n      params  value: string\n      result  result: string"),
        one::toString);
    assertFalse(one.text().contains("cli_test.add"));
  }

  @Test
  void callUnaryTakesNameValueOrJsonAndPrintsTableOrJsonLines() throws Exception {
    Served.Run table = served.run("", "call", "cli_test.add", "a=2", "b=40", "--format", "table");
    assertEquals(0, table.status(), table::toString);
    assertEquals("result\n------\n42\n", table.text());
    // auto, the default: JSON lines for a program (here: stdout is not a terminal), a table for a person
    Served.Run auto = served.run("", "call", "cli_test.add", "a=2", "b=40");
    assertEquals("{\"result\":42}\n", auto.text(), auto::toString);

    Served.Run jsonl = served.run("", "call", "add", "--json", "{\"a\": 1, \"b\": 2}", "--format", "jsonl");
    assertEquals("{\"result\":3}\n", jsonl.text(), jsonl::toString);

    Served.Run nested = served.run("", "call", "counts", "words=[\"a\",\"b\",\"a\"]", "--format", "jsonl");
    assertEquals("{\"result\":{\"a\":2,\"b\":1}}\n", nested.text(), nested::toString);

    Served.Run date = served.run("", "call", "nextDay", "day=2024-02-28", "--format", "jsonl");
    assertEquals("{\"result\":\"2024-02-29\"}\n", date.text(), date::toString);

    Served.Run nothing = served.run("", "call", "ping");
    assertEquals(0, nothing.status(), nothing::toString);
    assertEquals("", nothing.text());
  }

  @Test
  void serviceLogsGoToStderrWithTheirLevel() {
    Served.Run run = served.run("", "call", "greet", "name=ada", "--format", "jsonl");
    assertEquals(0, run.status(), run::toString);
    assertEquals("{\"result\":\"hello ada\"}\n", run.text());
    assertTrue(run.err().contains("[INFO] greeting ada"), run::toString);
  }

  @Test
  void callProducerPrintsEveryBatchAfterItsHeader() throws Exception {
    Served.Run run = served.run("", "call", "ticks", "count=3", "--format", "jsonl");
    assertEquals(0, run.status(), run::toString);
    assertEquals("{\"n\":0,\"label\":\"tick 0\"}\n{\"n\":1,\"label\":\"tick 1\"}\n{\"n\":2,\"label\":\"tick 2\"}\n",
        run.text());
    assertFalse(run.err().contains("rows/s"), "no progress when stderr is not a terminal: " + run.err());

    // a header comes first in every format, as the reference's CLI writes it
    Served.Run header = served.run("", "call", "ticksWithHeader", "count=2", "--format", "jsonl");
    assertEquals("{\"__header__\":{\"source\":\"cli\",\"total\":2}}\n{\"n\":0,\"label\":\"tick 0\"}\n"
        + "{\"n\":1,\"label\":\"tick 1\"}\n", header.text(), header::toString);
    Served.Run headerTable = served.run("", "call", "ticksWithHeader", "count=1", "--format", "table");
    assertEquals("Header:\n  source: cli\n  total: 1\n\nn  label\n-  ------\n0  tick 0\n", headerTable.text(),
        headerTable::toString);
    Served.Run headerArrow = served.run("", "call", "ticksWithHeader", "count=2", "--format", "arrow");
    assertEquals(0, headerArrow.status(), headerArrow::toString);
    try (BufferAllocator memory = new RootAllocator()) {
      ByteArrayInputStream both = new ByteArrayInputStream(headerArrow.out());
      try (org.apache.arrow.vector.ipc.ArrowStreamReader first = new org.apache.arrow.vector.ipc.ArrowStreamReader(
          both, memory)) {
        assertTrue(first.loadNextBatch());
        assertEquals("cli", first.getVectorSchemaRoot().getVector("source").getObject(0).toString());
        assertEquals(2L, first.getVectorSchemaRoot().getVector("total").getObject(0));
        assertFalse(first.loadNextBatch(), "the header's stream ends after its row");
      }
      List<Object> ticks = new ArrayList<>();
      try (org.apache.arrow.vector.ipc.ArrowStreamReader second = new org.apache.arrow.vector.ipc.ArrowStreamReader(
          both, memory)) {
        while (second.loadNextBatch()) {
          for (int i = 0; i < second.getVectorSchemaRoot().getRowCount(); i++) {
            ticks.add(second.getVectorSchemaRoot().getVector("n").getObject(i));
          }
        }
      }
      assertEquals(List.of(0L, 1L), ticks, "the data's stream follows");
    }

    Served.Run table = served.run("", "call", "ticks", "count=2", "--format", "table");
    assertEquals("n  label\n-  ------\n0  tick 0\n1  tick 1\n", table.text(), table::toString);
  }

  @Test
  void callExchangeFromJsonLinesOnStdin() {
    Served.Run run = served.run("{\"x\": 1.5}\n\n{\"x\": 2.0}\n{\"x\": -1.0}\n", "call", "scale", "factor=2",
        "--format", "jsonl");
    assertEquals(0, run.status(), run::toString);
    assertEquals("{\"y\":3.0}\n{\"y\":4.0}\n{\"y\":-2.0}\n", run.text());

    Served.Run batched = served.run("{\"x\": 1.0}\n{\"x\": 2.0}\n{\"x\": 3.0}\n", "call", "scale", "factor=10",
        "--batch-rows", "2", "--format", "table");
    assertEquals("y\n----\n10.0\n20.0\n30.0\n", batched.text(), batched::toString);
  }

  @Test
  void callExchangeFromAnArrowFileAndWriteArrow() throws Exception {
    Path input = dir.resolve("samples.arrows");
    Schema schema = Values.infer(Json.parse("{\"x\": 1.0}", "row"));
    try (BufferAllocator memory = new RootAllocator(); OutputStream out = Files.newOutputStream(input)) {
      IpcStreamWriter writer = IpcStreamWriter.start(out, schema);
      for (String rows : List.of("[{\"x\": 1.0}, {\"x\": 2.0}]", "[{\"x\": 5.0}]")) {
        List<JsonNode> list = new ArrayList<>();
        Json.parse(rows, "rows").forEach(list::add);
        try (Batch batch = Values.rows(schema, list, memory)) {
          writer.write(batch, Map.of());
        }
      }
      writer.end();
    }
    Path output = dir.resolve("out.arrows");
    Served.Run run = served.run("", "call", "scale", "factor=3", "--input", input.toString(), "--format", "arrow",
        "--out", output.toString());
    assertEquals(0, run.status(), run::toString);
    assertEquals(List.of(List.of(3.0, 6.0), List.of(15.0)), column(Files.readAllBytes(output), "y"));

    Served.Run stdout = served.run("", "call", "ticks", "count=4", "--format", "arrow");
    assertEquals(0, stdout.status(), stdout::toString);
    assertEquals(List.of(List.of(0L), List.of(1L), List.of(2L), List.of(3L)), column(stdout.out(), "n"));
  }

  @Test
  void aClosedStandardOutputCancelsTheStreamQuietly() {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.util.concurrent.atomic.AtomicInteger lines = new java.util.concurrent.atomic.AtomicInteger();
    OutputStream head = new OutputStream() {
      @Override
      public void write(int b) throws java.io.IOException {
        if (b == '\n' && lines.incrementAndGet() > 3) {
          throw new java.io.IOException("Broken pipe");
        }
      }
    };
    int status = ArrowRpcCli.run(new ArrowRpcCli.Console(new ByteArrayInputStream(new byte[0]),
        new java.io.PrintStream(head, false, java.nio.charset.StandardCharsets.UTF_8),
        new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), false, false),
        "call", "--tcp", served.address(), "ticks", "count=1000000", "--format", "jsonl");
    assertEquals(0, status, err::toString);
    assertEquals("", err.toString(java.nio.charset.StandardCharsets.UTF_8));
    assertTrue(lines.get() < 100, "the stream stopped when its reader went away: " + lines.get() + " lines");
  }

  @Test
  void remoteErrorsExitFourWithCodeKindAndMessage() {
    Served.Run run = served.run("", "call", "fail", "message=nope");
    assertEquals(Exit.REMOTE, run.status(), run::toString);
    assertTrue(run.err().startsWith("remote error: INVALID_ARGUMENT (bad_message) StatusError: nope"), run::toString);
    assertEquals("", run.text());

    Served.Run verbose = served.run("", "call", "fail", "message=nope", "-v");
    assertEquals(Exit.REMOTE, verbose.status());
    assertTrue(verbose.err().contains("request id: "), verbose::toString);
  }

  @Test
  void transportErrorsExitThree() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Served.Run refused = Served.Run.of("", "list", "--tcp", "127.0.0.1:" + port);
    assertEquals(Exit.TRANSPORT, refused.status(), refused::toString);
    assertTrue(refused.err().startsWith("transport error: "), refused::toString);

    Served.Run missing = Served.Run.of("", "list", "--unix", dir.resolve("absent.sock").toString());
    assertEquals(Exit.TRANSPORT, missing.status(), missing::toString);

    Served.Run worker = Served.Run.of("", "list", "--cmd", "sh -c 'exit 0'");
    assertEquals(Exit.TRANSPORT, worker.status(), worker::toString);

    Served.Run http = Served.Run.of("", "list", "--url", "http://127.0.0.1:" + port + "/vgi");
    assertEquals(Exit.TRANSPORT, http.status(), http::toString);
  }

  @Test
  void anHttpServerThatDoesNotSpeakTheProtocolIsATransportError() throws Exception {
    // a web server, not a vgi-rpc one: its capability probe fails, or answers without the capabilities
    java.util.concurrent.atomic.AtomicInteger status = new java.util.concurrent.atomic.AtomicInteger(404);
    com.sun.net.httpserver.HttpServer stranger =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    stranger.createContext("/", exchange -> {
      exchange.sendResponseHeaders(status.get(), -1);
      exchange.close();
    });
    stranger.start();
    try {
      String url = "http://127.0.0.1:" + stranger.getAddress().getPort() + "/vgi";
      Served.Run missing = Served.Run.of("", "list", "--url", url);
      assertEquals(Exit.TRANSPORT, missing.status(), missing::toString);
      assertTrue(missing.err().startsWith("transport error: UNKNOWN ProtocolError: Capability discovery failed with"
          + " HTTP 404"), missing::toString);

      status.set(200);
      Served.Run plain = Served.Run.of("", "call", "--url", url, "add", "a=1", "b=2");
      assertEquals(Exit.TRANSPORT, plain.status(), plain::toString);
      assertTrue(plain.err().startsWith("transport error: UNKNOWN ProtocolError: Server does not advertise"
          + " VGI-Accept-Max-Response-Bytes support"), plain::toString);
    } finally {
      stranger.stop(0);
    }
    // the client's ProtocolError is told from the same type sent by a service by its cause
    assertFalse(Exit.isTransport(new dev.arrowrpc.core.RpcException("ProtocolError", "sent by the service")));
    assertTrue(Exit.isTransport(dev.arrowrpc.core.RpcException.builder("ProtocolError", "raised by the client")
        .cause(new java.net.ProtocolException("raised by the client")).build()));
  }

  @Test
  void usageErrorsExitTwo() {
    for (String[] args : List.of(
        new String[] {"list"},
        new String[] {"list", "--tcp", served.address(), "--unix", "x"},
        new String[] {"call", "--tcp", served.address(), "cli_test.nope"},
        new String[] {"call", "--tcp", served.address(), "add", "a=1"},
        new String[] {"call", "--tcp", served.address(), "add", "a=x", "b=1"},
        new String[] {"call", "--tcp", served.address(), "add", "a=1", "b=2", "c=3"},
        new String[] {"call", "--tcp", served.address(), "nope"},
        new String[] {"call", "--tcp", served.address(), "add", "a=1", "b=2", "--format", "xml"},
        new String[] {"describe", "--tcp", served.address(), "--protocol", "absent"},
        new String[] {"list", "--tcp", served.address(), "--bearer", "t"},
        new String[] {"generate", "--tcp", served.address(), "--out", "x"})) {
      Served.Run run = Served.Run.of("", args);
      assertEquals(Exit.USAGE, run.status(), () -> String.join(" ", args) + "\n" + run);
      assertFalse(run.err().isBlank(), () -> String.join(" ", args) + " says why");
    }
    Served.Run missing = served.run("", "call", "add", "a=1");
    assertTrue(missing.err().contains("missing parameter 'b' (int64); the method takes: a: int64, b: int64"),
        missing::toString);
    Served.Run unique = served.run("", "call", "echo", "value=1", "--format", "jsonl");
    assertEquals("{\"result\":\"1\"}\n", unique.text(), "only the secondary protocol has echo: " + unique);
  }

  @Test
  void generateWritesInterfacesThatCompile() throws Exception {
    Path out = dir.resolve("generated");
    Served.Run run = served.run("", "generate", "--package", "gen.cli", "--out", out.toString());
    assertEquals(0, run.status(), run::toString);
    List<Path> files = run.text().lines().map(Path::of).toList();
    assertEquals(List.of(out.resolve("gen/cli/CliTest.java"), out.resolve("gen/cli/CliTestSecondary.java")), files,
        run::toString);
    String source = Files.readString(files.get(0));
    assertTrue(source.contains("@RpcService(name = \"cli_test\", version = \"1.0.0\")"), source);
    JavaSources.compile(files, dir.resolve("classes"));
  }

  @Test
  void localFilesThatCannotBeWrittenExitOneAndUnreadableInputTwo() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    Served.Run generate = served.run("", "generate", "--package", "gen.cli", "--out", notADirectory.toString());
    assertEquals(Exit.FAILURE, generate.status(), generate::toString);
    assertTrue(generate.err().startsWith("arrow-rpc: cannot write " + notADirectory), generate::toString);
    Served.Run out = served.run("", "call", "add", "a=1", "b=2", "--out", notADirectory.resolve("x").toString());
    assertEquals(Exit.FAILURE, out.status(), out::toString);
    Served.Run input = served.run("", "call", "scale", "factor=2", "--input", dir.resolve("absent").toString());
    assertEquals(Exit.USAGE, input.status(), input::toString);
    assertTrue(input.err().startsWith("arrow-rpc: --input: cannot read "), input::toString);
  }

  @Test
  void completionPrintsABashScript() {
    Served.Run run = Served.Run.of("", "completion");
    assertEquals(0, run.status(), run::toString);
    assertTrue(run.text().contains("complete -F _complete_arrow-rpc"), run::toString);
    assertTrue(run.text().contains("--batch-rows"), "options of subcommands are completed");
  }

  @Test
  void helpDocumentsTheExitStatuses() {
    Served.Run run = Served.Run.of("", "--help");
    assertEquals(0, run.status());
    for (String line : List.of("2  usage error", "3  transport error", "4  remote error")) {
      assertTrue(run.text().contains(line), run::toString);
    }
    assertTrue(Served.Run.of("", "describe", "--help").text().contains("Doc strings"));
  }

  @Test
  void describeOverUnixHttpAndFlight() throws Exception {
    try (BufferAllocator memory = new RootAllocator()) {
      RpcServer server = Served.server(memory);
      Path socket = Files.createTempFile("cli16-", ".sock");
      Files.delete(socket);
      try (UnixSocketServer unix = UnixSocketServer.start(server, socket)) {
        assertListed(Served.Run.of("", "list", "--unix", socket.toString()));
      } finally {
        Files.deleteIfExists(socket);
      }
      HttpRpcServer http = HttpRpcServer.builder(server).port(0).start();
      try {
        assertListed(Served.Run.of("", "list", "--url", http.url(), "--header", "X-Test=1", "--bearer", "t"));
        // describe over HTTP appends what the server advertises, as the reference's CLI does
        Served.Run described = Served.Run.of("", "describe", "--url", http.url(), "--format", "table");
        assertEquals(Exit.OK, described.status(), described::toString);
        assertTrue(described.text().contains("\nCapabilities:\n  max_request_bytes: 268435456\n"), described::toString);
        Served.Run describedJson = Served.Run.of("", "describe", "--url", http.url(), "--format", "json");
        assertEquals(268435456L, Json.parse(describedJson.text(), "test").get("capabilities")
            .get("max_request_bytes").asLong(), describedJson::toString);
        Served.Run notHttp = Served.Run.of("", "describe", "--tcp", served.address(), "--format", "table");
        assertTrue(!notHttp.text().contains("Capabilities:"), notHttp::toString);
        Served.Run call = Served.Run.of("", "call", "--url", http.url(), "ticks", "count=2", "--format", "jsonl");
        assertEquals(2, call.text().lines().count(), call::toString);
        // the response budget: an answer past it is refused by the client, 'unbounded' sends none
        String big = "x".repeat(70_000);
        Served.Run bounded = Served.Run.of("", "call", "--url", http.url(), "--max-response-bytes", "65536",
            "greet", "name=" + big);
        assertEquals(Exit.REMOTE, bounded.status(), bounded::toString);
        assertTrue(bounded.err().contains("ResponseTooLargeError"), bounded::toString);
        Served.Run unbounded = Served.Run.of("", "call", "--url", http.url(), "--max-response-bytes", "unbounded",
            "greet", "name=" + big, "--format", "jsonl");
        assertEquals(Exit.OK, unbounded.status(), unbounded::toString);
        assertTrue(unbounded.text().contains(big), "the whole greeting came back");
        Served.Run tooSmall = Served.Run.of("", "list", "--url", http.url(), "--max-response-bytes", "100");
        assertEquals(Exit.USAGE, tooSmall.status(), tooSmall::toString);
        assertTrue(tooSmall.err().contains("--max-response-bytes"), tooSmall::toString);
      } finally {
        http.close();
      }
      Served.Run notHttp = Served.Run.of("", "list", "--tcp", "127.0.0.1:1", "--max-response-bytes", "unbounded");
      assertEquals(Exit.USAGE, notHttp.status(), notHttp::toString);
      FlightRpcServer flight = FlightRpcServer.builder(server).start();
      try {
        String uri = "grpc+tcp://localhost:" + flight.port();
        assertListed(Served.Run.of("", "list", "--flight", uri));
        Served.Run call = Served.Run.of("", "call", "--flight", uri, "add", "a=1", "b=2", "--format", "jsonl");
        assertEquals("{\"result\":3}\n", call.text(), call::toString);
      } finally {
        flight.close();
      }
      assertEquals(0, memory.getAllocatedMemory());
    }
  }

  private static void assertListed(Served.Run run) {
    assertEquals(0, run.status(), run::toString);
    assertEquals(10, run.text().lines().count(), run::toString);
  }

  private static List<String> names(JsonNode array, String field) {
    return StreamSupport.stream(array.spliterator(), false).map(n -> n.get(field).asText()).collect(Collectors.toList());
  }

  /** One column of every batch of an Arrow IPC stream. */
  private static List<List<Object>> column(byte[] ipc, String name) throws Exception {
    List<List<Object>> batches = new ArrayList<>();
    try (BufferAllocator memory = new RootAllocator();
        IpcStreamReader reader = IpcStreamReader.open(new ByteArrayInputStream(ipc), memory).orElseThrow()) {
      while (reader.next()) {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < reader.root().getRowCount(); i++) {
          values.add(reader.root().getVector(name).getObject(i));
        }
        batches.add(values);
      }
    }
    return batches;
  }
}
