package dev.arrowrpc.core.generated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ByteTransport;
import dev.arrowrpc.core.Nullable;
import dev.arrowrpc.core.Roots;
import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.RpcService;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.core.runtime.RpcServer;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Generated code ({@link Families_ArrowRpcInvoker}) and reflection give the same results, the same
 * errors and the same bytes on the wire, both ways, for every type family: each call runs once
 * against a server and client of {@link Families} (generated class found by the lookup rule) and
 * once of {@link Families.Reflected} (none), and the request and answer bytes are compared. Both
 * allocators of both connections end every test at zero.
 */
class GeneratedPathTest {
  private Tapped generated;
  private Tapped reflected;

  @BeforeEach
  void open() throws IOException {
    generated = new Tapped(Families.class);
    reflected = new Tapped(Families.Reflected.class);
  }

  @AfterEach
  void close() throws Exception {
    for (Tapped tapped : List.of(generated, reflected)) {
      try {
        assertEquals(0, tapped.clientMemory.getAllocatedMemory(), "client allocator");
        assertEquals(0, tapped.serverMemory.getAllocatedMemory(), "server allocator");
      } finally {
        tapped.close();
      }
    }
  }

  @Test
  void theLookupRuleNamesTheGeneratedClass() {
    assertEquals("dev.arrowrpc.core.generated.Families_ArrowRpcInvoker", GeneratedInvoker.className(Families.class));
    assertEquals("dev.arrowrpc.core.generated.Families_Reflected_ArrowRpcInvoker",
        GeneratedInvoker.className(Families.Reflected.class));
    assertTrue(GeneratedInvoker.find(Families.class).isPresent());
    assertFalse(GeneratedInvoker.find(Families.Reflected.class).isPresent());
  }

  /** An interface whose generated-class name is taken by a class that is not one. */
  @RpcService(name = "Misnamed")
  interface Misnamed {
    void noop();
  }

  @Test
  void aClassWithTheNameThatIsNoGeneratedClassIsRefused() {
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> GeneratedInvoker.find(Misnamed.class));
    assertTrue(refused.getMessage().contains("does not implement"), refused.getMessage());
  }

  /** An interface whose generated class was generated from another version of it. */
  @RpcService(name = "Stale")
  public interface Stale {
    void noop();
  }

  @Test
  void aGeneratedClientNamingOtherMethodsIsNotUsed() throws IOException {
    try (RpcClient client = RpcClient.connect(new ByteTransport() {
      @Override
      public InputStream input() {
        return InputStream.nullInputStream();
      }

      @Override
      public OutputStream output() {
        return OutputStream.nullOutputStream();
      }

      @Override
      public void close() {}
    })) {
      assertEquals(List.of("noop", "removed"), GeneratedInvoker.find(Stale.class).orElseThrow().clientMethods());
      Stale stale = client.proxy(Stale.class);
      assertTrue(java.lang.reflect.Proxy.isProxyClass(stale.getClass()), stale.getClass().getName());
      assertEquals("Stale proxy", stale.toString());
      assertTrue(client.remote(Stale.class).isEmpty());
      assertTrue(RpcClient.generatedClient(Stale.class, (method, args) -> null).isEmpty());
    }
  }

  @Test
  void everyTypeFamilyGivesTheSameResultAndBytes() {
    same(f -> {
      f.none();
      return "done";
    });
    same(f -> f.primitives(-5_000_000_000L, 7, (short) -3, (byte) 9, 2.5, 0.25f, true));
    same(f -> f.primitives(Long.MAX_VALUE, Integer.MIN_VALUE, Short.MAX_VALUE, Byte.MIN_VALUE, -0.0, Float.NaN, false));
    same(f -> f.wired(4_000_000_000L, -128, 1.5));
    same(f -> f.boxed(12L, null, 3.5));
    same(f -> f.boxed(-1L, 4, null));
    same(f -> f.strings("plain", null, "dict", "large é"));
    same(f -> f.strings("", "maybe", "dict", ""));
    same(f -> List.of(f.bytes(new byte[] {1, 2, 3, -1})).stream().map(b -> java.util.Arrays.toString(b)).toList());
    same(f -> f.temporal(Instant.parse("2026-01-02T03:04:05.123456Z"), LocalDate.of(2026, 2, 3),
        Duration.ofMillis(1500), new BigDecimal("1234.5678")));
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("b", "2");
    tags.put("a", "1");
    same(f -> f.composite(Families.Color.GREEN, new Families.Point(3, null), List.of(1L, 2L, 3L), tags,
        Optional.of("note")));
    same(f -> f.composite(Families.Color.RED, new Families.Point(-1, "p"), List.of(), Map.of(), Optional.empty()));
    assertTrue(Families_ArrowRpcInvoker.USES.get() > 0, "the generated class was used");
  }

  @Test
  void arrowDataGoesThroughReflectionOnBothPaths() {
    same(f -> {
      try (VectorSchemaRoot sent = Roots.sample(clientMemoryOf(f), 10);
          VectorSchemaRoot back = f.root(sent)) {
        return back.contentToTSVString();
      }
    });
  }

  @Test
  void refusalsAreTheSame() {
    int before = Families_ArrowRpcInvoker.USES.get();
    same(f -> assertThrows(RpcException.class, () -> f.strings(null, null, "d", "l")).getMessage());
    same(f -> assertThrows(RpcException.class, () -> f.boxed(null, 1, 1.0)).getMessage());
    same(f -> assertThrows(RpcException.class, () -> f.wired(-1, 0, 0)).getMessage());
    assertTrue(Families_ArrowRpcInvoker.USES.get() > before);
  }

  /** A client of the same protocol that sends nulls where {@link Families} refuses them. */
  @RpcService(name = "Families")
  interface Loose {
    double primitives(@Nullable Long l, int i, short s, byte b, double d, float f, boolean z);

    String strings(@Nullable String plain, @Nullable String maybe, String dictionary, String large);
  }

  @Test
  void serversRefuseNullsTheSameWay() throws IOException {
    List<String> answers = new ArrayList<>();
    for (Tapped tapped : List.of(generated, reflected)) {
      Loose loose = tapped.client.proxy(Loose.class);
      answers.add(assertThrows(RpcException.class, () -> loose.strings(null, null, "d", "l")).getMessage());
      answers.add(assertThrows(RpcException.class, () -> loose.primitives(null, 1, (short) 1, (byte) 1, 1, 1, true))
          .getMessage());
    }
    assertEquals(answers.subList(0, 2), answers.subList(2, 4));
    assertTrue(answers.get(0).contains("plain"), answers.get(0));
  }

  private BufferAllocator clientMemoryOf(Families proxy) {
    return proxy == generated.proxy ? generated.clientMemory : reflected.clientMemory;
  }

  /** Runs the call on both connections: same value, same request bytes, same answer bytes. */
  private void same(Function<Families, Object> call) {
    Object viaGenerated = generated.run(call);
    byte[] generatedRequest = generated.request.toByteArray();
    byte[] generatedAnswer = generated.answer.toByteArray();
    Object viaReflection = reflected.run(call);
    assertEquals(viaReflection, viaGenerated);
    assertArrayEquals(reflected.request.toByteArray(), generatedRequest, "request bytes");
    assertArrayEquals(reflected.answer.toByteArray(), generatedAnswer, "answer bytes");
  }

  /** A server and a client over pipes, with the bytes each side writes recorded. */
  private static final class Tapped implements AutoCloseable {
    final BufferAllocator serverMemory = new RootAllocator();
    final BufferAllocator clientMemory = new RootAllocator();
    final ByteArrayOutputStream request = new ByteArrayOutputStream();
    final ByteArrayOutputStream answer = new ByteArrayOutputStream();
    final RpcServer server;
    final RpcClient client;
    final Families proxy;
    final Thread serverThread;

    <T extends Families> Tapped(Class<T> service) throws IOException {
      server = RpcServer.builder(service, service.cast(new FamiliesImpl())).allocator(serverMemory).build();
      Pipe toServer = Pipe.open();
      Pipe toClient = Pipe.open();
      InputStream serverIn = Channels.newInputStream(toServer.source());
      OutputStream serverOut = tee(Channels.newOutputStream(toClient.sink()), answer);
      serverThread = new Thread(() -> {
        try (serverOut) {
          server.serve(serverIn, serverOut);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, "generated-test-server");
      serverThread.setDaemon(true);
      serverThread.start();
      InputStream clientIn = Channels.newInputStream(toClient.source());
      OutputStream clientOut = tee(Channels.newOutputStream(toServer.sink()), request);
      client = RpcClient.builder(new ByteTransport() {
        @Override
        public InputStream input() {
          return clientIn;
        }

        @Override
        public OutputStream output() {
          return clientOut;
        }

        @Override
        public void close() throws IOException {
          clientOut.close();
          clientIn.close();
        }
      }).allocator(clientMemory).build();
      proxy = client.proxy(service);
    }

    Object run(Function<Families, Object> call) {
      request.reset();
      answer.reset();
      return call.apply(proxy);
    }

    private static OutputStream tee(OutputStream out, ByteArrayOutputStream copy) {
      return new FilterOutputStream(out) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          synchronized (copy) {
            copy.write(b, off, len);
          }
          out.write(b, off, len);
        }

        @Override
        public void write(int b) throws IOException {
          synchronized (copy) {
            copy.write(b);
          }
          out.write(b);
        }
      };
    }

    @Override
    public void close() throws Exception {
      client.close();
      serverThread.join(5000);
      server.close();
      clientMemory.close();
      serverMemory.close();
    }
  }

  /** Answers with a value built from every parameter. */
  static final class FamiliesImpl implements Families.Reflected {
    @Override
    public void none() {}

    @Override
    public double primitives(long l, int i, short s, byte b, double d, float f, boolean z) {
      return l + i * 3.0 + s * 5.0 + b * 7.0 + d + f + (z ? 1 : 0);
    }

    @Override
    public long wired(long u32, int i8, double f32) {
      if (u32 < 0) {
        throw new IllegalArgumentException("negative");
      }
      return (u32 % 1000) + i8 + (long) f32;
    }

    @Override
    public Long boxed(Long value, Integer maybe, Double other) {
      return maybe == null ? null : value + maybe + (other == null ? 0 : other.longValue());
    }

    @Override
    public String strings(String plain, String maybe, String dictionary, String large) {
      return plain + "|" + maybe + "|" + dictionary + "|" + large;
    }

    @Override
    public byte[] bytes(byte[] data) {
      byte[] out = data.clone();
      out[0]++;
      return out;
    }

    @Override
    public Instant temporal(Instant at, LocalDate day, Duration span, BigDecimal amount) {
      return at.plus(span).plusSeconds(day.getDayOfMonth() + amount.longValue());
    }

    @Override
    public Map<String, Point> composite(Color color, Point point, List<Long> values, Map<String, String> tags,
        Optional<String> note) {
      Map<String, Point> out = new LinkedHashMap<>();
      out.put(color.name(), point);
      tags.forEach((k, v) -> out.put(k, new Point(values.size() + Long.parseLong(v), note.orElse(null))));
      return out;
    }

    @Override
    public VectorSchemaRoot root(VectorSchemaRoot batch) {
      return batch;
    }
  }
}
