package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.testing.Harness;
import dev.arrowrpc.core.testing.Loopback;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stream header the client cannot decode (here an enum constant the client's enum lacks, as a
 * peer sending enum values instead of names produces): the call fails with a {@code TypeError},
 * and the byte channel stays in step, so the next call on the same connection works.
 */
class UndecodableHeaderTest {
  /** The server's enum. */
  public enum Shade { LIGHT, EXTRA }

  /** The client's view of the same enum, without {@code EXTRA}. */
  public enum Hue { LIGHT }

  public record ServerHeader(Shade shade) {}

  public record ClientHeader(Hue shade) {}

  static final Schema NUMBER = new Schema(List.of(Field.nullable("n", new ArrowType.Int(64, true))));

  @RpcService(name = "Headers")
  public interface ServerSide {
    @StreamHeader(ServerHeader.class)
    BatchStream numbers(boolean extra);

    long ping(long value);
  }

  @RpcService(name = "Headers")
  public interface ClientSide {
    @StreamHeader(ClientHeader.class)
    BatchStream numbers(boolean extra);

    long ping(long value);
  }

  public static final class Impl implements ServerSide {
    @Override
    public BatchStream numbers(boolean extra) {
      return BatchStream.producer(NUMBER, (input, out, context) -> {
        VectorSchemaRoot batch = out.newBatch();
        BigIntVector n = (BigIntVector) batch.getVector(0);
        n.allocateNew(1);
        n.set(0, 7);
        batch.setRowCount(1);
        out.emit(batch);
      }).withHeader(new ServerHeader(extra ? Shade.EXTRA : Shade.LIGHT));
    }

    @Override
    public long ping(long value) {
      return value;
    }
  }

  private Harness loop;
  private ClientSide service;

  @BeforeEach
  void start() throws Exception {
    loop = new Loopback(ServerSide.class, new Impl());
    service = loop.proxy(ClientSide.class);
  }

  @AfterEach
  void stop() throws Exception {
    assertEquals(0, loop.clientBytes(), "client memory");
    loop.close();
  }

  @Test
  void theCallFailsAndTheConnectionStaysInStep() {
    RpcException error = assertThrows(RpcException.class, () -> service.numbers(true));
    assertEquals("TypeError", error.errorType());
    assertTrue(error.errorMessage().contains("EXTRA"), error.errorMessage());
    assertEquals(5, service.ping(5));
    try (BatchStream stream = service.numbers(false)) {
      assertEquals(new ClientHeader(Hue.LIGHT), stream.header(ClientHeader.class));
      assertEquals(7, ((BigIntVector) stream.tick().orElseThrow().getVector(0)).get(0));
    }
    assertEquals(6, service.ping(6));
  }
}
