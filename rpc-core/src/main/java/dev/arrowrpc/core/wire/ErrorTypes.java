package dev.arrowrpc.core.wire;

import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.RpcException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Names Java exceptions in the reference's vocabulary (Python exception class names), since peers
 * and the conformance suite match on {@code exception_type}, and reads the error model (code, kind,
 * details) off an exception. Only an {@link RpcException} is classified; any other exception is
 * {@code UNKNOWN} with no kind and no details.
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

  /**
   * {@return the message of an exception without the type prefix ({@code ""} when none)}
   *
   * @param error the exception
   */
  public static String message(Throwable error) {
    if (error instanceof RpcException rpc) {
      return rpc.errorMessage();
    }
    return error.getMessage() == null ? "" : error.getMessage();
  }

  /**
   * Returns the canonical code to report for an exception: the one an {@link RpcException} carries
   * (or its well-known kind names), else {@link ErrorCode#UNKNOWN}.
   *
   * @param error the exception
   * @return its code
   */
  public static ErrorCode code(Throwable error) {
    if (error instanceof RpcException rpc) {
      return rpc.errorCodeName().isEmpty()
          ? rpc.errorKind().flatMap(ErrorCode::ofKind).orElse(ErrorCode.UNKNOWN)
          : rpc.errorCode();
    }
    return ErrorCode.UNKNOWN;
  }

  /**
   * Returns the kind an exception carries.
   *
   * @param error the exception
   * @return the kind of an {@link RpcException} that has one
   */
  public static Optional<String> kind(Throwable error) {
    return error instanceof RpcException rpc ? rpc.errorKind() : Optional.empty();
  }

  /**
   * Returns the detail objects an exception carries (unchecked; emission applies the rules).
   *
   * @param error the exception
   * @return the details of an {@link RpcException}, else none
   */
  public static List<Map<String, Object>> details(Throwable error) {
    return error instanceof RpcException rpc ? rpc.errorDetailsJson() : List.of();
  }
}
