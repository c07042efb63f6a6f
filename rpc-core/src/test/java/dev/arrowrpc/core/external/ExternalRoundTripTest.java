package dev.arrowrpc.core.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.LogLevel;
import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.ProducerState;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.StreamHeader;
import dev.arrowrpc.core.StreamOutput;
import dev.arrowrpc.core.testing.Loopback;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Externalization end to end over a byte channel: the server uploads every data batch at a 1-byte
 * threshold, the client resolves the pointers, and everything still round-trips.
 */
class ExternalRoundTripTest {
  public record Row(long n) {}

  public record Header(String title, long total) {}

  @RpcService(name = "Stored")
  public interface Stored {
    String echo(String s);

    String published(String s);

    Producer<Row> count(long n);

    @StreamHeader(Header.class)
    Producer<Row> counted(long n);

    Exchange<Row, Row> doubler();
  }

  public static final class Impl implements Stored {
    private final ExternalStorage storage;
    private final Map<String, ExternalRef> published = new ConcurrentHashMap<>();

    Impl(ExternalStorage storage) {
      this.storage = storage;
    }

    @Override
    public String echo(String s) {
      return s;
    }

    @Override
    public String published(String s) {
      ExternalRef ref = published.computeIfAbsent(s, value -> {
        try {
          return ExternalRef.publish(storage, Stored.class, "published", value, true);
        } catch (IOException e) {
          throw new RpcException("RuntimeError", e.getMessage());
        }
      });
      return ExternalRef.answer(ref);
    }

    @Override
    public Producer<Row> count(long n) {
      long[] i = {0};
      return Producer.of(new ProducerState<>() {
        @Override
        public void produce(StreamOutput<Row> out, CallContext context) {
          if (i[0] >= n) {
            out.finish();
            return;
          }
          out.log(LogLevel.INFO, "tick " + i[0]);
          out.emitRow(new Row(i[0]++));
        }
      });
    }

    @Override
    public Producer<Row> counted(long n) {
      return Producer.of(new Header("rows", n), ((dev.arrowrpc.core.LocalProducer<Row>) count(n)).state());
    }

    @Override
    public Exchange<Row, Row> doubler() {
      return Exchange.of((input, out, context) -> out.emit(input.stream().map(r -> new Row(r.n() * 2)).toList()));
    }
  }

  private static Loopback loopback(MemoryStorage storage, ExternalLocations locations, boolean clientResolves)
      throws IOException {
    return new Loopback(Stored.class, new Impl(storage), server -> server.external(locations),
        client -> clientResolves ? client.external(storage) : client);
  }

  private static ExternalLocations everything(MemoryStorage storage) {
    return ExternalLocations.of(storage, storage).withThreshold(1);
  }

  @Test
  void unaryResultsGoThroughStorageAndComeBack() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    try (Loopback loop = loopback(storage, everything(storage), true)) {
      Stored service = loop.proxy(Stored.class);
      String big = "x".repeat(20_000);
      assertEquals(big, service.echo(big));
      assertEquals("small", service.echo("small"));
      assertEquals(2, storage.uploads());
      assertEquals(2, storage.fetches.get());
    }
  }

  @Test
  void belowTheThresholdNothingIsUploaded() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    try (Loopback loop = loopback(storage, ExternalLocations.of(storage, storage).withThreshold(1 << 20), true)) {
      assertEquals("small", loop.proxy(Stored.class).echo("small"));
      assertEquals(0, storage.uploads());
    }
  }

  @Test
  void streamsHeadersAndLogsSurviveExternalization() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    try (Loopback loop = loopback(storage, everything(storage), true)) {
      Stored service = loop.proxy(Stored.class);
      List<Row> rows = new ArrayList<>();
      try (Producer<Row> producer = service.count(3)) {
        producer.forEach(rows::add);
      }
      assertEquals(List.of(new Row(0), new Row(1), new Row(2)), rows);
      assertEquals(List.of("tick 0", "tick 1", "tick 2"), loop.logs().stream().map(LogMessage::message).toList());
      try (Producer<Row> counted = service.counted(2)) {
        assertEquals(new Header("rows", 2), counted.header(Header.class));
        List<Row> all = new ArrayList<>();
        counted.forEach(all::add);
        assertEquals(List.of(new Row(0), new Row(1)), all);
      }
      try (Exchange<Row, Row> doubler = service.doubler()) {
        assertEquals(List.of(new Row(2), new Row(4)), doubler.exchange(List.of(new Row(1), new Row(2))));
        assertEquals(new Row(10), doubler.exchangeOne(new Row(5)));
      }
      assertTrue(storage.uploads() >= 3 + 1 + 2 + 2, "uploads: " + storage.uploads());
    }
  }

  @Test
  void aPublishedReferenceIsAnsweredWithoutUploading() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    try (Loopback loop = loopback(storage, ExternalLocations.of(storage, storage).withThreshold(1 << 20), true)) {
      Stored service = loop.proxy(Stored.class);
      assertEquals("hi", service.published("hi"));
      int after = storage.uploads();
      assertEquals(1, after, "published once, whatever the threshold");
      assertEquals("hi", service.published("hi"));
      assertEquals(after, storage.uploads());
      assertEquals(2, storage.fetches.get());
    }
  }

  @Test
  void theResponseUploadCapFailsTheCallBeforeUploading() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    try (Loopback loop = loopback(storage, everything(storage).withMaxExternalizedResponseBytes(4096), true)) {
      Stored service = loop.proxy(Stored.class);
      RpcException error = assertThrows(RpcException.class, () -> service.echo("y".repeat(50_000)));
      assertTrue(error.getMessage().contains("max_externalized_response_bytes"), error.getMessage());
      assertEquals(0, storage.uploads());
      assertEquals("under the cap", service.echo("under the cap"));
      assertEquals(1, storage.uploads());
    }
  }

  @Test
  void aClientWithoutFetcherRefusesPointers() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    try (Loopback loop = loopback(storage, everything(storage), false)) {
      Stored service = loop.proxy(Stored.class);
      RpcException error = assertThrows(RpcException.class, () -> service.echo("anything"));
      assertTrue(error.getMessage().contains("ExternalFetcher"), error.getMessage());
      assertEquals(0, storage.fetches.get());
    }
  }

  @Test
  void publishingNeedsAUnaryMethodWithAResult() {
    MemoryStorage storage = new MemoryStorage();
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> ExternalRef.publish(storage, Stored.class, "nope", "x", false));
    assertTrue(unknown.getMessage().contains("no unary method nope"), unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ExternalRef.publish(storage, Stored.class, "count", 1L, false));
  }
}
