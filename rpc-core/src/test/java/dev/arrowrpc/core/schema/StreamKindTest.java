package dev.arrowrpc.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.Exchange;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.StreamKind;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A {@link BatchStream} method's kind is unknown until it declares one with {@link StreamKind};
 * typed streams state theirs through their return type; unary methods have none.
 */
class StreamKindTest {
  /** A row. */
  public record Row(long value) {}

  /** Every way a method can (or cannot) state its kind. */
  @RpcService
  public interface Kinds {
    long unary();

    BatchStream undeclared();

    @StreamKind(StreamKind.Kind.PRODUCER)
    BatchStream declaredProducer(long count);

    @StreamKind(StreamKind.Kind.EXCHANGE)
    BatchStream declaredExchange();

    Producer<Row> typedProducer();

    Exchange<Row, Row> typedExchange();
  }

  /** A declaration on a method that is not a {@code BatchStream}. */
  @RpcService
  public interface Misplaced {
    @StreamKind(StreamKind.Kind.PRODUCER)
    Producer<Row> typed();
  }

  private static Optional<Boolean> kind(String method) {
    return ServiceSpec.of(Kinds.class).methods().get(method).isExchange();
  }

  @Test
  void declaredKindsAreKnown() {
    assertEquals(Optional.empty(), kind("unary"));
    assertEquals(Optional.empty(), kind("undeclared"));
    assertEquals(Optional.of(false), kind("declaredProducer"));
    assertEquals(Optional.of(true), kind("declaredExchange"));
    assertEquals(Optional.of(false), kind("typedProducer"));
    assertEquals(Optional.of(true), kind("typedExchange"));
  }

  @Test
  void declarationIsOnlyForBatchStreams() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> ServiceSpec.of(Misplaced.class));
    assertTrue(error.getMessage().contains("@StreamKind is only for BatchStream methods"), error.getMessage());
  }
}
