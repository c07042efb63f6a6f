package dev.arrowrpc.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's Quick Start is the examples module's source text: every region of the example sources
 * marked {@code // readme:begin NAME} ... {@code // readme:end NAME} appears verbatim as a fenced
 * {@code java} block of README.md, every {@code java} block of the Quick Start is such a region, and
 * the expected-output block equals {@code examples/expected-output.txt}. A change on either side
 * fails here until the other follows.
 *
 * <p>A region is the lines between its markers with their common indentation removed; the segments
 * of one name (in file order, files by path) are joined with one blank line, so a block can show a
 * file's imports and then some of its methods.
 */
class ReadmeSnippetsTest {
  private static final Pattern MARKER = Pattern.compile("^\\s*// readme:(begin|end) ([A-Za-z0-9_-]+)\\s*$");
  private static final Pattern PYTHON_MARKER = Pattern.compile("^\\s*# readme:(begin|end) ([A-Za-z0-9_-]+)\\s*$");
  private static final String EXPECTED_OUTPUT = "examples/expected-output.txt";
  private static final String PYTHON_EXPECTED_OUTPUT = "examples/python/expected-output.txt";
  private static final String QUICK_START = "## Quick start";
  private static final String AFTER_QUICK_START = "### Several protocols on one server";

  /** The regions the README shows; a marker removed by mistake would otherwise go unchecked. */
  private static final Set<String> REGIONS = Set.of("calculator", "service", "worker", "client", "in-process", "flight", "flight-server");
  /** The regions of the Python examples ({@code # readme:begin NAME}) the README shows. */
  private static final Set<String> PYTHON_REGIONS = Set.of("pyarrow", "pyarrow-exchange");

  @Test
  void everyMarkedRegionOfTheExamplesIsAJavaBlockOfTheReadme() throws IOException {
    Path root = repositoryRoot();
    Map<String, String> regions = regions(root.resolve("examples/src/main/java"));
    assertEquals(REGIONS, regions.keySet(), "the marked regions of examples/src/main/java");
    List<String> blocks = fencedBlocks(readme(root), "java");
    for (Map.Entry<String, String> region : regions.entrySet()) {
      if (!blocks.contains(region.getValue())) {
        fail("README.md has no ```java block equal to the examples' region '" + region.getKey() + "'"
            + closest(region.getValue(), blocks) + "\nThe region:\n" + region.getValue());
      }
    }
  }

  @Test
  void everyJavaBlockOfTheQuickStartIsAMarkedRegion() throws IOException {
    Path root = repositoryRoot();
    List<String> lines = readme(root);
    int start = lines.indexOf(QUICK_START);
    int end = lines.indexOf(AFTER_QUICK_START);
    assertTrue(start >= 0 && end > start, "README.md has '" + QUICK_START + "' before '" + AFTER_QUICK_START + "'");
    Map<String, String> regions = regions(root.resolve("examples/src/main/java"));
    for (String block : fencedBlocks(lines.subList(start, end), "java")) {
      assertTrue(regions.containsValue(block),
          "a ```java block of the Quick Start is not a marked region of the examples (mark its source"
              + " with // readme:begin NAME ... // readme:end NAME):\n" + block);
    }
  }

  @Test
  void everyMarkedRegionOfThePythonExamplesIsAPythonBlockOfTheReadme() throws IOException {
    Path root = repositoryRoot();
    Map<String, String> regions = regions(root.resolve("examples/python"), ".py", PYTHON_MARKER);
    assertEquals(PYTHON_REGIONS, regions.keySet(), "the marked regions of examples/python");
    List<String> blocks = fencedBlocks(readme(root), "python");
    for (Map.Entry<String, String> region : regions.entrySet()) {
      if (!blocks.contains(region.getValue())) {
        fail("README.md has no ```python block equal to the region '" + region.getKey() + "' of examples/python"
            + closest(region.getValue(), blocks) + "\nThe region:\n" + region.getValue());
      }
    }
  }

  @Test
  void theReadmeShowsTheExpectedOutput() throws IOException {
    assertShowsOutput(EXPECTED_OUTPUT);
  }

  @Test
  void theReadmeShowsThePythonExamplesOutput() throws IOException {
    assertShowsOutput(PYTHON_EXPECTED_OUTPUT);
  }

  /** The README has {@code <!-- expected-output: FILE -->} directly followed by a text block equal to FILE. */
  private static void assertShowsOutput(String file) throws IOException {
    Path root = repositoryRoot();
    List<String> lines = readme(root);
    String marker = "<!-- expected-output: " + file + " -->";
    int at = lines.indexOf(marker);
    assertTrue(at >= 0, "README.md has the line " + marker);
    List<String> after = lines.subList(at + 1, lines.size());
    String block = fencedBlocks(after, "text").stream().findFirst()
        .orElseThrow(() -> new AssertionError("no ```text block after " + marker));
    assertTrue(after.get(0).equals("```text"), "the ```text block follows " + marker + " directly");
    String expected = Files.readString(root.resolve(file), StandardCharsets.UTF_8);
    assertEquals(expected, block + "\n", "the README's expected output differs from " + file);
  }

  @Test
  void regionsAreDedentedAndJoined() {
    List<String> source = List.of(
        "package p;",
        "// readme:begin a",
        "import x.Y;",
        "// readme:end a",
        "class C {",
        "  // readme:begin a",
        "  void m() {",
        "",
        "    run();",
        "  }",
        "  // readme:end a",
        "}");
    Map<String, List<String>> segments = new LinkedHashMap<>();
    collect("C.java", source, segments);
    assertEquals(Map.of("a", List.of("import x.Y;", "void m() {\n\n  run();\n}")), segments);
    assertEquals(List.of("one\n  two", "three"),
        fencedBlocks(List.of("text", "```java", "one", "  two", "```", "```text", "x", "```", "```java", "three", "```"),
            "java"));
  }

  @Test
  void unbalancedMarkersAreRefused() {
    Map<String, List<String>> segments = new LinkedHashMap<>();
    AssertionError open = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
        () -> collect("C.java", List.of("// readme:begin a", "x"), segments));
    assertTrue(open.getMessage().contains("not closed"), open.getMessage());
    AssertionError mismatched = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
        () -> collect("C.java", List.of("// readme:begin a", "// readme:end b"), segments));
    assertTrue(mismatched.getMessage().contains("C.java:2"), mismatched.getMessage());
  }

  /** The checkout's root: the nearest directory up from here holding README.md and examples/. */
  static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("examples"))) {
        return dir;
      }
    }
    throw new AssertionError("no README.md with an examples/ directory above " + Path.of("").toAbsolutePath());
  }

  private static List<String> readme(Path root) throws IOException {
    return Files.readAllLines(root.resolve("README.md"), StandardCharsets.UTF_8);
  }

  /** Every region of the Java sources under a directory, by name. */
  static Map<String, String> regions(Path sources) throws IOException {
    return regions(sources, ".java", MARKER);
  }

  /** Every region, by name, of the files under a directory whose names end with {@code suffix}. */
  static Map<String, String> regions(Path sources, String suffix, Pattern marker) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(sources)) {
      files = walk.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
    }
    Map<String, List<String>> segments = new LinkedHashMap<>();
    for (Path file : files) {
      collect(sources.relativize(file).toString(), Files.readAllLines(file, StandardCharsets.UTF_8), segments,
          marker);
    }
    Map<String, String> regions = new LinkedHashMap<>();
    segments.forEach((name, parts) -> regions.put(name, String.join("\n\n", parts)));
    return regions;
  }

  /** Adds the marked segments of one file, each dedented, to {@code segments}. */
  static void collect(String file, List<String> lines, Map<String, List<String>> segments) {
    collect(file, lines, segments, MARKER);
  }

  /** Adds the segments of one file marked by {@code markerPattern}, each dedented, to {@code segments}. */
  static void collect(String file, List<String> lines, Map<String, List<String>> segments, Pattern markerPattern) {
    Optional<String> open = Optional.empty();
    List<String> body = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher marker = markerPattern.matcher(lines.get(i));
      if (!marker.matches()) {
        if (open.isPresent()) {
          body.add(lines.get(i));
        }
        continue;
      }
      String name = marker.group(2);
      if (marker.group(1).equals("begin")) {
        if (open.isPresent()) {
          throw new AssertionError(file + ":" + (i + 1) + ": region '" + name + "' begins inside '" + open.get() + "'");
        }
        open = Optional.of(name);
        body = new ArrayList<>();
      } else {
        if (!open.equals(Optional.of(name))) {
          throw new AssertionError(file + ":" + (i + 1) + ": end of region '" + name + "', but the open region is "
              + open.map(n -> "'" + n + "'").orElse("none"));
        }
        segments.computeIfAbsent(name, n -> new ArrayList<>()).add(dedent(body));
        open = Optional.empty();
      }
    }
    if (open.isPresent()) {
      throw new AssertionError(file + ": region '" + open.get() + "' is not closed");
    }
  }

  private static String dedent(List<String> lines) {
    int common = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      out.add(line.isBlank() ? "" : line.substring(common));
    }
    return String.join("\n", out);
  }

  /** The contents of the fenced blocks of one language, in order, lines joined with newlines. */
  static List<String> fencedBlocks(List<String> lines, String language) {
    List<String> blocks = new ArrayList<>();
    List<String> current = null;
    boolean wanted = false;
    for (String line : lines) {
      if (current == null) {
        if (line.startsWith("```")) {
          current = new ArrayList<>();
          wanted = line.substring(3).strip().equals(language);
        }
      } else if (line.equals("```")) {
        if (wanted) {
          blocks.add(String.join("\n", current));
        }
        current = null;
      } else {
        current.add(line);
      }
    }
    return blocks;
  }

  /** Where the README block nearest to {@code region} first differs from it, for the failure message. */
  private static String closest(String region, List<String> blocks) {
    List<String> want = region.lines().toList();
    String best = null;
    int bestShared = -1;
    for (String block : blocks) {
      List<String> have = block.lines().toList();
      int shared = 0;
      while (shared < want.size() && shared < have.size() && want.get(shared).equals(have.get(shared))) {
        shared++;
      }
      if (shared > bestShared) {
        bestShared = shared;
        best = block;
      }
    }
    if (best == null || bestShared == 0) {
      return "";
    }
    List<String> have = best.lines().toList();
    return "\nThe nearest block first differs at its line " + (bestShared + 1) + ":\n  README:   "
        + (bestShared < have.size() ? have.get(bestShared) : "(block ends)") + "\n  examples: "
        + (bestShared < want.size() ? want.get(bestShared) : "(region ends)");
  }
}
