package dev.arrowrpc.conformance;

import dev.arrowrpc.core.LogMessage;
import dev.arrowrpc.core.runtime.RpcClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The client contract against one cell of the client matrix: a worker process of one
 * implementation over one transport. Run by {@code conformance/run-client-matrix.sh} (through
 * {@link ClientMatrix}, which starts the cell's worker); disabled otherwise, so the default build
 * needs neither Python nor Go.
 *
 * <p>Run alone (for example from an IDE), it starts the worker itself from system properties:
 * {@value #CELL} = {@code peer:transport} (such as {@code python:unix}), {@code
 * arrowrpc.matrix.command.<peer>} = the worker's program, {@value #SCRATCH} = a directory for
 * sockets and worker logs.
 */
@EnabledIfSystemProperty(named = ClientMatrixTest.CELL, matches = ".+",
    disabledReason = "runs one cell of the client matrix: conformance/run-client-matrix.sh sets "
        + ClientMatrixTest.CELL + " (Python and Go workers)")
class ClientMatrixTest extends ConformanceClientContract {
  /** The cell to run, {@code peer:transport}. */
  static final String CELL = "arrowrpc.matrix.cell";
  /** The prefix of the property naming a peer's worker program. */
  static final String COMMAND = "arrowrpc.matrix.command.";
  /** A directory for sockets and the workers' stderr. */
  static final String SCRATCH = "arrowrpc.matrix.scratch";

  /** The cell {@link ClientMatrix} started for the next run, if any. */
  static volatile Cell current;

  /** A started cell: the endpoint and the file its worker's stderr goes to. */
  static final class Cell implements ConformanceClientContract.Target {
    private final PeerEndpoint endpoint;
    private final PrintStream stderr;

    private Cell(PeerEndpoint endpoint, PrintStream stderr) {
      this.endpoint = endpoint;
      this.stderr = stderr;
    }

    /**
     * Starts a cell's worker; its stderr goes to {@code <scratch>/<peer>-<transport>.stderr}.
     *
     * @param peer whose worker ({@code arrowrpc.matrix.command.<peer>} names its program)
     * @param transport the channel
     * @param scratch where sockets and logs go
     * @return the started cell
     * @throws PeerEndpoint.Unsupported when the peer cannot serve the transport
     * @throws IOException when the worker cannot be started
     */
    static Cell start(PeerEndpoint.Peer peer, PeerEndpoint.Transport transport, Path scratch)
        throws PeerEndpoint.Unsupported, IOException {
      String program = System.getProperty(COMMAND + peer.label());
      if (program == null || program.isBlank()) {
        throw new PeerEndpoint.Unsupported("no worker program given for " + peer.label());
      }
      Files.createDirectories(scratch);
      Path log = scratch.resolve(peer.label() + "-" + transport.label() + ".stderr");
      PrintStream stderr = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8);
      try {
        return new Cell(PeerEndpoint.start(peer, transport, List.of(program), scratch, stderr::println), stderr);
      } catch (PeerEndpoint.Unsupported | IOException | RuntimeException e) {
        stderr.close();
        throw e;
      }
    }

    @Override
    public RpcClient connect(BufferAllocator allocator, Consumer<LogMessage> onLog) throws IOException {
      return endpoint.connect(allocator, onLog);
    }

    @Override
    public String transport() {
      return endpoint.transport().label();
    }

    @Override
    public void close() {
      endpoint.close();
      stderr.close();
    }
  }

  @Override
  protected Target openTarget() throws Exception {
    Cell started = current;
    if (started != null) {
      // owned by ClientMatrix, which ends it after the run
      return new Target() {
        @Override
        public RpcClient connect(BufferAllocator allocator, Consumer<LogMessage> onLog) throws IOException {
          return started.connect(allocator, onLog);
        }

        @Override
        public String transport() {
          return started.transport();
        }

        @Override
        public void close() {
          // ClientMatrix closes the cell
        }
      };
    }
    Map.Entry<PeerEndpoint.Peer, PeerEndpoint.Transport> cell = PeerEndpoint.parseCell(System.getProperty(CELL));
    Path scratch = Path.of(System.getProperty(SCRATCH, System.getProperty("java.io.tmpdir")));
    return Cell.start(cell.getKey(), cell.getValue(), scratch);
  }
}
