package dev.arrowrpc.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.RpcException;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * A method's failure is logged at the level its code calls for (the reference's
 * vgi_rpc.errors.CLIENT_ERROR_CODES and TRANSIENT_ERROR_CODES), and recorded with the code its answer
 * carries.
 */
class MethodErrorsTest {
  @Test
  void everyCodeHasTheReferencesLevel() {
    Set<ErrorCode> client = EnumSet.of(ErrorCode.INVALID_ARGUMENT, ErrorCode.NOT_FOUND, ErrorCode.ALREADY_EXISTS,
        ErrorCode.OUT_OF_RANGE, ErrorCode.FAILED_PRECONDITION, ErrorCode.PERMISSION_DENIED, ErrorCode.UNAUTHENTICATED,
        ErrorCode.UNIMPLEMENTED, ErrorCode.CANCELLED);
    Set<ErrorCode> transientCodes = EnumSet.of(ErrorCode.UNAVAILABLE, ErrorCode.DEADLINE_EXCEEDED,
        ErrorCode.RESOURCE_EXHAUSTED, ErrorCode.ABORTED);
    for (ErrorCode code : ErrorCode.values()) {
      Level expected = client.contains(code) ? Level.INFO : transientCodes.contains(code) ? Level.WARN : Level.ERROR;
      assertEquals(expected, MethodErrors.levelOf(code), code.name());
    }
    assertEquals(Level.ERROR, MethodErrors.levelOf(ErrorCode.UNKNOWN));
    assertEquals(Level.ERROR, MethodErrors.levelOf(ErrorCode.INTERNAL));
    assertEquals(Level.ERROR, MethodErrors.levelOf(ErrorCode.DATA_LOSS));
  }

  @Test
  void theAccessRecordCarriesTheCodeTheAnswerCarries() {
    assertEquals("NOT_FOUND", CallReport.codeOf(RpcException.status(ErrorCode.NOT_FOUND, "no such row").build()));
    assertEquals("UNAVAILABLE", CallReport.codeOf(RpcException.builder("RuntimeError", "draining").kind("server_draining").build()));
    assertEquals("UNKNOWN", CallReport.codeOf(new IllegalStateException("broken")));
  }
}
