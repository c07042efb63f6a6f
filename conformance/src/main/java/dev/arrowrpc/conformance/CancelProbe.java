package dev.arrowrpc.conformance;

import dev.arrowrpc.core.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * Counts what the cancellable streams observe (turns of the producer, turns of the exchange, and
 * calls of the cancel hook) so a client can read them back with {@code cancel_probe_counters}.
 *
 * <p>The counters live in this process, or, when the environment variable {@value #FILE_VARIABLE}
 * names a file, in that file as JSON ({@code {"produce_calls": n, "exchange_calls": n,
 * "on_cancel_calls": n}}) under an exclusive lock, so several worker processes share one set as the
 * reference's do.
 */
final class CancelProbe {
  /** The environment variable naming the shared counter file. */
  static final String FILE_VARIABLE = "VGI_RPC_CONFORMANCE_PROBE_FILE";

  /** One counter. */
  enum Counter {
    /** Producer turns. */
    PRODUCE("produce_calls"),
    /** Exchange turns. */
    EXCHANGE("exchange_calls"),
    /** Cancel hook calls. */
    ON_CANCEL("on_cancel_calls");

    private final String key;

    Counter(String key) {
      this.key = key;
    }
  }

  private final AtomicLongArray local = new AtomicLongArray(Counter.values().length);
  private final Optional<Path> shared;

  private CancelProbe(Optional<Path> shared) {
    this.shared = shared;
  }

  /** The probe this process uses: shared through a file when {@value #FILE_VARIABLE} is set. */
  static CancelProbe fromEnvironment() {
    return new CancelProbe(
        Optional.ofNullable(System.getenv(FILE_VARIABLE)).filter(s -> !s.isEmpty()).map(Path::of));
  }

  /**
   * The probe of this process, made from the environment on first use: the one the default {@link
   * ConformanceServiceImpl} counts in, and the one a cancellable stream state restored from an HTTP
   * stream token re-attaches (the probe is no part of the serialized state).
   */
  static CancelProbe processWide() {
    return ProcessWide.PROBE;
  }

  /** Holds the process-wide probe, created when first asked for. */
  private static final class ProcessWide {
    static final CancelProbe PROBE = fromEnvironment();
  }

  /** A probe whose counters live in this process only. */
  static CancelProbe local() {
    return new CancelProbe(Optional.empty());
  }

  /** A probe whose counters live in a file that other probes (and processes) share. */
  static CancelProbe sharedThrough(Path file) {
    return new CancelProbe(Optional.of(file));
  }

  /** Adds one to a counter. */
  void bump(Counter counter) {
    if (shared.isEmpty()) {
      local.incrementAndGet(counter.ordinal());
      return;
    }
    withSharedFile(true, values -> values.merge(counter.key, 1L, Long::sum));
  }

  /** The counters in order: produce, exchange, cancel hook. */
  List<Long> snapshot() {
    if (shared.isEmpty()) {
      return List.of(local.get(0), local.get(1), local.get(2));
    }
    Map<String, Long> values = withSharedFile(false, current -> {});
    return List.of(
        values.getOrDefault(Counter.PRODUCE.key, 0L),
        values.getOrDefault(Counter.EXCHANGE.key, 0L),
        values.getOrDefault(Counter.ON_CANCEL.key, 0L));
  }

  /** Zeroes every counter. */
  void reset() {
    for (int i = 0; i < local.length(); i++) {
      local.set(i, 0);
    }
    if (shared.isPresent()) {
      withSharedFile(true, Map::clear);
    }
  }

  /**
   * Reads the shared file under an exclusive lock, applies a change and, when asked, writes the
   * result back.
   */
  private Map<String, Long> withSharedFile(boolean write, Consumer<Map<String, Long>> change) {
    Path path = shared.orElseThrow();
    try (FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      FileLock lock = file.lock();
      try {
        Map<String, Long> values = read(file);
        change.accept(values);
        if (write) {
          Map<String, Object> json = new LinkedHashMap<>();
          for (Counter counter : Counter.values()) {
            json.put(counter.key, values.getOrDefault(counter.key, 0L));
          }
          file.truncate(0);
          file.write(ByteBuffer.wrap(Json.write(json).getBytes(StandardCharsets.UTF_8)), 0);
        }
        return values;
      } finally {
        lock.release();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cancel probe file " + path + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, Long> read(FileChannel file) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(file.size(), 1 << 16));
    file.read(buffer, 0);
    String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).trim();
    Map<String, Long> values = new LinkedHashMap<>();
    if (!text.isEmpty() && Json.parse(text) instanceof Map<?, ?> parsed) {
      for (Counter counter : Counter.values()) {
        if (parsed.get(counter.key) instanceof Number number) {
          values.put(counter.key, number.longValue());
        }
      }
    }
    return values;
  }
}
