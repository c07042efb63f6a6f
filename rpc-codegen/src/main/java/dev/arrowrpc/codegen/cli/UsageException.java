package dev.arrowrpc.codegen.cli;

/** A command line that names something the service lacks, or a value that does not parse: exit 2. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message what is wrong and what is allowed
   */
  UsageException(String message) {
    super(message);
  }
}
