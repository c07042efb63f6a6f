package dev.arrowrpc.bench;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** The workloads of issue 6, in table order. */
public final class Workloads {
  private static final Schema SCALE_INPUT = new Schema(List.of(
      Field.nullable("value", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));
  private static final long MIB = 1L << 20;

  private Workloads() {}

  /**
   * Every workload.
   *
   * @return the workloads, small calls first
   */
  public static List<Workload> all() {
    List<Workload> all = new ArrayList<>();
    all.add(latency("noop", "noop()", c -> {
      BenchService s = c.proxy(BenchService.class);
      return Workload.Prepared.of(s::noop);
    }, c -> {
      ConformancePeer p = c.proxy(ConformancePeer.class);
      return Workload.Prepared.of(p::void_noop);
    }, "void_noop()"));
    all.add(latency("add", "add(a, b)", c -> {
      BenchService s = c.proxy(BenchService.class);
      return Workload.Prepared.of(() -> check(s.add(1.5, 2.25) == 3.75, "add"));
    }, c -> {
      ConformancePeer p = c.proxy(ConformancePeer.class);
      return Workload.Prepared.of(() -> check(p.add_floats(1.5, 2.25) == 3.75, "add_floats"));
    }, "add_floats(a, b)"));
    all.add(latency("greet", "greet(name)", c -> {
      BenchService s = c.proxy(BenchService.class);
      return Workload.Prepared.of(() -> check(s.greet("world").length() == 12, "greet"));
    }, c -> {
      ConformancePeer p = c.proxy(ConformancePeer.class);
      return Workload.Prepared.of(() -> check(p.echo_string("world").length() == 5, "echo_string"));
    }, "echo_string(value)"));
    all.add(latency("mixed", "mixed(10 parameters of 10 types)", c -> {
      BenchService s = c.proxy(BenchService.class);
      byte[] blob = new byte[64];
      List<Long> values = List.of(1L, 2L, 3L, 4L);
      Map<String, String> tags = Map.of("k", "v", "team", "bench");
      Instant at = Instant.parse("2026-01-02T03:04:05.123456Z");
      return Workload.Prepared.of(() -> s.mixed(7, 3, 2.5, 0.5f, true, "label", blob, values, tags, at));
    }, c -> {
      ConformancePeer p = c.proxy(ConformancePeer.class);
      return Workload.Prepared.of(() -> check(!p.with_defaults(7, "text", 42).isEmpty(), "with_defaults"));
    }, "with_defaults(int64, utf8, int64)"));
    all.add(latency("produce50", "producer stream, 50 batches", c -> {
      BenchService s = c.proxy(BenchService.class);
      return Workload.Prepared.of(() -> {
        int n = 0;
        try (Producer<BenchService.Tick> ticks = s.ticks(50)) {
          for (BenchService.Tick ignored : ticks) {
            n++;
          }
        }
        check(n == 50, "ticks");
      });
    }, c -> {
      ConformancePeer p = c.proxy(ConformancePeer.class);
      return Workload.Prepared.of(() -> {
        int n = 0;
        try (BatchStream stream = p.produce_n(50)) {
          while (stream.tick().isPresent()) {
            n++;
          }
        }
        check(n == 50, "produce_n");
      });
    }, "produce_n(50)"));
    all.add(latency("exchange20", "exchange stream, 20 rounds", c -> {
      BenchService s = c.proxy(BenchService.class);
      List<BenchService.Sample> input = List.of(new BenchService.Sample(2));
      return Workload.Prepared.of(() -> {
        try (Exchange<BenchService.Sample, BenchService.Scaled> scale = s.scale(3)) {
          for (int i = 0; i < 20; i++) {
            check(scale.exchange(input).get(0).scaled() == 6, "scale");
          }
        }
      });
    }, c -> {
      ConformancePeer p = c.proxy(ConformancePeer.class);
      VectorSchemaRoot input = VectorSchemaRoot.create(SCALE_INPUT, c.allocator());
      ((Float8Vector) input.getVector(0)).setSafe(0, 2.0);
      input.setRowCount(1);
      return new Workload.Prepared(() -> {
        try (BatchStream scale = p.exchange_scale(3)) {
          for (int i = 0; i < 20; i++) {
            VectorSchemaRoot out = scale.exchange(input);
            check(((Float8Vector) out.getVector(0)).get(0) == 6.0, "exchange_scale");
          }
        }
      }, input);
    }, "exchange_scale, 20 rounds"));
    all.add(rootEcho("echo_root_10k", 10_000, Workload.Size.MEDIUM));
    all.add(streamEcho("echo_stream_10k", 10_000, Workload.Size.MEDIUM));
    all.add(rootEcho("echo_root_1m", 1_000_000, Workload.Size.LARGE));
    all.add(streamEcho("echo_stream_1m", 1_000_000, Workload.Size.LARGE));
    all.add(bytesEcho("echo_bytes_1mib", "echo 1 MiB payload (binary)", (int) MIB, Workload.Size.MEDIUM));
    all.add(bytesEcho("echo_bytes_64mib", "echo 64 MiB payload (binary)", (int) (64 * MIB), Workload.Size.LARGE));
    return all;
  }

  /**
   * The workloads whose ids are listed, or all when none is.
   *
   * @param ids workload ids, comma-separated; blank for all
   * @return the selection
   */
  public static List<Workload> select(String ids) {
    if (ids == null || ids.isBlank()) {
      return all();
    }
    List<String> wanted = Arrays.asList(ids.split(","));
    return all().stream().filter(w -> wanted.contains(w.id())).toList();
  }

  private static Workload latency(String id, String title, Workload.Setup ours, Workload.Setup peer,
      String peerTitle) {
    return new Workload(id, title, Workload.Size.LATENCY, 0, 0, ours, Optional.of(peer), peerTitle);
  }

  private static Workload rootEcho(String id, int rows, Workload.Size size) {
    long ipc = ipcSize(rows);
    return new Workload(id, "echo " + label(rows) + " rows (int64, float64, utf8) as a unary VectorSchemaRoot",
        size, 2 * ipc, rows, c -> {
          BenchService s = c.proxy(BenchService.class);
          VectorSchemaRoot batch = BulkData.create(rows, c.allocator());
          return new Workload.Prepared(() -> {
            try (VectorSchemaRoot out = s.echo_root(batch)) {
              check(out.getRowCount() == rows, "echo_root");
            }
          }, batch);
        }, Optional.empty(), "");
  }

  private static Workload streamEcho(String id, int rows, Workload.Size size) {
    long ipc = ipcSize(rows);
    return new Workload(id, "echo " + label(rows) + " rows (int64, float64, utf8) on an open BatchStream exchange",
        size, 2 * ipc, rows, c -> {
          BenchService s = c.proxy(BenchService.class);
          VectorSchemaRoot batch = BulkData.create(rows, c.allocator());
          BatchStream stream = s.echo_batches();
          return new Workload.Prepared(() -> {
            check(stream.exchange(batch).getRowCount() == rows, "echo_batches");
          }, () -> Launcher.closeAll(List.of(stream, batch)));
        }, Optional.empty(), "");
  }

  private static Workload bytesEcho(String id, String title, int bytes, Workload.Size size) {
    byte[] payload = new byte[bytes];
    Arrays.fill(payload, (byte) 7);
    return new Workload(id, title, size, 2L * bytes, 0, c -> {
      BenchService s = c.proxy(BenchService.class);
      return Workload.Prepared.of(() -> check(s.echo_bytes(payload).length == bytes, "echo_bytes"));
    }, Optional.of(c -> {
      ConformancePeer p = c.proxy(ConformancePeer.class);
      return Workload.Prepared.of(() -> check(p.echo_bytes(payload).length == bytes, "echo_bytes"));
    }), "echo_bytes(" + (bytes >= MIB ? bytes / MIB + " MiB" : bytes + " B") + ")");
  }

  private static String label(int rows) {
    return rows >= 1_000_000 ? rows / 1_000_000 + "M" : rows / 1_000 + "k";
  }

  private static long ipcSize(int rows) {
    try (RootAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = BulkData.create(rows, allocator)) {
      return BulkData.ipcSize(root);
    }
  }

  private static void check(boolean ok, String what) throws IOException {
    if (!ok) {
      throw new IOException(what + " returned a wrong answer");
    }
  }
}
