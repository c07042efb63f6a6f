package dev.arrowrpc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrowrpc.core.BatchStream;
import dev.arrowrpc.core.reflect.ServiceDescription;
import dev.arrowrpc.core.runtime.RpcClient;
import dev.arrowrpc.transport.pipe.Subprocess;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
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
 * VGI_REFERENCE_WORKER} to the worker's command, words separated by spaces (the venv's {@code
 * vgi-rpc-conformance}, which {@code conformance/run-reference-suite.sh --prepare} installs).
 */
@EnabledIfEnvironmentVariable(named = "VGI_REFERENCE_WORKER", matches = ".+")
class ReferenceWorkerTest {
  @TempDir Path dir;

  @Test
  void theReferenceProtocolGeneratesCompilesReservesToTheSameHashAndAnswers() throws Exception {
    List<String> command = List.of(System.getenv("VGI_REFERENCE_WORKER").trim().split(" +"));
    try (BufferAllocator memory = new RootAllocator()) {
      try (RpcClient client = RpcClient.builder(Subprocess.launch(command)).allocator(memory).build()) {
        ServiceDescription reference = client.describe();
        GeneratedInterface generated = InterfaceGenerator.generate(reference, "dev.example.reference");
        Class<?> service = Compiled.compile(dir, List.of(generated)).loadClass(generated.qualifiedName());

        Object unimplemented = Proxy.newProxyInstance(service.getClassLoader(), new Class<?>[] {service},
            (proxy, method, args) -> switch (method.getName()) {
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              case "toString" -> "unimplemented";
              default -> throw new UnsupportedOperationException(method.getName());
            });
        try (InProcess again = new InProcess(service, unimplemented)) {
          assertEquals(reference.protocolHash(), again.client.describe(reference.protocol()).protocolHash(),
              "the generated interface, served by Java, hashes as the reference's protocol");
        }

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
