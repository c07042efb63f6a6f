package dev.arrowrpc.core.schema;

/**
 * A value could not be converted between Java and Arrow: a null where a value is required, a
 * number out of the declared type's range, a decimal that would lose digits, a cell of an
 * unexpected type. The message names the value's field and what was wrong.
 */
public final class MarshalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public MarshalException(String message) {
    super(message);
  }

  /** Creates the exception with a cause. */
  public MarshalException(String message, Throwable cause) {
    super(message, cause);
  }
}
