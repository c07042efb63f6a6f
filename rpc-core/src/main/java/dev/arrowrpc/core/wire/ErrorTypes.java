package dev.arrowrpc.core.wire;

import dev.arrowrpc.core.RpcException;
import dev.arrowrpc.core.schema.MarshalException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ConcurrentModificationException;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeoutException;

/**
 * Names Java exceptions in the reference's vocabulary (Python exception class names), since peers
 * and the conformance suite match on {@code exception_type}.
 */
public final class ErrorTypes {
  private ErrorTypes() {}

  /**
   * Returns the error type to report for an exception.
   *
   * @param error the exception
   * @return for example {@code ValueError} for an {@link IllegalArgumentException}
   */
  public static String of(Throwable error) {
    if (error instanceof RpcException rpc) {
      return rpc.errorType();
    }
    if (error instanceof MarshalException || error instanceof ClassCastException
        || error instanceof NullPointerException) {
      return "TypeError";
    }
    if (error instanceof NumberFormatException || error instanceof IllegalArgumentException) {
      return "ValueError";
    }
    if (error instanceof IndexOutOfBoundsException) {
      return "IndexError";
    }
    if (error instanceof NoSuchElementException) {
      return "KeyError";
    }
    if (error instanceof UnsupportedOperationException) {
      return "NotImplementedError";
    }
    if (error instanceof ArithmeticException) {
      return error.getMessage() != null && error.getMessage().contains("by zero")
          ? "ZeroDivisionError"
          : "ArithmeticError";
    }
    if (error instanceof TimeoutException) {
      return "TimeoutError";
    }
    if (error instanceof IOException || error instanceof UncheckedIOException) {
      return "OSError";
    }
    if (error instanceof OutOfMemoryError) {
      return "MemoryError";
    }
    if (error instanceof ConcurrentModificationException || error instanceof IllegalStateException) {
      return "RuntimeError";
    }
    return "RuntimeError";
  }

  /** Returns the message of an exception without the type prefix ({@code ""} when none). */
  public static String message(Throwable error) {
    if (error instanceof RpcException rpc) {
      return rpc.errorMessage();
    }
    return error.getMessage() == null ? "" : error.getMessage();
  }
}
