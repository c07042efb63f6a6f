package dev.arrowrpc.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the header of a stream method: a record the server sends once, before the first batch.
 * The implementation supplies it with {@link Producer#of(Record, ProducerState)} or {@link
 * Exchange#of(Record, ExchangeState)}; the client reads it with {@code header(Type.class)}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface StreamHeader {
  /** {@return the header's record type} */
  Class<? extends Record> value();
}
