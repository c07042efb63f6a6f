package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.RpcService;

/** What a worker process sees of where it was started. */
@RpcService(name = "Surroundings")
public interface Surroundings {
  /** {@return an environment variable's value, or an empty string} */
  String variable(String name);

  /** {@return the working directory} */
  String directory();

  /** {@return the number of bytes received} */
  long size(byte[] data);

  /** The implementation. */
  final class Impl implements Surroundings {
    /** Creates it. */
    public Impl() {}

    @Override
    public String variable(String name) {
      String value = System.getenv(name);
      return value == null ? "" : value;
    }

    @Override
    public String directory() {
      return java.nio.file.Path.of("").toAbsolutePath().toString();
    }

    @Override
    public long size(byte[] data) {
      return data.length;
    }
  }
}
