package dev.arrowrpc.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The BOM ({@code bom/pom.xml}) has no parent, so it repeats versions the root pom holds: these tests
 * keep the two equal (Arrow, Jackson, SLF4J, Undertow, OkHttp, zstd-jni, Flight's Netty/gRPC/protobuf
 * stack, our own version), keep that stack at the versions Arrow's own build declares, keep the BOM
 * listing every published module, keep its metadata (URL, licence, SCM) the root's, and keep rpc-core
 * declaring Arrow's Jackson ahead of Arrow, which is what aligns Jackson for users who do not import
 * the BOM.
 */
class BomConsistencyTest {
  private static final String OURS = "dev.arrowrpc";

  private static final Path ROOT = locateRoot();
  private static final Pom PARENT = Pom.read(ROOT.resolve("pom.xml"));
  private static final Pom BOM = Pom.read(ROOT.resolve("bom/pom.xml"));

  @Test
  void bomHasTheProjectsCoordinatesAndNoParent() {
    assertEquals(OURS, BOM.text("groupId"));
    assertEquals("arrow-rpc-bom", BOM.text("artifactId"));
    assertEquals("pom", BOM.text("packaging"));
    assertEquals(PARENT.text("version"), BOM.text("version"));
    assertTrue(BOM.child(BOM.root, "parent").isEmpty(), "the BOM must stay parentless");
  }

  @Test
  void bomListsEveryPublishedModuleAtTheProjectVersion() {
    TreeSet<String> published = new TreeSet<>();
    for (String module : PARENT.modules()) {
      Pom pom = Pom.read(ROOT.resolve(module).resolve("pom.xml"));
      boolean skipped = "true".equals(pom.property("maven.deploy.skip").orElse("false"));
      if (!skipped && !"pom".equals(pom.text("packaging"))) {
        published.add(pom.text("artifactId"));
      }
    }
    assertEquals(new TreeSet<>(List.of("rpc-core", "rpc-transport-pipe", "rpc-transport-http",
        "rpc-transport-flight", "rpc-codegen")), published,
        "the published jar modules (a new one must be added to the BOM and to this list)");

    Map<String, String> ours = new TreeMap<>();
    for (Element dependency : BOM.managed()) {
      if (OURS.equals(Pom.text(dependency, "groupId"))) {
        ours.put(Pom.text(dependency, "artifactId"), Pom.text(dependency, "version"));
      }
    }
    assertEquals(published, ours.keySet(), "the BOM's dev.arrowrpc entries");
    ours.forEach((artifact, version) -> assertEquals(PARENT.text("version"), version, artifact));
  }

  @Test
  void unpublishedModulesSkipDeployment() {
    for (String module : List.of("conformance", "examples", "benchmarks", "reliability", "architecture")) {
      assertTrue(PARENT.modules().contains(module), module);
      Pom pom = Pom.read(ROOT.resolve(module).resolve("pom.xml"));
      assertEquals(Optional.of("true"), pom.property("maven.deploy.skip"), module);
    }
    assertEquals(Optional.of("false"), PARENT.property("maven.deploy.skip"));
  }

  @Test
  void bomVersionsAreTheRootPomsVersions() {
    assertEquals(PARENT.property("arrow.version").orElseThrow(), BOM.managedVersion("org.apache.arrow", "arrow-bom"),
        "Arrow");
    assertEquals(PARENT.managedVersion("com.fasterxml.jackson", "jackson-bom"),
        BOM.managedVersion("com.fasterxml.jackson", "jackson-bom"), "Jackson");
    assertEquals(PARENT.property("slf4j.version").orElseThrow(), BOM.managedVersion("org.slf4j", "slf4j-api"),
        "SLF4J");
    assertEquals(PARENT.property("undertow.version").orElseThrow(),
        BOM.managedVersion("io.undertow", "undertow-core"), "Undertow");
    assertEquals(PARENT.property("okhttp.version").orElseThrow(),
        BOM.managedVersion("com.squareup.okhttp3", "okhttp-jvm"), "OkHttp");
    assertEquals(PARENT.property("zstd-jni.version").orElseThrow(),
        BOM.managedVersion("com.github.luben", "zstd-jni"), "zstd-jni");
    // Flight's stack: the root pom imports these BOMs for the build, the BOM for users
    assertEquals(PARENT.property("netty.version").orElseThrow(), BOM.managedVersion("io.netty", "netty-bom"),
        "Netty");
    assertEquals(PARENT.property("grpc.version").orElseThrow(), BOM.managedVersion("io.grpc", "grpc-bom"), "gRPC");
    assertEquals(PARENT.property("protobuf.version").orElseThrow(),
        BOM.managedVersion("com.google.protobuf", "protobuf-bom"), "protobuf");
    assertEquals(PARENT.property("guava.version").orElseThrow(),
        BOM.managedVersion("com.google.guava", "guava-bom"), "Guava");
    assertEquals(PARENT.property("error-prone.version").orElseThrow(),
        BOM.managedVersion("com.google.errorprone", "error_prone_annotations"), "Error Prone annotations");
    assertEquals(PARENT.property("gson.version").orElseThrow(),
        BOM.managedVersion("com.google.code.gson", "gson"), "Gson");
  }

  @Test
  void flightsStackIsTheOneArrowIsBuiltWith() throws Exception {
    // flight-core's jar sits in the local repository; arrow-java-root, its parent, beside it declares
    // the Netty, gRPC, protobuf, Guava and Error Prone versions Arrow builds and tests Flight with
    Path jar = Path.of(Class.forName("org.apache.arrow.flight.FlightClient").getProtectionDomain()
        .getCodeSource().getLocation().toURI());
    String arrow = PARENT.property("arrow.version").orElseThrow();
    assertEquals(arrow, jar.getParent().getFileName().toString(), "flight-core on the classpath: " + jar);
    Path rootPom = jar.getParent().getParent().getParent()
        .resolve("arrow-java-root").resolve(arrow).resolve("arrow-java-root-" + arrow + ".pom");
    assertTrue(Files.isRegularFile(rootPom), "arrow-java-root beside flight-core: " + rootPom);
    Pom arrowRoot = Pom.read(rootPom);
    Map<String, String> ours = new TreeMap<>();
    Map<String, String> arrows = new TreeMap<>();
    for (String[] pair : new String[][] {{"netty.version", "dep.netty-bom.version"},
        {"grpc.version", "dep.grpc-bom.version"}, {"protobuf.version", "dep.protobuf-bom.version"},
        {"guava.version", "dep.guava-bom.version"}, {"error-prone.version", "error_prone_core.version"}}) {
      ours.put(pair[1], PARENT.property(pair[0]).orElseThrow());
      arrows.put(pair[1],
          arrowRoot.property(pair[1]).orElseThrow(() -> new AssertionError(pair[1] + " in " + rootPom)));
    }
    assertEquals(arrows, ours, "the root pom's Flight stack vs arrow-java-root " + arrow
        + " (update them with arrow.version)");
  }

  @Test
  void everyVersionTheRootManagesForUsersIsInTheBom() {
    // what the libraries depend on at run time; test libraries and slf4j-simple are the build's own
    for (Element dependency : PARENT.managed()) {
      String group = Pom.text(dependency, "groupId");
      String artifact = Pom.text(dependency, "artifactId");
      if (group.equals(OURS) || group.equals("org.junit") || artifact.equals("slf4j-simple")
          || group.equals("org.apache.arrow")) {
        continue; // ours: checked above; Arrow: the BOM imports arrow-bom at arrow.version
      }
      String version = PARENT.resolve(Pom.text(dependency, "version"));
      assertEquals(version, BOM.managedVersion(group, artifact), group + ":" + artifact);
    }
  }

  @Test
  void bomRepeatsTheRootMetadata() {
    for (String path : List.of("url", "inceptionYear", "licenses/license/name", "licenses/license/url",
        "scm/connection", "scm/developerConnection", "scm/url", "issueManagement/url", "developers/developer/id")) {
      String expected = PARENT.text(path);
      assertFalse(expected.isEmpty(), path + " in the root pom");
      assertEquals(expected, BOM.text(path), path);
    }
  }

  @Test
  void rpcCoreDeclaresArrowsJacksonBeforeArrow() {
    Pom core = Pom.read(ROOT.resolve("rpc-core/pom.xml"));
    List<String> order = new ArrayList<>();
    for (Element dependency : core.elements(core.child(core.root, "dependencies").orElseThrow(), "dependency")) {
      order.add(Pom.text(dependency, "groupId") + ":" + Pom.text(dependency, "artifactId"));
    }
    int arrow = order.indexOf("org.apache.arrow:arrow-vector");
    assertTrue(arrow >= 0, "rpc-core depends on arrow-vector");
    for (String jackson : List.of("com.fasterxml.jackson.core:jackson-core",
        "com.fasterxml.jackson.core:jackson-annotations", "com.fasterxml.jackson.core:jackson-databind",
        "com.fasterxml.jackson.datatype:jackson-datatype-jsr310")) {
      int at = order.indexOf(jackson);
      assertTrue(at >= 0 && at < arrow, jackson + " must be declared before arrow-vector: " + order);
    }
  }

  private static Path locateRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("bom/pom.xml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no bom/pom.xml above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** One pom.xml, read with the JDK's DOM parser. */
  private static final class Pom {
    final Element root;

    private Pom(Element root) {
      this.root = root;
    }

    static Pom read(Path file) {
      try (InputStream in = Files.newInputStream(file)) {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document document = factory.newDocumentBuilder().parse(in);
        return new Pom(document.getDocumentElement());
      } catch (IOException | javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
        throw new IllegalStateException("cannot read " + file, e);
      }
    }

    /** The text at a slash-separated path below the project element ("" when absent). */
    String text(String path) {
      Element at = root;
      for (String name : path.split("/")) {
        Optional<Element> next = child(at, name);
        if (next.isEmpty()) {
          return "";
        }
        at = next.get();
      }
      return at.getTextContent().trim();
    }

    static String text(Element element, String name) {
      for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && e.getTagName().equals(name)) {
          return e.getTextContent().trim();
        }
      }
      return "";
    }

    Optional<Element> child(Element parent, String name) {
      List<Element> found = elements(parent, name);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    List<Element> elements(Element parent, String name) {
      List<Element> found = new ArrayList<>();
      for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && e.getTagName().equals(name)) {
          found.add(e);
        }
      }
      return found;
    }

    Optional<String> property(String name) {
      return child(root, "properties").flatMap(p -> child(p, name)).map(e -> e.getTextContent().trim());
    }

    List<String> modules() {
      return child(root, "modules").map(m -> elements(m, "module").stream().map(e -> e.getTextContent().trim())
          .toList()).orElse(List.of());
    }

    List<Element> managed() {
      return child(root, "dependencyManagement").flatMap(d -> child(d, "dependencies"))
          .map(d -> elements(d, "dependency")).orElse(List.of());
    }

    /** The version of a managed dependency, properties resolved; fails when it is not managed. */
    String managedVersion(String groupId, String artifactId) {
      for (Element dependency : managed()) {
        if (text(dependency, "groupId").equals(groupId) && text(dependency, "artifactId").equals(artifactId)) {
          return resolve(text(dependency, "version"));
        }
      }
      throw new AssertionError(groupId + ":" + artifactId + " is not managed in " + text("artifactId"));
    }

    String resolve(String value) {
      if (value.startsWith("${") && value.endsWith("}")) {
        String name = value.substring(2, value.length() - 1);
        if (name.equals("project.version")) {
          return text("version");
        }
        return property(name).orElseThrow(() -> new AssertionError("no property " + name));
      }
      return value;
    }
  }
}
