package dev.arrowrpc.core.wire;

import java.util.ArrayDeque;

/**
 * A value could not be converted between Java and Arrow: a null where a value is required, a
 * number out of the declared type's range, a decimal that would lose digits, a cell of an
 * unexpected type. The message names the value's field by its path from the parameter or result
 * (for example {@code field 'value.middle.inner.label'} or {@code field 'value[3]'}) and says what
 * was wrong.
 */
public final class MarshalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Path segments, outermost first: field names, or {@code [i]} for collection elements. */
  private final ArrayDeque<String> path = new ArrayDeque<>();

  /**
   * Creates the exception; the path is added by the columns it passes through.
   *
   * @param message the message
   */
  public MarshalException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message the message
   * @param cause the cause
   */
  public MarshalException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Prepends a path segment (called by each enclosing column or collection on the way out).
   *
   * @param segment a field name, or {@code [index]} / {@code [key]} for an element
   * @return this exception
   */
  public MarshalException within(String segment) {
    path.addFirst(segment);
    return this;
  }

  /** {@return the field's path, such as {@code value.inner.label} or {@code value[2]}; empty if unknown} */
  public String path() {
    StringBuilder out = new StringBuilder();
    for (String segment : path) {
      if (out.length() > 0 && !segment.startsWith("[")) {
        out.append('.');
      }
      out.append(segment);
    }
    return out.toString();
  }

  /** {@return the problem without the field's path} */
  public String detail() {
    return super.getMessage();
  }

  @Override
  public String getMessage() {
    return path.isEmpty() ? detail() : "field '" + path() + "': " + detail();
  }
}
