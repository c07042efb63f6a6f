package dev.arrowrpc.codegen;

/**
 * A protocol description holds something a Java interface cannot declare: an Arrow type the type
 * catalog has no Java type for, or a name that is not a Java identifier. The message names the
 * protocol, the method and the field, so nothing is ever generated as a silent {@code Object}.
 */
public final class UnmappableSchemaException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The protocol's wire name. */
  private final String protocol;
  /** The method's wire name, or empty. */
  private final String method;
  /** The field's path, or empty. */
  private final String field;

  UnmappableSchemaException(String protocol, String method, String field, String problem) {
    super("protocol " + protocol + (method.isEmpty() ? "" : ", method " + method)
        + (field.isEmpty() ? "" : ", field " + field) + ": " + problem);
    this.protocol = protocol;
    this.method = method;
    this.field = field;
  }

  /** {@return the protocol's wire name} */
  public String protocol() {
    return protocol;
  }

  /** {@return the method's wire name, empty when the problem is the protocol's own} */
  public String method() {
    return method;
  }

  /**
   * {@return the field's path ({@code params.p}, {@code result}, {@code header.h.item}), empty when the problem
   * is the method's own}
   */
  public String field() {
    return field;
  }
}
