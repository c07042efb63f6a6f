package dev.arrowrpc.core.server;

import dev.arrowrpc.core.schema.MethodSpec;
import dev.arrowrpc.core.schema.ProtocolHash;
import dev.arrowrpc.core.schema.ServiceSpec;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One protocol as a server hosts it, for reflection to report: its wire name, declared version,
 * the methods it routes (which may be a subset of an interface's, as for a framework protocol whose
 * methods depend on configuration), and its hash over exactly those methods.
 *
 * @param name the wire name
 * @param version the declared semver, if any
 * @param methods the hosted methods by name
 * @param protocolHash the canonical hash of {@code name} and {@code methods}
 */
record HostedProtocol(
    String name, Optional<String> version, Map<String, MethodSpec> methods, String protocolHash) {

  /** Checks for nulls and copies the methods into name order. */
  public HostedProtocol {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(protocolHash, "protocolHash");
    methods = Collections.unmodifiableMap(new TreeMap<>(methods));
  }

  /**
   * Describes a service hosted whole under its own name, computing its hash.
   *
   * @param spec the service
   * @return the hosted protocol
   * @throws IllegalArgumentException when a schema holds a type with no canonical token
   */
  public static HostedProtocol of(ServiceSpec spec) {
    return new HostedProtocol(spec.protocolName(), spec.protocolVersion(), spec.methods(), ProtocolHash.of(spec));
  }
}
