package dev.arrowrpc.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.RpcException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The per-process session registry: lookup, caller binding, expiry, eviction, closing and draining. */
class SessionRegistryTest {
  private static final String ALICE = "conformance\0alice";
  private static final String BOB = "conformance\0bob";

  /** A clock the test moves. */
  private static final class MovingClock extends Clock {
    private long millis = 1_700_000_000_000L;

    void advance(Duration by) {
      millis += by.toMillis();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  /** State that counts its closes. */
  private static final class Handle implements AutoCloseable {
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  @Test
  void findsTheStateOfItsOwnerOnly() {
    SessionRegistry registry = new SessionRegistry(Duration.ofSeconds(60), new MovingClock());
    Object state = new Object();
    SessionRegistry.Opened opened = registry.open(state, Optional.empty(), ALICE);
    assertEquals(24, opened.entry().hexId().length());
    assertSame(state, registry.find(opened.entry().id(), ALICE).orElseThrow().state());
    assertTrue(registry.find(opened.entry().id(), BOB).isEmpty());
    assertTrue(registry.find(new byte[12], ALICE).isEmpty());
  }

  @Test
  void expiresAfterItsTtlAndClosesTheState() {
    MovingClock clock = new MovingClock();
    SessionRegistry registry = new SessionRegistry(Duration.ofSeconds(1), clock);
    Handle handle = new Handle();
    SessionRegistry.Opened opened = registry.open(handle, Optional.empty(), ALICE);
    assertEquals(Math.floorDiv(clock.millis() + 1000, 1000), opened.expiresAtSeconds());
    clock.advance(Duration.ofMillis(1000));
    assertTrue(registry.find(opened.entry().id(), ALICE).isPresent(), "not evicted early");
    clock.advance(Duration.ofMillis(1));
    assertTrue(registry.find(opened.entry().id(), ALICE).isEmpty());
    assertEquals(1, handle.closed.get());
    assertEquals(0, registry.size());
  }

  @Test
  void theReaperTickEvictsExpiredSessionsOnly() {
    MovingClock clock = new MovingClock();
    SessionRegistry registry = new SessionRegistry(Duration.ofSeconds(10), clock);
    Handle shortLived = new Handle();
    Handle longLived = new Handle();
    registry.open(shortLived, Optional.of(Duration.ofSeconds(1)), ALICE);
    SessionRegistry.Opened kept = registry.open(longLived, Optional.empty(), ALICE);
    clock.advance(Duration.ofSeconds(2));
    assertEquals(1, registry.evictExpired());
    assertEquals(1, shortLived.closed.get());
    assertEquals(0, longLived.closed.get());
    assertTrue(registry.find(kept.entry().id(), ALICE).isPresent());
  }

  @Test
  void closeIsIdempotentAndClosesOnce() {
    SessionRegistry registry = new SessionRegistry(Duration.ofSeconds(60), new MovingClock());
    Handle handle = new Handle();
    SessionRegistry.Opened opened = registry.open(handle, Optional.empty(), ALICE);
    assertTrue(registry.close(opened.entry().id()));
    assertFalse(registry.close(opened.entry().id()));
    assertEquals(1, handle.closed.get());
    assertTrue(registry.find(opened.entry().id(), ALICE).isEmpty());
  }

  @Test
  void drainingRefusesNewSessionsButKeepsOpenOnes() {
    SessionRegistry registry = new SessionRegistry(Duration.ofSeconds(60), new MovingClock());
    SessionRegistry.Opened opened = registry.open("kept", Optional.empty(), ALICE);
    registry.draining(true);
    RpcException e = assertThrows(RpcException.class, () -> registry.open("new", Optional.empty(), ALICE));
    assertEquals("ServerDrainingError", e.errorType());
    assertEquals("server_draining", e.errorKind().orElseThrow());
    assertEquals(ErrorCode.UNAVAILABLE, e.errorCode());
    assertEquals(Duration.ofSeconds(1), e.retryInfo().orElseThrow().retryDelay());
    assertTrue(registry.find(opened.entry().id(), ALICE).isPresent());
    registry.draining(false);
    registry.open("again", Optional.empty(), ALICE);
  }

  @Test
  void closeAllClosesEveryState() {
    SessionRegistry registry = new SessionRegistry(Duration.ofSeconds(60), new MovingClock());
    Handle a = new Handle();
    Handle b = new Handle();
    registry.open(a, Optional.empty(), ALICE);
    registry.open(b, Optional.empty(), BOB);
    registry.closeAll();
    assertEquals(0, registry.size());
    assertEquals(1, a.closed.get());
    assertEquals(1, b.closed.get());
  }

  @Test
  void sessionIdsAreDistinct() {
    SessionRegistry registry = new SessionRegistry(Duration.ofSeconds(60), new MovingClock());
    String first = registry.open("a", Optional.empty(), ALICE).entry().hexId();
    String second = registry.open("b", Optional.empty(), ALICE).entry().hexId();
    assertFalse(first.equals(second));
  }
}
