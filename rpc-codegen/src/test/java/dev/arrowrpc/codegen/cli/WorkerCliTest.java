package dev.arrowrpc.codegen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against real conformance workers launched with {@code --cmd}: ours ({@code
 * conformance/bin/conformance-worker}, when the conformance module has been packaged: rpc-codegen
 * cannot depend on it, since it builds after) and, opt-in, the Python reference's (env {@code
 * VGI_REFERENCE_WORKER}, its command, as {@code ReferenceWorkerTest} takes it).
 */
class WorkerCliTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path WORKER = ROOT.resolve("conformance/bin/conformance-worker");
  private static final Path WORKER_JAR = ROOT.resolve("conformance/target/conformance-worker.jar");

  @TempDir Path dir;

  @Test
  void describeOfOurWorkerListsEveryConformanceAndSecondaryMethod() throws Exception {
    assumeTrue(Files.isRegularFile(WORKER_JAR), "the conformance worker is not packaged (" + WORKER_JAR
        + "); build it with: mvn -B -q -DskipTests package -pl conformance -am");
    Served.Run run = Served.Run.of("", "describe", "--cmd", WORKER.toString(), "--format", "json");
    assertEquals(0, run.status(), run::toString);
    JsonNode protocols = Json.MAPPER.readTree(run.out()).get("protocols");
    try (URLClassLoader conformance = new URLClassLoader(new URL[] {WORKER_JAR.toUri().toURL()},
        WorkerCliTest.class.getClassLoader())) {
      assertEquals(declared(conformance.loadClass("dev.arrowrpc.conformance.ConformanceService")),
          listed(protocols, "ConformanceService"));
      assertEquals(declared(conformance.loadClass("dev.arrowrpc.conformance.SecondaryService")),
          listed(protocols, "conformance.Secondary.v1"));
    }
    checkCallsAndGenerate(List.of(WORKER.toString()));
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "VGI_REFERENCE_WORKER", matches = ".+")
  void theReferenceWorkerDescribesAnswersAndGenerates() throws Exception {
    List<String> command = List.of(System.getenv("VGI_REFERENCE_WORKER").trim().split(" +"));
    Served.Run run = Served.Run.of("", "describe", "--cmd", String.join(" ", command), "--format", "json");
    assertEquals(0, run.status(), run::toString);
    JsonNode protocols = Json.MAPPER.readTree(run.out()).get("protocols");
    assertTrue(listed(protocols, "ConformanceService").containsAll(List.of("echo_int", "produce_n", "exchange_scale")));
    assertTrue(listed(protocols, "conformance.Secondary.v1").contains("echo_string"));
    checkCallsAndGenerate(command);
  }

  /** Unary, producer and exchange calls, then generate and compile. */
  private void checkCallsAndGenerate(List<String> command) throws Exception {
    String cmd = String.join(" ", command);
    Served.Run unary = Served.Run.of("", "call", "--cmd", cmd, "ConformanceService.echo_int", "value=7",
        "--format", "jsonl");
    assertEquals("{\"result\":7}\n", unary.text(), unary::toString);
    Served.Run floats = Served.Run.of("", "call", "--cmd", cmd, "add_floats", "a=1.5", "b=2", "--format", "jsonl");
    assertEquals("{\"result\":3.5}\n", floats.text(), floats::toString);
    Served.Run producer = Served.Run.of("", "call", "--cmd", cmd, "produce_n", "count=3", "--format", "jsonl");
    assertEquals("{\"index\":0,\"value\":0}\n{\"index\":1,\"value\":10}\n{\"index\":2,\"value\":20}\n",
        producer.text(), producer::toString);
    Served.Run exchange = Served.Run.of("{\"value\": 1.5}\n{\"value\": -2.0}\n", "call", "--cmd", cmd,
        "exchange_scale", "factor=2", "--format", "jsonl");
    assertEquals("{\"value\":3.0}\n{\"value\":-4.0}\n", exchange.text(), exchange::toString);
    Served.Run error = Served.Run.of("", "call", "--cmd", cmd, "raise_value_error", "message=boom");
    assertEquals(Exit.REMOTE, error.status(), error::toString);
    assertTrue(error.err().contains("ValueError: boom"), error::toString);

    Path out = dir.resolve("src");
    Served.Run generate = Served.Run.of("", "generate", "--cmd", cmd, "--package", "gen.conf", "--out",
        out.toString());
    assertEquals(0, generate.status(), generate::toString);
    List<Path> files = generate.text().lines().map(Path::of).toList();
    assertEquals(2, files.size(), generate::toString);
    JavaSources.compile(files, dir.resolve("classes"));
  }

  private static TreeSet<String> declared(Class<?> service) {
    TreeSet<String> names = new TreeSet<>();
    Arrays.stream(service.getMethods())
        .filter(m -> Modifier.isAbstract(m.getModifiers()) && m.getDeclaringClass() == service)
        .map(Method::getName).forEach(names::add);
    return names;
  }

  private static TreeSet<String> listed(JsonNode protocols, String protocol) {
    List<String> names = new ArrayList<>();
    for (JsonNode p : protocols) {
      if (p.get("protocol").asText().equals(protocol)) {
        p.get("methods").forEach(m -> names.add(m.get("name").asText()));
      }
    }
    return new TreeSet<>(names);
  }
}
