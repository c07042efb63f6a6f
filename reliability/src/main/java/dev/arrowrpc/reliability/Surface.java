package dev.arrowrpc.reliability;

/** A way of reaching the worker under test: the transports the harness attacks. */
enum Surface {
  PIPE("pipe"),
  UNIX("unix"),
  TCP("tcp"),
  HTTP("http");

  private final String label;

  Surface(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  /** Whether the surface carries a byte stream of IPC messages (every surface but HTTP). */
  boolean byteChannel() {
    return this != HTTP;
  }

  static Surface of(String label) {
    for (Surface surface : values()) {
      if (surface.label.equals(label)) {
        return surface;
      }
    }
    throw new IllegalArgumentException("unknown surface '" + label + "' (pipe, unix, tcp, http)");
  }
}
