"""Measure a conformance worker's time to first response over the pipe transport.

Starts the worker command N times; each time, measures from just before the process is spawned
to the moment the first ``echo_string`` answer has been read (process start, JVM start, class
loading, server set-up, the request and its response). Prints one JSON object with every sample
and the median, in milliseconds.

    python startup_time.py [--runs N] -- WORKER-COMMAND...
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from vgi_rpc.conformance import ConformanceService
from vgi_rpc.rpc import RpcConnection, SubprocessTransport


def first_response_ms(cmd: list[str]) -> float:
    """Spawn the worker, make one call, return the elapsed milliseconds (worker stopped after)."""
    start = time.perf_counter()
    transport = SubprocessTransport(cmd)
    try:
        with RpcConnection(ConformanceService, transport) as proxy:
            assert proxy.echo_string(value="ping") == "ping"
            elapsed = (time.perf_counter() - start) * 1000
    finally:
        transport.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    if not cmd:
        parser.error("give the worker command after --")
    first_response_ms(cmd)  # warm the page cache; not counted
    samples = [round(first_response_ms(cmd), 1) for _ in range(args.runs)]
    print(json.dumps({"median_ms": statistics.median(samples), "samples_ms": samples}))


if __name__ == "__main__":
    main()
