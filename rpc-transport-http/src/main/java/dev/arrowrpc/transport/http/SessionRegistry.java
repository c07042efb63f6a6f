package dev.arrowrpc.transport.http;

import dev.arrowrpc.core.StandardErrors;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live sticky sessions of one server process: each holds its state, when it expires, the
 * caller it belongs to, and a lock that serializes the requests of the session (held while a
 * request runs, never while the registry itself is changed). Expired sessions are forgotten as
 * soon as they are looked up and by {@link #evictExpired()}, which a reaper calls periodically;
 * state that is {@link AutoCloseable} is closed whenever its session ends.
 */
final class SessionRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * One live session.
   *
   * @param id the session id
   * @param state the bound state
   * @param expiresAtMillis when it ends, epoch milliseconds
   * @param principalKey the caller it belongs to
   * @param lock serializes the session's requests
   */
  record Entry(byte[] id, Object state, long expiresAtMillis, String principalKey, ReentrantLock lock) {
    /** The id as 24 lowercase hex digits. */
    String hexId() {
      return HexFormat.of().formatHex(id);
    }
  }

  /**
   * A session just opened.
   *
   * @param entry the registry's entry
   * @param expiresAtSeconds when it ends, whole epoch seconds (rounded down, as in the token)
   */
  record Opened(Entry entry, long expiresAtSeconds) {}

  private final Duration defaultTtl;
  private final Clock clock;
  private final Map<String, Entry> entries = new HashMap<>();
  private volatile boolean draining;

  SessionRegistry(Duration defaultTtl, Clock clock) {
    if (defaultTtl.isNegative() || defaultTtl.isZero()) {
      throw new IllegalArgumentException("a session TTL must be positive");
    }
    this.defaultTtl = defaultTtl;
    this.clock = clock;
  }

  /** The lifetime of a session opened without one. */
  Duration defaultTtl() {
    return defaultTtl;
  }

  /** Whether new sessions are refused. */
  boolean draining() {
    return draining;
  }

  /** Refuses new sessions (or accepts them again); sessions already open keep serving. */
  void draining(boolean value) {
    draining = value;
  }

  /**
   * Registers a session.
   *
   * @param state its state
   * @param ttl its lifetime, or empty for the default
   * @param principalKey the caller it belongs to
   * @return the new session
   * @throws dev.arrowrpc.core.RpcException {@code ServerDrainingError} while draining
   */
  Opened open(Object state, Optional<Duration> ttl, String principalKey) {
    if (draining) {
      throw StandardErrors.serverDraining("server is draining; new sessions are refused", Duration.ofSeconds(1));
    }
    Duration lifetime = ttl.orElse(defaultTtl);
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("a session TTL must be positive");
    }
    long expires = clock.millis() + lifetime.toMillis();
    byte[] id = new byte[SessionTokens.SESSION_ID_BYTES];
    RANDOM.nextBytes(id);
    Entry entry = new Entry(id, state, expires, principalKey, new ReentrantLock());
    synchronized (entries) {
      entries.put(entry.hexId(), entry);
    }
    return new Opened(entry, Math.floorDiv(expires, 1000));
  }

  /**
   * Finds a live session of a caller. An expired one is forgotten (and its state closed) here, so
   * a session that aged out between two reaper ticks is as gone as one that never existed.
   *
   * @param id the session id
   * @param principalKey who asks
   * @return the session, or empty when it is unknown, expired or another caller's
   */
  Optional<Entry> find(byte[] id, String principalKey) {
    String key = HexFormat.of().formatHex(id);
    Entry expired = null;
    Entry found;
    synchronized (entries) {
      found = entries.get(key);
      if (found != null && found.expiresAtMillis() < clock.millis()) {
        entries.remove(key);
        expired = found;
        found = null;
      }
    }
    if (expired != null) {
      closeState(expired);
    }
    if (found == null || !found.principalKey().equals(principalKey)) {
      return Optional.empty();
    }
    return Optional.of(found);
  }

  /**
   * Ends a session: forgets it and closes its state.
   *
   * @param id the session id
   * @return whether it was live
   */
  boolean close(byte[] id) {
    Entry removed;
    synchronized (entries) {
      removed = entries.remove(HexFormat.of().formatHex(id));
    }
    if (removed == null) {
      return false;
    }
    closeState(removed);
    return true;
  }

  /**
   * Ends every session past its lifetime.
   *
   * @return how many ended
   */
  int evictExpired() {
    long now = clock.millis();
    List<Entry> expired = new ArrayList<>();
    synchronized (entries) {
      entries.values().removeIf(entry -> {
        if (entry.expiresAtMillis() < now) {
          expired.add(entry);
          return true;
        }
        return false;
      });
    }
    expired.forEach(SessionRegistry::closeState);
    return expired.size();
  }

  /** Ends every session (server shutdown). */
  void closeAll() {
    List<Entry> all;
    synchronized (entries) {
      all = new ArrayList<>(entries.values());
      entries.clear();
    }
    all.forEach(SessionRegistry::closeState);
  }

  /** How many sessions are live (expired ones not yet evicted included). */
  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  private static void closeState(Entry entry) {
    if (entry.state() instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("closing the state of session {} failed", entry.hexId(), e);
      }
    }
  }
}
