package dev.arrowrpc.conformance;

/**
 * The conformance enum. On the wire a constant travels as its name ({@code PENDING}) in a
 * dictionary&lt;int16, utf8&gt; column; {@link #value()} is the lower-case value the reference
 * assigns to each member, kept for completeness.
 */
public enum Status {
  /** Not started. */
  PENDING("pending"),
  /** Running. */
  ACTIVE("active"),
  /** Done. */
  CLOSED("closed");

  private final String value;

  Status(String value) {
    this.value = value;
  }

  /**
   * The member's value in the reference (not what travels on the wire).
   *
   * @return the lower-case value
   */
  public String value() {
    return value;
  }
}
