package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.wire.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The key a warm worker is found by, as the reference launcher computes it: the first 16 hex digits
 * of the SHA-256 of the compact JSON {@code {"cmd":[...],"cwd":"...","env":{...}}} (keys sorted,
 * non-ASCII characters escaped as {@code \\uXXXX}), where {@code env} holds the launcher's {@code
 * VGI_RPC_*} environment variables. A worker started from another directory or with other {@code
 * VGI_RPC_*} settings is another worker.
 */
final class LaunchKey {
  /** The prefix of the environment variables that are part of the key. */
  static final String ENV_PREFIX = "VGI_RPC_";
  private static final int LENGTH = 16;

  private LaunchKey() {}

  /**
   * The key of a command.
   *
   * @param command the worker's command line (without the launcher's flags)
   * @param cwd the launcher's working directory
   * @param environment the launcher's environment (only {@code VGI_RPC_*} variables count)
   * @return 16 lower-case hex digits
   */
  static String of(List<String> command, String cwd, Map<String, String> environment) {
    Map<String, String> env = new TreeMap<>();
    environment.forEach((name, value) -> {
      if (name.startsWith(ENV_PREFIX)) {
        env.put(name, value);
      }
    });
    Map<String, Object> canonical = new LinkedHashMap<>();
    canonical.put("cmd", command);
    canonical.put("cwd", cwd);
    canonical.put("env", env);
    String json = asciiOnly(Json.writeCompact(canonical));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(digest).substring(0, LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  /** Escapes what Python's {@code json.dumps} escapes beyond {@link Json}: DEL and non-ASCII. */
  private static String asciiOnly(String json) {
    StringBuilder out = new StringBuilder(json.length());
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
