package dev.arrowrpc.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.identity.GrantKeys;
import dev.arrowrpc.core.identity.IdentityConfig;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server built where {@code VGI_RPC_GRANT_KEYS} is set mints and accepts sealed grants, as the
 * reference's servers do (its {@code grant_keys="env"} default); a malformed key stops the build.
 */
class EnvironmentGrantKeysTest {
  private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
  private final BufferAllocator memory = new RootAllocator();

  @AfterEach
  void close() {
    memory.close();
  }

  private RpcServer.Builder builder() {
    return RpcServer.builder(AccessLogTest.Logged.class, new AccessLogTest.Impl()).allocator(memory);
  }

  @Test
  void keysInTheEnvironmentTurnGrantsOn() {
    try (RpcServer server = builder().environment(Map.of(GrantKeys.KEYS_ENV, KEY, GrantKeys.AUDIENCE_ENV,
        "fleet")).build()) {
      IdentityConfig identity = server.identity().orElseThrow();
      GrantKeys keys = identity.grantKeys().orElseThrow();
      assertEquals("fleet", keys.audience());
      assertTrue(identity.minter().isPresent(), "the framework mints grants with the keys");
    }
  }

  @Test
  void withoutKeysOrWhenToldToIgnoreThemNothingIsHosted() {
    try (RpcServer server = builder().environment(Map.of()).build()) {
      assertEquals(Optional.empty(), server.identity());
    }
    try (RpcServer server = builder().environment(Map.of(GrantKeys.KEYS_ENV, KEY)).ignoreEnvironmentGrantKeys()
        .build()) {
      assertEquals(Optional.empty(), server.identity());
    }
  }

  @Test
  void aMalformedKeyStopsTheBuild() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> builder().environment(Map.of(GrantKeys.KEYS_ENV, "c2hvcnQ=")).build());
    assertTrue(error.getMessage().startsWith("VGI_RPC_GRANT_KEYS: grant key #1 decodes to 5 bytes"),
        error.getMessage());
    assertEquals(0, memory.getAllocatedMemory());
  }

  @Test
  void anIdentityWithoutTheKeysIsRefusedAndOneWithKeysKeepsThem() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> builder().environment(Map.of(GrantKeys.KEYS_ENV, KEY))
            .identity(IdentityConfig.builder().introspectors(java.util.List.of("ops")).build()).build());
    assertTrue(error.getMessage().contains("without them"), error.getMessage());
    GrantKeys own = GrantKeys.fromEnvironment(Map.of(GrantKeys.KEYS_ENV,
        Base64.getEncoder().encodeToString(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
            29, 30, 31, 32}))).orElseThrow();
    try (RpcServer server = builder().environment(Map.of(GrantKeys.KEYS_ENV, KEY))
        .identity(IdentityConfig.builder().grantKeys(own).build()).build()) {
      assertEquals(Optional.of(own), server.identity().orElseThrow().grantKeys());
    }
  }
}
