package dev.arrowrpc.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a parameter, result, record component or collection element may be null; its Arrow
 * field is then declared nullable. Without it (or {@link java.util.Optional}) a value is required
 * and a null is refused with an error naming the field.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE_USE)
public @interface Nullable {
  /**
   * {@return whether the Arrow field is declared nullable} {@code false} accepts nulls in a field declared
   * non-nullable, which reproduces the reference's {@code Annotated[X | None, ArrowType(...)]}
   * fields (their schema says non-nullable, their data may hold nulls); use it only to match such
   * a peer's schema exactly.
   */
  boolean declared() default true;
}
