package dev.arrowrpc.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrowrpc.core.wire.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CancelProbeTest {
  @TempDir Path directory;

  @Test
  void countsInProcess() {
    CancelProbe probe = CancelProbe.local();
    probe.bump(CancelProbe.Counter.PRODUCE);
    probe.bump(CancelProbe.Counter.PRODUCE);
    probe.bump(CancelProbe.Counter.ON_CANCEL);
    assertEquals(List.of(2L, 0L, 1L), probe.snapshot());
    probe.reset();
    assertEquals(List.of(0L, 0L, 0L), probe.snapshot());
  }

  @Test
  void sharesCountersThroughAFileInTheReferenceLayout() throws Exception {
    Path file = directory.resolve("probe.json");
    CancelProbe one = CancelProbe.sharedThrough(file);
    CancelProbe other = CancelProbe.sharedThrough(file);
    assertEquals(List.of(0L, 0L, 0L), one.snapshot());
    one.bump(CancelProbe.Counter.EXCHANGE);
    other.bump(CancelProbe.Counter.EXCHANGE);
    other.bump(CancelProbe.Counter.ON_CANCEL);
    assertEquals(List.of(0L, 2L, 1L), one.snapshot());
    assertEquals(Map.of("produce_calls", 0L, "exchange_calls", 2L, "on_cancel_calls", 1L),
        Json.parse(Files.readString(file)));
    Files.writeString(file, "{\"produce_calls\": 5, \"exchange_calls\": 0, \"on_cancel_calls\": 0}");
    assertEquals(List.of(5L, 0L, 0L), other.snapshot());
    one.reset();
    assertEquals(List.of(0L, 0L, 0L), other.snapshot());
  }
}
