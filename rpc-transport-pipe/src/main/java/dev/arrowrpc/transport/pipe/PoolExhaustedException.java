package dev.arrowrpc.transport.pipe;

import dev.arrowrpc.core.ErrorCode;
import dev.arrowrpc.core.RpcException;

/**
 * No worker of a {@link WorkerPool} became free in time: every one the pool may run for the command
 * ({@link WorkerPool.Builder#maxWorkers}) stayed borrowed for the whole borrow timeout ({@link
 * WorkerPool.Builder#borrowTimeout}). The call was not made. Its type is {@code TimeoutError}, its
 * code {@link ErrorCode#RESOURCE_EXHAUSTED} and its kind {@code pool_exhausted}.
 */
public final class PoolExhaustedException extends RpcException {
  private static final long serialVersionUID = 1L;

  PoolExhaustedException(String message) {
    super(RpcException.builder("TimeoutError", message).code(ErrorCode.RESOURCE_EXHAUSTED)
        .kind("pool_exhausted"));
  }
}
