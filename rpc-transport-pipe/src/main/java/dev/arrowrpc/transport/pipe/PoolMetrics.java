package dev.arrowrpc.transport.pipe;

/**
 * A snapshot of a {@link WorkerPool}'s counters ({@link WorkerPool#metrics()}). The counts of now
 * ({@code borrowed}, {@code idle}) are across all commands; the totals count since the pool was built.
 *
 * @param borrows borrows granted in all (each proxy call, stream and {@link WorkerPool#borrow} is one)
 * @param borrowed workers borrowed now (a call in progress, an open stream, an unclosed lease)
 * @param idle workers idle now, alive and waiting for the next borrow
 * @param started worker processes started
 * @param failed workers ended because they died, their channel broke or a stream was left open on
 *     them, and launches that failed
 * @param evicted idle workers ended by the pool: idle longer than the idle timeout, or past the idle cap
 * @param timedOut borrows that waited for a free worker in vain ({@link PoolExhaustedException})
 */
public record PoolMetrics(
    long borrows, int borrowed, int idle, long started, long failed, long evicted, long timedOut) {}
