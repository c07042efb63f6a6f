package dev.arrowrpc.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares whether a {@link BatchStream} method produces or exchanges, as the reference's {@code
 * Stream[ProducerState]} and {@code Stream[ExchangeState]} do. A {@code BatchStream} decides its
 * input schema at run time, so without this declaration its kind is published as unknown; with it,
 * describe can say whether the stream accepts input. {@link Producer} and {@link Exchange} methods
 * need no declaration: their return type states the kind.
 *
 * <pre>{@code
 * @StreamKind(StreamKind.Kind.EXCHANGE)
 * BatchStream scale(double factor);
 * }</pre>
 *
 * <p>The declaration describes the method; the server does not compare it with the stream the
 * implementation returns.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface StreamKind {
  /** {@return the declared kind} */
  Kind value();

  /** The two kinds of stream. */
  enum Kind {
    /** The client ticks; the stream takes no input batches. */
    PRODUCER,
    /** The client sends an input batch each turn. */
    EXCHANGE
  }
}
