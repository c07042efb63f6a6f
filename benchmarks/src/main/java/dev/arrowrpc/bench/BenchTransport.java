package dev.arrowrpc.bench;

import java.util.List;
import java.util.Optional;

/**
 * One way of reaching a server: each transport is one small class. The harness runs every
 * workload over every transport in {@link Transports#ALL}; a transport that cannot run (its module
 * is not built yet, or the target does not serve it) yields a "not yet available" row.
 */
public interface BenchTransport {

  /**
   * The row heading.
   *
   * @return a short name such as {@code "unix socket"}
   */
  String name();

  /**
   * The raw channel this transport's numbers are compared with, if it has one.
   *
   * @return the baseline's channel, or empty
   */
  default Optional<Baselines.Channel> baseline() {
    return Optional.empty();
  }

  /**
   * The workloads a quick run measures over this transport against this project's service, when it
   * measures only some of them (to keep {@code run.sh --quick} short); the others read "not run in
   * quick mode". A full run measures every workload.
   *
   * @return workload ids, or empty for all
   */
  default Optional<List<String>> quickWorkloads() {
    return Optional.empty();
  }

  /**
   * Why this transport cannot reach the target here, if it cannot.
   *
   * @param target the implementation to reach
   * @return the reason, or empty when it can
   */
  Optional<String> unavailable(Target target);

  /**
   * Starts a server of the target behind this transport and connects a client to it.
   *
   * @param target the implementation
   * @return the connection; closing it stops the server
   * @throws Exception when the server cannot be started or reached
   */
  Connection open(Target target) throws Exception;
}
