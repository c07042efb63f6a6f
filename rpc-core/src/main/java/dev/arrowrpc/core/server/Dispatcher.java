package dev.arrowrpc.core.server;

import dev.arrowrpc.core.schema.ServiceSpec;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The state a server shares across its connections: the bound service, its id, the allocator calls
 * draw their memory from, and the prebuilt describe response.
 */
public final class Dispatcher {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ServiceBinding binding;
  private final BufferAllocator allocator;
  private final String serverId;
  private final byte[] describeResponse;

  /**
   * Creates the dispatcher.
   *
   * @param binding the service and its implementation
   * @param allocator the parent of every call's allocator
   * @param serverId the id stamped on log and error batches
   */
  public Dispatcher(ServiceBinding binding, BufferAllocator allocator, String serverId) {
    this.binding = binding;
    this.allocator = allocator;
    this.serverId = serverId;
    this.describeResponse = Describe.response(binding.spec(), serverId, allocator);
  }

  /** A fresh random server id: 12 lowercase hex digits, as the reference mints them. */
  public static String newServerId() {
    return randomHex(6);
  }

  /** A fresh request id: 16 lowercase hex digits. */
  static String newRequestId() {
    return randomHex(8);
  }

  private static String randomHex(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return HexFormat.of().formatHex(raw);
  }

  /** The bound service. */
  public ServiceBinding binding() {
    return binding;
  }

  /** The service's spec. */
  public ServiceSpec spec() {
    return binding.spec();
  }

  /** The allocator calls draw from. */
  public BufferAllocator allocator() {
    return allocator;
  }

  /** The server id. */
  public String serverId() {
    return serverId;
  }

  byte[] describeResponse() {
    return describeResponse;
  }
}
