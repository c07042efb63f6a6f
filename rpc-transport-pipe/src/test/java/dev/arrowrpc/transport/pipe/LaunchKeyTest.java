package dev.arrowrpc.transport.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worker key matches the reference's {@code vgi_rpc.launcher.compute_hash}: the expected values
 * were computed by it (0.52.2) for the same command, directory and environment.
 */
class LaunchKeyTest {
  @Test
  void aPlainCommandHashesAsTheReferenceDoes() {
    assertEquals("399c136333d270c8", LaunchKey.of(List.of("java", "-cp", "a:b", "Main"), "/work/dir",
        Map.of("PATH", "/usr/bin:/bin")));
  }

  @Test
  void onlyVgiRpcVariablesCountSortedByName() {
    Map<String, String> env = Map.of("VGI_RPC_B", "2", "VGI_RPC_A", "x\"y", "OTHER", "1", "PATH", "/bin");
    assertEquals("c1677806cefce0ee", LaunchKey.of(List.of("java", "-cp", "a:b", "Main"), "/work/dir", env));
    assertEquals("399c136333d270c8", LaunchKey.of(List.of("java", "-cp", "a:b", "Main"), "/work/dir",
        Map.of("OTHER", "2")), "other variables do not change the key");
  }

  @Test
  void escapesAndNonAsciiAreWrittenAsPythonsJsonWritesThem() {
    Map<String, String> env = Map.of("VGI_RPC_B", "2", "VGI_RPC_A", "x\"y");
    assertEquals("61e7280da5945a3c",
        LaunchKey.of(List.of("w\u00e9\ud83d\ude00\"\\\n\u007f\u0001"), "/tmp", env));
  }

  @Test
  void theDirectoryIsPartOfTheKey() {
    assertNotEquals(LaunchKey.of(List.of("w"), "/a", Map.of()), LaunchKey.of(List.of("w"), "/b", Map.of()));
  }
}
