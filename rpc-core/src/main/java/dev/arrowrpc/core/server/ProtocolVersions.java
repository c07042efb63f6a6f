package dev.arrowrpc.core.server;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.ServiceSpec;

/**
 * The application-protocol version gate, per hosted protocol: major and minor must match, patch is
 * ignored. Messages name the protocol, both versions and which side to upgrade; the error carries a
 * {@code PreconditionFailure} whose subject is the protocol.
 */
final class ProtocolVersions {
  private ProtocolVersions() {}

  /**
   * Checks a client's declared version against the protocol's.
   *
   * @param protocol the protocol the call addressed
   * @param server the protocol's version (canonical semver)
   * @param client the version the request carried, or null
   * @return null when compatible, else the error to answer with
   */
  static RpcException check(String protocol, String server, String client) {
    if (client != null && client.equals(server)) {
      return null; // the common case: the very version the server speaks
    }
    String head = "VGI client/worker protocol_version mismatch for protocol '" + protocol + "'.\n";
    if (client == null) {
      return RequestProblem.protocolVersion(head + "  Client: <not declared>\n  Server: " + server
          + "\n  Direction: the client did not send a vgi_rpc.protocol_version metadata key; upgrade the "
          + "client to one that declares the protocol's version.", protocol, "", server);
    }
    if (!ServiceSpec.isSemver(client)) {
      return RequestProblem.protocolVersion(head + "  Client: " + client + "\n  Server: " + server
          + "\n  Direction: client sent a malformed protocol_version. Expected canonical semver "
          + "MAJOR.MINOR.PATCH.", protocol, client, server);
    }
    String[] s = server.split("\\.");
    String[] c = client.split("\\.");
    if (s[0].equals(c[0]) && s[1].equals(c[1])) {
      return null;
    }
    String direction = compare(c, s) < 0
        ? "client is too old; upgrade the client to a version supporting protocol_version " + server + "."
        : "server is too old; upgrade the worker to a version supporting protocol_version " + client + ".";
    return RequestProblem.protocolVersion(
        head + "  Client: " + client + "\n  Server: " + server + "\n  Direction: " + direction,
        protocol, client, server);
  }

  private static int compare(String[] a, String[] b) {
    for (int i = 0; i < 2; i++) {
      int diff = Long.compare(Long.parseLong(a[i]), Long.parseLong(b[i]));
      if (diff != 0) {
        return diff;
      }
    }
    return 0;
  }
}
