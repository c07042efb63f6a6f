package dev.arrowrpc.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The fence around rpc-core: the other modules may use its API packages and its SPI package, nothing
 * else. Read from each module's compiled classes with the JDK's {@code jdeps}, so a use hidden in a
 * method body counts as much as an import.
 *
 * <p>Uses of engine packages that remain are listed in {@link #KNOWN} as (module, package) pairs;
 * the list only shrinks: a new pair fails, and a listed pair that is gone must leave it.
 */
class ApiFenceTest {
  private static final String CORE = "dev.arrowrpc.core";

  /** What applications use: the types services are written against, the entry points, security. */
  static final Set<String> API = Set.of(CORE, CORE + ".runtime", CORE + ".auth", CORE + ".identity",
      CORE + ".external", CORE + ".reflect", CORE + ".generated");

  /**
   * What transport modules use besides the API: the engine's seams ({@code spi}) and the message
   * vocabulary every seam speaks ({@code wire}: Arrow IPC stream reader and writer, batches, the
   * protocol's metadata keys, log and error batches, its JSON), and the shared-memory side channel a
   * byte-channel transport provides ({@code shm}: the segment interface, the connection scope, pointer
   * batches). A test harness that writes raw protocol bytes uses the same.
   */
  static final Set<String> SPI = Set.of(CORE + ".spi", CORE + ".wire", CORE + ".shm");

  /**
   * What the code generator uses besides the API: the type catalog ({@code schema}), so that
   * reflection over an interface, the annotation processor and the generator of interfaces from a
   * running service share one mapping. No other module may use it.
   */
  static final Map<String, Set<String>> TOOLS = Map.of("rpc-codegen", Set.of(CORE + ".schema"));

  /** The modules outside rpc-core, each by a package only it has. */
  private static final Map<String, String> MODULES = Map.of(
      "rpc-transport-pipe", "dev/arrowrpc/transport/pipe",
      "rpc-transport-http", "dev/arrowrpc/transport/http",
      "rpc-transport-flight", "dev/arrowrpc/transport/flight",
      "rpc-codegen", "dev/arrowrpc/codegen",
      "conformance", "dev/arrowrpc/conformance",
      "examples", "dev/arrowrpc/examples",
      "benchmarks", "dev/arrowrpc/bench",
      "reliability", "dev/arrowrpc/reliability");

  /**
   * Engine packages other modules still use (module → packages), each to be moved behind the API or
   * the SPI; the list only shrinks. Empty: every module keeps to the API and the SPI.
   */
  private static final Map<String, Set<String>> KNOWN = Map.of();

  @Test
  void modulesUseOnlyTheApiAndTheSpiOfRpcCore() throws Exception {
    Map<String, Set<String>> found = new TreeMap<>();
    Map<String, List<String>> examples = new TreeMap<>();
    for (Map.Entry<String, String> module : MODULES.entrySet()) {
      Path classes = classesOf(module.getKey(), module.getValue());
      for (String[] edge : coreEdges(classes)) {
        String target = packageOf(edge[1]);
        if (!API.contains(target) && !SPI.contains(target)
            && !TOOLS.getOrDefault(module.getKey(), Set.of()).contains(target)) {
          found.computeIfAbsent(module.getKey(), k -> new TreeSet<>()).add(target);
          examples.computeIfAbsent(module.getKey() + " -> " + target, k -> new ArrayList<>())
              .add(edge[0] + " -> " + edge[1]);
        }
      }
    }
    StringBuilder detail = new StringBuilder();
    examples.forEach((pair, uses) -> detail.append('\n').append(pair).append(": ")
        .append(uses.subList(0, Math.min(4, uses.size()))));
    assertEquals(new TreeMap<>(KNOWN), found, "rpc-core engine packages used outside rpc-core (a new use must go "
        + "through the API or the SPI; a listed one that is gone must leave KNOWN):" + detail);
  }

  @Test
  void everyModuleIsRead() throws Exception {
    for (Map.Entry<String, String> module : MODULES.entrySet()) {
      List<String[]> edges = coreEdges(classesOf(module.getKey(), module.getValue()));
      assertFalse(edges.isEmpty(), module.getKey() + " uses rpc-core: its edges were read");
    }
  }

  @Test
  void aPackageIsThePartBeforeTheFirstCapital() {
    assertEquals(CORE + ".runtime", packageOf(CORE + ".runtime.RpcServer$Builder"));
    assertEquals(CORE, packageOf(CORE + ".CallContext$Scope"));
  }

  /** Class → class edges from a module's classes into rpc-core. */
  private static List<String[]> coreEdges(Path classes) {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:class", "-filter:none",
        classes.toString());
    assertEquals(0, status, err.toString());
    Pattern edge = Pattern.compile("^\\s+(dev\\.arrowrpc\\.\\S+)\\s+->\\s+(" + Pattern.quote(CORE) + "\\.\\S+)\\s");
    List<String[]> edges = new ArrayList<>();
    for (String line : out.toString().split("\\R")) {
      Matcher m = edge.matcher(line + " ");
      if (m.find() && !m.group(1).startsWith(CORE + ".")) {
        edges.add(new String[] {m.group(1), m.group(2)});
      }
    }
    return edges;
  }

  /** The class directory or jar a module's package is loaded from, from the module's own build. */
  private static Path classesOf(String module, String packagePath) throws IOException, URISyntaxException {
    // a module's own build output (its jar after `package`, its classes before); copies of its jar that
    // other modules keep for their launchers (target/lib, on the class path through manifests) are not it
    List<URL> all = Collections.list(ApiFenceTest.class.getClassLoader().getResources(packagePath));
    String own = "/" + module + "/target/";
    List<URL> found = all.stream()
        .filter(url -> url.toString().contains(own) && !url.toString().contains(own + "lib/")).toList();
    assertEquals(1, found.size(), module + "'s own classes are on the test class path once: " + all);
    URL url = found.get(0);
    if ("jar".equals(url.getProtocol())) {
      return Path.of(((JarURLConnection) url.openConnection()).getJarFileURL().toURI());
    }
    Path dir = Path.of(url.toURI());
    for (int i = 0; i < packagePath.split("/").length; i++) {
      dir = dir.getParent();
    }
    assertTrue(dir.toFile().isDirectory(), module + " classes at " + dir);
    return dir;
  }

  /** The package of a class name: its segments before the first one that starts with a capital. */
  static String packageOf(String className) {
    StringBuilder pkg = new StringBuilder();
    for (String segment : className.split("\\.")) {
      if (!segment.isEmpty() && Character.isUpperCase(segment.charAt(0))) {
        break;
      }
      if (pkg.length() > 0) {
        pkg.append('.');
      }
      pkg.append(segment);
    }
    return pkg.toString();
  }
}
