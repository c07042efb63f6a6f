package dev.arrowrpc.conformance;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import dev.arrowrpc.transport.http.HttpRpc;
import dev.arrowrpc.transport.http.HttpRpcServer;
import dev.arrowrpc.transport.http.HttpWorker;
import dev.arrowrpc.transport.pipe.PipePair;
import dev.arrowrpc.transport.pipe.Tcp;
import dev.arrowrpc.transport.pipe.TcpServer;
import dev.arrowrpc.transport.pipe.UnixSocket;
import dev.arrowrpc.transport.pipe.UnixSocketServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The training run behind the worker's class-data-sharing archive: the build starts the worker
 * with {@code -XX:ArchiveClassesAtExit} and {@code --cds-training STAMP}, and the classes loaded
 * here (server dispatch, codecs, Arrow IPC, the socket and HTTP transports) are archived so a real worker
 * starts without loading and verifying them again. The stamp file records which {@code java}
 * made the archive; the launcher uses the archive only with that one.
 */
final class CdsTraining {
  private CdsTraining() {}

  /**
   * Runs representative calls through every transport, then writes the stamp.
   *
   * @param stamp the file to write the real path of this JVM's {@code java} executable to
   * @throws IOException when a transport or the stamp fails
   */
  static void run(Path stamp) throws IOException {
    try (RpcServer server = RpcServer.create(ConformanceService.class, new ConformanceServiceImpl())) {
      try (PipePair pair = PipePair.serve(server); RpcClient client = RpcClient.connect(pair.client())) {
        exercise(client);
      }
      Path socket = Files.createTempFile("conformance-cds", ".sock");
      Files.delete(socket);
      try (UnixSocketServer unix = UnixSocketServer.start(server, socket);
          RpcClient client = RpcClient.connect(UnixSocket.connect(unix.path()))) {
        client.proxy(ConformanceService.class).echo_string("unix");
      }
      try (TcpServer tcp = TcpServer.start(server);
          RpcClient client = RpcClient.connect(Tcp.connect("127.0.0.1", tcp.port()))) {
        client.proxy(ConformanceService.class).echo_string("tcp");
      }
      HttpWorker.Options http = HttpWorker.Options.parse(List.of("--http", "--token-key", "00".repeat(32)));
      try (HttpRpcServer listening = HttpWorker.start(server, http);
          RpcClient client = HttpRpc.connect("http://127.0.0.1:" + listening.port())) {
        ConformanceService service = client.proxy(ConformanceService.class);
        service.echo_string("http");
        try (BatchStream stream = service.produce_n(2)) {
          while (stream.tick().isPresent()) {
            // drain: init, a resumed turn, the end
          }
        }
      }
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath();
    Files.writeString(stamp, java + "\n", StandardCharsets.UTF_8);
  }

  private static void exercise(RpcClient client) {
    ConformanceService service = client.proxy(ConformanceService.class);
    client.describe();
    service.echo_string("a");
    service.echo_bytes(new byte[] {1});
    service.echo_int(1);
    service.echo_float(1.5);
    service.echo_bool(true);
    service.void_noop();
    service.echo_enum(Status.ACTIVE);
    service.echo_list(List.of("a"));
    service.echo_dict(Map.of("a", 1L));
    service.echo_nested_list(List.of(List.of(1L)));
    service.echo_optional_string(null);
    service.echo_point(new Point(1, 2));
    service.inspect_point(new Point(1, 2));
    service.echo_all_types(allTypes());
    service.echo_bounding_box(new BoundingBox(new Point(0, 1), new Point(1, 0), "box"));
    service.echo_int32(1);
    service.echo_float32(1f);
    service.echo_uint64(BigInteger.TEN);
    service.echo_decimal(new BigDecimal("1.2345"));
    service.echo_large_binary(new byte[] {1, 2});
    service.echo_container_wide_types(new ContainerWideTypes(List.of(BigDecimal.ONE),
        List.of(LocalDate.EPOCH), List.of(LocalDateTime.of(2020, 1, 1, 0, 0)), null, null, null,
        Map.of("a", BigDecimal.ONE), Set.of(1L), java.util.Arrays.asList(1L, null)));
    service.echo_deep_nested(new DeepNested(List.of(List.of(BigDecimal.ONE)), null, "d", List.of("e")));
    service.echo_wide_types(new WideTypes((byte) 1, (short) 2, 3, 4, 5, 6L, BigInteger.ONE, 1f,
        LocalDate.EPOCH, LocalDateTime.of(2020, 1, 1, 0, 0), Instant.EPOCH, LocalTime.NOON,
        Duration.ofSeconds(1), new BigDecimal("1.0000"), "s", new byte[] {1}, new byte[8]));
    service.add_floats(1, 2);
    service.concatenate("a", "b", "-");
    service.with_defaults(1, "default", 42);
    service.echo_with_multi_logs("x");
    service.echo_with_log_extras("x");
    try {
      service.raise_value_error("x");
    } catch (RpcException expected) {
      // training the error path
    }
    try (BatchStream stream = service.produce_with_header(2)) {
      stream.header(ConformanceHeader.class);
      while (stream.tick().isPresent()) {
        // drain
      }
    }
    try (BatchStream stream = service.produce_with_rich_header(3, 1)) {
      stream.header(RichHeader.class);
      while (stream.tick().isPresent()) {
        // drain
      }
    }
    try (BatchStream stream = service.exchange_scale(2);
        VectorSchemaRoot input = VectorSchemaRoot.create(Batches.SCALE, client.allocator())) {
      Float8Vector value = (Float8Vector) input.getVector("value");
      value.allocateNew(1);
      value.set(0, 1.5);
      value.setValueCount(1);
      input.setRowCount(1);
      stream.exchange(input);
    }
    try (BatchStream stream = service.cancellable_producer()) {
      stream.tick();
      stream.cancel();
    }
    service.cancel_probe_counters();
  }

  private static AllTypes allTypes() {
    return new AllTypes("s", new byte[] {1}, 1, 1.5, true, List.of(1L), List.of("a"), Map.of("k", 1L),
        Status.PENDING, new Point(1, 2), null, 3L, null, List.of(new Point(3, 4)), 5, 6f,
        List.of(List.of(7L)), Map.of("k", "v"));
  }
}
