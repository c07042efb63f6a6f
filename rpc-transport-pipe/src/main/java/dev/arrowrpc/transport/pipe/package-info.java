/**
 * Byte-channel transports for arrow-rpc: Arrow IPC streams back to back over pipes and sockets.
 *
 * <ul>
 *   <li>{@link dev.arrowrpc.transport.pipe.Workers}: the worker side of a subprocess, serving on
 *       stdin/stdout;
 *   <li>{@link dev.arrowrpc.transport.pipe.Subprocess}: the client side, launching a worker and
 *       talking to it over its pipes;
 *   <li>{@link dev.arrowrpc.transport.pipe.WorkerPool}: subprocess workers kept alive between calls
 *       and borrowed per call by typed proxies;
 *   <li>{@link dev.arrowrpc.transport.pipe.WorkerLauncher}: warm workers on Unix-domain sockets,
 *       shared by client processes and stopping by themselves when idle (the reference's launcher
 *       contract; the worker side is {@link dev.arrowrpc.transport.pipe.Workers#serve(String[],
 *       Class, Object)});
 *   <li>{@link dev.arrowrpc.transport.pipe.PipePair}: an in-process client/server pair for tests;
 *   <li>{@link dev.arrowrpc.transport.pipe.UnixSocketServer} / {@link
 *       dev.arrowrpc.transport.pipe.UnixSocket} and {@link dev.arrowrpc.transport.pipe.TcpServer} /
 *       {@link dev.arrowrpc.transport.pipe.Tcp}: socket servers and their clients.
 * </ul>
 *
 * <p>Every JVM this package launches gets {@link dev.arrowrpc.transport.pipe.JvmFlags#ARROW}.
 */
package dev.arrowrpc.transport.pipe;
