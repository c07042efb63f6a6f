package dev.arrowrpc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.reflect.ProtocolList;
import dev.arrowrpc.core.reflect.ProtocolSummary;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.transport.pipe.Subprocess;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generates the interface of the Python reference's conformance protocol from its own worker's
 * description, compiles it, and calls through it against that worker. Opt-in: set {@code
 * VGI_REFERENCE_WORKER} to the worker's command, words separated by spaces: the venv's {@code
 * vgi-rpc-conformance --describe} ({@code conformance/run-reference-suite.sh --prepare} installs it),
 * or the Java worker {@code conformance/bin/conformance-worker}, which serves the same protocols.
 */
@EnabledIfEnvironmentVariable(named = "VGI_REFERENCE_WORKER", matches = ".+")
class ReferenceWorkerTest {
  @TempDir Path dir;

  @Test
  void theReferenceProtocolGeneratesCompilesReservesToTheSameHashAndAnswers() throws Exception {
    List<String> command = List.of(System.getenv("VGI_REFERENCE_WORKER").trim().split(" +"));
    try (BufferAllocator memory = new RootAllocator()) {
      try (RpcClient client = RpcClient.builder(Subprocess.launch(command)).allocator(memory).build()) {
        List<GeneratedInterface> sources = new ArrayList<>();
        List<ServiceDescription> described = new ArrayList<>();
        for (ProtocolSummary protocol : client.listProtocols().protocols()) {
          if (!protocol.protocol().startsWith(ProtocolList.RESERVED_PREFIX)) {
            ServiceDescription description = client.describe(protocol.protocol());
            described.add(description);
            sources.add(InterfaceGenerator.generate(description, "dev.example.reference"));
          }
        }
        assertEquals(2, sources.size(), "the conformance service and the secondary protocol");
        ClassLoader loader = Compiled.compile(dir, sources);
        for (int i = 0; i < sources.size(); i++) {
          Class<?> generated = loader.loadClass(sources.get(i).qualifiedName());
          try (InProcess again = new InProcess(generated, unimplemented(generated))) {
            ServiceDescription reference = described.get(i);
            assertEquals(reference.protocolHash(), again.client.describe(reference.protocol()).protocolHash(),
                reference.protocol() + ": the generated interface, served by Java, hashes as the worker's");
          }
        }

        Class<?> service = loader.loadClass(sources.get(0).qualifiedName());
        Object conformance = client.proxy(service);
        assertEquals(7L, call(conformance, "echo_int", 7L));
        assertEquals("hi", call(conformance, "echo_string", "hi"));
        assertEquals(List.of("a", "b"), call(conformance, "echo_list", List.of("a", "b")));
        assertEquals(Map.of("k", 3L), call(conformance, "echo_dict", Map.of("k", 3L)));
        assertEquals(5.5, call(conformance, "add_floats", 2.0, 3.5));
        int rows = 0;
        try (BatchStream produced = (BatchStream) call(conformance, "produce_n", 4L)) {
          for (Optional<VectorSchemaRoot> batch = produced.tick(); batch.isPresent(); batch = produced.tick()) {
            rows += batch.get().getRowCount();
          }
        }
        assertEquals(4, rows);
      }
      assertEquals(0, memory.getAllocatedMemory());
    }
  }

  private static Object unimplemented(Class<?> service) {
    return Proxy.newProxyInstance(service.getClassLoader(), new Class<?>[] {service},
        (proxy, method, args) -> switch (method.getName()) {
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          case "toString" -> "unimplemented";
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  private static Object call(Object proxy, String name, Object... args) throws Exception {
    Method method = Arrays.stream(proxy.getClass().getInterfaces()[0].getMethods())
        .filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    try {
      return method.invoke(proxy, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
