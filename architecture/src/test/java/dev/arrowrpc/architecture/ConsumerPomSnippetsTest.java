package dev.arrowrpc.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's Maven snippets are the standalone consumer project's own text: each region of
 * {@code examples/consumer/pom.xml} between {@code <!-- readme:begin NAME -->} and {@code <!--
 * readme:end NAME -->} appears verbatim in the README (after its common indentation is removed), in
 * the section "Using arrow-rpc in your project", so what users copy is what CI builds and runs.
 */
class ConsumerPomSnippetsTest {
  private static final Pattern BEGIN = Pattern.compile("^\\s*<!-- readme:begin (\\S+) -->\\s*$");
  private static final Pattern END = Pattern.compile("^\\s*<!-- readme:end (\\S+) -->\\s*$");
  private static final Pattern FLAGS =
      Pattern.compile("<arrow\\.jvm\\.flags>([^<]*)</arrow\\.jvm\\.flags>");
  private static final String SECTION = "## Using arrow-rpc in your project";

  @Test
  void everyRegionOfTheConsumerPomAppearsVerbatimInTheReadmeSection() throws IOException {
    Path root = repositoryRoot();
    Map<String, String> regions =
        regions(Files.readAllLines(root.resolve("examples/consumer/pom.xml")));
    assertEquals(List.of("properties", "dependencies", "plugins"), List.copyOf(regions.keySet()),
        "the consumer pom's readme regions");
    String section = usingSection(Files.readString(root.resolve("README.md")));
    for (Map.Entry<String, String> region : regions.entrySet()) {
      assertTrue(section.contains("```xml\n" + region.getValue() + "\n```\n"),
          () -> "README's \"" + SECTION + "\" lacks the consumer pom's region '" + region.getKey()
              + "' as an xml block, verbatim after dedenting:\n" + region.getValue());
    }
  }

  @Test
  void theGradleSnippetUsesTheSameJvmFlagsAsTheMavenOne() throws IOException {
    Path root = repositoryRoot();
    Matcher flags = FLAGS.matcher(Files.readString(root.resolve("examples/consumer/pom.xml")));
    assertTrue(flags.find(), "examples/consumer/pom.xml sets arrow.jvm.flags");
    String gradleList = Arrays.stream(flags.group(1).trim().split("\\s+"))
        .map(flag -> "    \"" + flag + "\"")
        .collect(Collectors.joining(",\n", "val arrowJvmFlags = listOf(\n", ")\n"));
    assertTrue(usingSection(Files.readString(root.resolve("README.md"))).contains(gradleList),
        () -> "the README's Gradle snippet should hold the consumer pom's flags:\n" + gradleList);
  }

  @Test
  void regionsAreReadDedentedAndMustBeClosed() {
    Map<String, String> regions = regions(List.of(
        "<project>",
        "    <!-- readme:begin a -->",
        "    <x>",
        "",
        "      <y/>",
        "    </x>",
        "    <!-- readme:end a -->",
        "</project>"));
    assertEquals(Map.of("a", "<x>\n\n  <y/>\n</x>"), regions);
    assertThrowsAssertion(() -> regions(List.of("<!-- readme:begin a -->", "<x/>")));
    assertThrowsAssertion(() -> regions(List.of(
        "<!-- readme:begin a -->", "<x/>", "<!-- readme:end b -->")));
  }

  /** The regions of a file, by name in file order, each without the indentation its lines share. */
  static Map<String, String> regions(List<String> lines) {
    Map<String, String> regions = new LinkedHashMap<>();
    String open = null;
    List<String> body = new ArrayList<>();
    for (String line : lines) {
      Matcher begin = BEGIN.matcher(line);
      Matcher end = END.matcher(line);
      if (begin.matches()) {
        assertEquals(null, open, "readme region '" + open + "' is still open at: " + line);
        open = begin.group(1);
        body = new ArrayList<>();
      } else if (end.matches()) {
        assertEquals(open, end.group(1), "readme:end without its readme:begin: " + line);
        assertFalse(regions.containsKey(open), "readme region '" + open + "' appears twice");
        regions.put(open, dedent(body));
        open = null;
      } else if (open != null) {
        body.add(line);
      }
    }
    assertEquals(null, open, "readme region '" + open + "' is never closed");
    return regions;
  }

  private static String dedent(List<String> lines) {
    int common = lines.stream()
        .filter(line -> !line.isBlank())
        .mapToInt(line -> line.length() - line.stripLeading().length())
        .min()
        .orElse(0);
    return lines.stream()
        .map(line -> line.isBlank() ? "" : line.substring(common))
        .collect(Collectors.joining("\n"));
  }

  /** The README's section on using arrow-rpc, up to the next second-level heading. */
  private static String usingSection(String readme) {
    int start = readme.indexOf("\n" + SECTION + "\n");
    assertTrue(start >= 0, "README has a section \"" + SECTION + "\"");
    int next = readme.indexOf("\n## ", start + 1);
    assertTrue(next > start, "a section follows \"" + SECTION + "\"");
    assertTrue(readme.startsWith("\n## Quick start\n", next),
        "\"" + SECTION + "\" comes right before \"## Quick start\"");
    return readme.substring(start, next + 1);
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("examples/consumer/pom.xml"))) {
      dir = dir.getParent();
    }
    assertTrue(dir != null, "run inside the repository (examples/consumer/pom.xml not found)");
    return dir;
  }

  private static void assertThrowsAssertion(Runnable action) {
    org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, action::run);
  }
}
