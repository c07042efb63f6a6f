package dev.arrowrpc.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as a vgi-rpc service. Every abstract method of the interface is a remote
 * method; its return type decides its kind: a plain value or {@code void} is a unary call, {@link
 * Producer} is a producer stream and {@link Exchange} an exchange stream.
 *
 * <pre>{@code
 * @RpcService(version = "1.0.0")
 * public interface Calculator {
 *   double add(double a, double b);
 *   Producer<Tick> ticks(long count);
 *   Exchange<Sample, Scaled> scale(double factor);
 * }
 * }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RpcService {
  /**
   * {@return the protocol name published by {@code __describe__}; defaults to the interface's simple name}
   */
  String name() default "";

  /**
   * {@return the application protocol version, canonical semver {@code MAJOR.MINOR.PATCH}} When set, clients
   * send it with every call and servers refuse calls whose major or minor version differs. Empty
   * means unversioned.
   */
  String version() default "";
}
