package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arrowrpc.core.CallContext;
import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.ProducerState;
import dev.arrowrpc.core.RestoredState;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.StreamOutput;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A state's transient fields do not travel in its token; a {@link RestoredState} rebuilds them from
 * the service before each restored turn, as the reference's {@code rehydrate}.
 */
class HttpRestoredStateTest {
  /** Reads rows through a connection the service holds. */
  @RpcService(name = "Rows")
  public interface Rows {
    /** A row. */
    record Row(long n, String source) {}

    /** {@return {@code count} rows, each naming the connection it was read through} */
    Producer<Row> read(long count);
  }

  /** The service: its connection cannot travel in a token. */
  public static final class Impl implements Rows {
    final String connection = "db-1";

    @Override
    public Producer<Row> read(long count) {
      return Producer.of(new Reader(count, connection));
    }
  }

  /** The state: a count that travels, a connection that does not. */
  public static final class Reader implements ProducerState<Rows.Row>, RestoredState {
    long left;
    long next;
    transient String connection;

    /** For the state codec. */
    public Reader() {}

    Reader(long left, String connection) {
      this.left = left;
      this.connection = connection;
    }

    @Override
    public void restored(Object implementation) {
      if (left == 99) {
        throw new IllegalStateException("the connection pool is gone");
      }
      connection = ((Impl) implementation).connection;
    }

    @Override
    public void produce(StreamOutput<Rows.Row> out, CallContext context) {
      if (next >= left) {
        out.finish();
        return;
      }
      out.emitRow(new Rows.Row(next++, String.valueOf(connection)));
    }
  }

  private final ClientServerMemory memory = new ClientServerMemory();

  @AfterEach
  void close() throws Exception {
    memory.close();
  }

  private Rows connect() {
    RpcServer rpc = RpcServer.builder(Rows.class, new Impl()).allocator(memory.server).build();
    memory.open.add(rpc);
    HttpRpcServer http = HttpRpcServer.builder(rpc).signingKey(HttpHarness.KEY).start();
    memory.open.add(http);
    RpcClient client = HttpRpc.builder(http.url()).allocator(memory.client).build();
    memory.open.add(client);
    return client.proxy(Rows.class);
  }

  @Test
  void everyRestoredTurnHasItsConnectionBack() {
    List<Rows.Row> rows = new ArrayList<>();
    try (Producer<Rows.Row> producer = connect().read(3)) {
      producer.forEach(rows::add);
    }
    assertEquals(List.of(new Rows.Row(0, "db-1"), new Rows.Row(1, "db-1"), new Rows.Row(2, "db-1")), rows);
  }

  @Test
  void aStateThatCannotBeRestoredFailsItsTurn() {
    try (Producer<Rows.Row> producer = connect().read(99)) {
      var rows = producer.iterator();
      assertEquals(new Rows.Row(0, "db-1"), rows.next(), "the first turn runs at init, not restored");
      RpcException error = assertThrows(RpcException.class, rows::next);
      assertEquals("the connection pool is gone", error.errorMessage());
    }
  }
}
