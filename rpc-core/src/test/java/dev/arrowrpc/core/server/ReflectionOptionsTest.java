package dev.arrowrpc.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.reflect.ProtocolList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** A server reports the version it is given, and can keep its schemas to itself (no reflection). */
class ReflectionOptionsTest {
  /** A small service. */
  @dev.arrowrpc.core.RpcService(name = "demo.Small")
  public interface Small {
    /** {@return one} */
    int one();
  }

  /** Its implementation. */
  public static final class SmallImpl implements Small {
    @Override
    public int one() {
      return 1;
    }
  }

  private static List<ServiceBinding> application() {
    return List.of(ServiceBinding.bind(Small.class, new SmallImpl()));
  }

  @Test
  void theGivenVersionIsReported() throws Exception {
    try (BufferAllocator memory = new RootAllocator()) {
      ServerState state = new ServerState(application(), memory, "abcdefabcdef", null, Optional.empty(),
          Optional.of("inventory 4.2.0"), true);
      ReflectionService reflection = (ReflectionService) state.protocols().find(Reflection.NAME).orElseThrow()
          .implementation();
      ProtocolList list = ReflectionPayloads.decodeProtocolList(reflection.list_protocols(), memory);
      assertEquals("inventory 4.2.0", list.serverVersion());
      ServerState plain = new ServerState(application(), memory, "abcdefabcdef", null, Optional.empty());
      ReflectionService framework = (ReflectionService) plain.protocols().find(Reflection.NAME).orElseThrow()
          .implementation();
      assertTrue(ReflectionPayloads.decodeProtocolList(framework.list_protocols(), memory).serverVersion()
          .startsWith("arrow-rpc "), "by default the framework's name and version");
    }
  }

  @Test
  void withoutReflectionOnlyTheApplicationIsHosted() {
    try (BufferAllocator memory = new RootAllocator()) {
      ServerState state = new ServerState(application(), memory, "abcdefabcdef", null, Optional.empty(),
          Optional.empty(), false);
      assertEquals(Optional.empty(), state.protocols().find(Reflection.NAME));
      assertEquals(List.of("demo.Small"), state.protocols().all().stream().map(ServiceBinding::name).toList());
    }
  }
}
