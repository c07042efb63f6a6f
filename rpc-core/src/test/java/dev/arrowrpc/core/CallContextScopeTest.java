package dev.arrowrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link CallContext#current()} follows the scopes entered on each thread. */
class CallContextScopeTest {
  /** A context that names itself in its request id. */
  private record Named(String requestId) implements CallContext {
    @Override
    public Optional<String> principal() {
      return Optional.empty();
    }

    @Override
    public String authDomain() {
      return "";
    }

    @Override
    public String method() {
      return "m";
    }

    @Override
    public Map<String, String> requestMetadata() {
      return Map.of();
    }

    @Override
    public void log(LogLevel level, String message, Map<String, String> extra) {}
  }

  @Test
  void nestedScopesRestoreTheOuterCallAndThenNone() {
    Named outer = new Named("outer");
    Named inner = new Named("inner");
    assertTrue(CallContext.current().isEmpty());
    try (CallContext.Scope a = CallContext.enter(outer)) {
      assertSame(outer, CallContext.current().orElseThrow());
      try (CallContext.Scope b = CallContext.enter(inner)) {
        assertSame(inner, CallContext.current().orElseThrow());
      }
      assertSame(outer, CallContext.current().orElseThrow());
    }
    assertTrue(CallContext.current().isEmpty());
  }

  @Test
  void theCurrentCallIsPerThread() throws Exception {
    try (CallContext.Scope a = CallContext.enter(new Named("here"))) {
      AtomicReference<Optional<CallContext>> seen = new AtomicReference<>();
      CompletableFuture.runAsync(() -> seen.set(CallContext.current())).get();
      assertEquals(Optional.empty(), seen.get());
    }
  }

  @Test
  void aScopeClosedOnAnotherThreadIsRefusedAndStaysOpen() throws Exception {
    Named call = new Named("mine");
    CallContext.Scope scope = CallContext.enter(call);
    try {
      CompletableFuture<Void> elsewhere = CompletableFuture.runAsync(scope::close);
      Throwable failure = assertThrows(Exception.class, elsewhere::get).getCause();
      assertTrue(failure instanceof IllegalStateException, String.valueOf(failure));
      assertSame(call, CallContext.current().orElseThrow());
    } finally {
      scope.close();
    }
    assertTrue(CallContext.current().isEmpty());
  }
}
