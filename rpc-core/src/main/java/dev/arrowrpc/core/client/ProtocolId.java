package dev.arrowrpc.core.client;

import dev.arrowrpc.core.schema.ServiceSpec;
import java.util.Objects;
import java.util.Optional;

/**
 * The protocol a call addresses, as every request names it: the routing key and, when the protocol
 * declares one, its version.
 *
 * @param name the protocol's wire name
 * @param version the declared semver, if any
 */
record ProtocolId(String name, Optional<String> version) {
  /** Checks the parts. */
  public ProtocolId {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
  }

  /** Compares the parts (written out: a request's metadata is looked up by this on every call). */
  @Override
  public boolean equals(Object other) {
    return other == this
        || other instanceof ProtocolId id && id.name.equals(name) && id.version.equals(version);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + version.hashCode();
  }

  /** The protocol of a service interface. */
  public static ProtocolId of(ServiceSpec spec) {
    return new ProtocolId(spec.protocolName(), spec.protocolVersion());
  }
}
