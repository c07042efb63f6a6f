package dev.arrowrpc.core.server;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.ServiceSpec;

/** The application-protocol version gate: major and minor must match, patch is ignored. */
final class ProtocolVersions {
  private ProtocolVersions() {}

  /**
   * Checks a client's declared version against the server's, for an unnamed protocol (the error
   * then carries no {@code PreconditionFailure}).
   *
   * @param server the server's version (canonical semver)
   * @param client the version the request carried, or null
   * @return null when compatible, else the error to answer with
   */
  static RpcException check(String server, String client) {
    return check("", server, client);
  }

  /**
   * Checks a client's declared version against the one of the protocol the method belongs to.
   *
   * @param protocol the protocol's name (the subject of the error's precondition violation)
   * @param server the protocol's version (canonical semver)
   * @param client the version the request carried, or null
   * @return null when compatible, else the error to answer with
   */
  static RpcException check(String protocol, String server, String client) {
    if (client == null) {
      return mismatch(protocol, "", server,
          "Request carries no protocol version; the server speaks " + server
              + ": upgrade the client to send vgi_rpc.protocol_version");
    }
    if (client.equals(server)) {
      return null; // the common case: the very version the server speaks
    }
    if (!ServiceSpec.isSemver(client)) {
      return mismatch(protocol, client, server,
          "Malformed client protocol version '" + client + "'; the server speaks " + server);
    }
    String[] s = server.split("\\.");
    String[] c = client.split("\\.");
    if (s[0].equals(c[0]) && s[1].equals(c[1])) {
      return null;
    }
    int order = compare(s, c);
    String upgrade = order > 0 ? "upgrade the client" : "upgrade the server";
    return mismatch(protocol, client, server,
        "Protocol version mismatch: client " + client + ", server " + server + " (" + upgrade + ")");
  }

  private static RpcException mismatch(String protocol, String client, String server,
      String message) {
    return RequestProblem.protocolVersion(message, protocol, client, server);
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
