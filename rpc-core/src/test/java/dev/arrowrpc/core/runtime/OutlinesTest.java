package dev.arrowrpc.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.Producer;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.spi.ServiceOutline;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link RpcServer#outlines()}: every hosted protocol, the primary first and reflection included. */
class OutlinesTest {
  /** The primary protocol. */
  @RpcService(name = "OutlinePrimary", version = "2.0.0")
  public interface Primary {
    /** A produced row. */
    record Row(long n) {}

    long add(long a, long b);

    Producer<Row> rows(long n);
  }

  /** A second protocol. */
  @RpcService(name = "OutlineSecond")
  public interface Second {
    String echo(String s);
  }

  /** Both implementations. */
  public static final class Impl implements Primary, Second {
    @Override
    public long add(long a, long b) {
      return a + b;
    }

    @Override
    public Producer<Row> rows(long n) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String echo(String s) {
      return s;
    }
  }

  @Test
  void everyHostedProtocolIsOutlined() {
    Impl impl = new Impl();
    try (RpcServer server = RpcServer.builder(Primary.class, impl).protocol(Second.class, impl).build()) {
      List<ServiceOutline> outlines = server.outlines();
      assertEquals(server.protocols(), outlines.stream().map(ServiceOutline::protocolName).toList());
      assertEquals(server.outline(), outlines.get(0));
      assertEquals(Optional.of("2.0.0"), outlines.get(0).protocolVersion());
      ServiceOutline second = outlines.get(1);
      assertEquals("OutlineSecond", second.protocolName());
      assertEquals(List.of("echo"), second.methods().stream().map(ServiceOutline.Method::name).toList());
      assertEquals(ServiceOutline.Kind.UNARY, second.methods().get(0).kind());
      ServiceOutline reflection = outlines.get(outlines.size() - 1);
      assertTrue(reflection.protocolName().startsWith("vgi_rpc."), reflection.protocolName());
      assertTrue(reflection.methods().stream().anyMatch(m -> m.name().equals("describe")));
    }
  }
}
