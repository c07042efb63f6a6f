"""The reference's describe checks, run against the Java conformance worker.

``TestDescribeConformance`` is imported unchanged from the pinned ``vgi-rpc`` package: it runs
the 25 checks of the ``_DESCRIBE_TESTS`` registry (plus a smoke test) against the
``ServiceDescription`` the ``conformance_describe`` fixture supplies. Here that fixture sends a
real ``__describe__`` request to the Java worker over each raw transport (pipe, Unix socket,
TCP).

``TestSchemasMatchReference`` goes further: every method's kind, flags and parameter, result and
header schemas must equal what the reference server itself describes for the same protocol
(types, field names, nullability, nested children), so the Java declarations cannot drift from
the reference's Python annotations.

The worker command comes from ``$CONFORMANCE_WORKER`` (default: ``conformance/bin/conformance-worker``
next to this file's module).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from vgi_rpc.conformance import ConformanceService, ConformanceServiceImpl
from vgi_rpc.conformance._pytest_suite import TestDescribeConformance  # noqa: F401  (collected by pytest)
from vgi_rpc.conformance._runner import _DESCRIBE_TESTS
from vgi_rpc.introspect import ServiceDescription, introspect
from vgi_rpc.rpc import RpcServer, SubprocessTransport, TcpTransport, UnixTransport, make_pipe_pair

_DEFAULT_WORKER = Path(__file__).resolve().parents[3] / "bin" / "conformance-worker"


def _worker_command() -> list[str]:
    return shlex.split(os.environ.get("CONFORMANCE_WORKER", str(_DEFAULT_WORKER)))


@contextlib.contextmanager
def _listening_worker(flag: str, value: str) -> Iterator[str]:
    """Start the worker on a socket, yield its discovery line, stop it afterwards."""
    proc = subprocess.Popen([*_worker_command(), flag, value], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        expected = "UNIX:" if flag == "--unix" else "TCP:"
        assert line.startswith(expected), f"no discovery line from the worker (status {proc.poll()}): {line!r}"
        yield line
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _connect_unix(path: str, timeout: float = 10.0) -> socket.socket:
    """Connect to a Unix socket, waiting for it to appear (the reference worker announces first)."""
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except (FileNotFoundError, ConnectionRefusedError):
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _describe_pipe() -> ServiceDescription:
    transport = SubprocessTransport(_worker_command())
    try:
        return introspect(transport)
    finally:
        transport.close()


def _describe_unix() -> ServiceDescription:
    with tempfile.TemporaryDirectory(prefix="conf-") as directory:
        path = os.path.join(directory, "worker.sock")
        with _listening_worker("--unix", path) as line:
            assert line == f"UNIX:{path}", line
            transport = UnixTransport(_connect_unix(path))
            try:
                return introspect(transport)
            finally:
                transport.close()


def _describe_tcp() -> ServiceDescription:
    with _listening_worker("--tcp", "127.0.0.1:0") as line:
        kind, host, port = line.split(":")
        assert kind == "TCP", line
        transport = TcpTransport(socket.create_connection((host, int(port))))
        try:
            return introspect(transport)
        finally:
            transport.close()


_DESCRIBERS = {"pipe": _describe_pipe, "unix": _describe_unix, "tcp": _describe_tcp}


@pytest.fixture(scope="module", params=sorted(_DESCRIBERS))
def conformance_describe(request: pytest.FixtureRequest) -> ServiceDescription:
    """The Java worker's ``__describe__`` answer, fetched over one raw transport."""
    return _DESCRIBERS[request.param]()


@pytest.fixture(scope="module")
def reference_describe() -> ServiceDescription:
    """What the reference server describes for the same protocol (in-process, over a pipe pair)."""
    client, server_end = make_pipe_pair()
    server = RpcServer(ConformanceService, ConformanceServiceImpl(), enable_describe=True)
    thread = threading.Thread(target=server.serve, args=(server_end,), daemon=True)
    thread.start()
    try:
        return introspect(client)
    finally:
        client.close()
        thread.join(timeout=5)
        server_end.close()


def _same_schema(actual: pa.Schema | None, expected: pa.Schema | None) -> bool:
    if actual is None or expected is None:
        return actual is expected
    return actual.equals(expected, check_metadata=False)


@pytest.mark.parametrize("check", _DESCRIBE_TESTS, ids=lambda check: check.full_name)
def test_describe_check(conformance_describe: ServiceDescription, check) -> None:  # noqa: ANN001
    """Each registered describe check on its own, so every one is reported by name."""
    check.fn(conformance_describe)


class TestSchemasMatchReference:
    """Each method of the Java worker is described exactly as the reference describes it."""

    def test_same_methods(self, conformance_describe: ServiceDescription, reference_describe: ServiceDescription) -> None:
        assert sorted(conformance_describe.methods) == sorted(reference_describe.methods)

    def test_same_protocol(self, conformance_describe: ServiceDescription, reference_describe: ServiceDescription) -> None:
        assert conformance_describe.protocol_name == reference_describe.protocol_name
        assert conformance_describe.protocol_version == reference_describe.protocol_version
        assert conformance_describe.describe_version == reference_describe.describe_version
        assert conformance_describe.request_version == reference_describe.request_version

    def test_same_method_shapes(self, conformance_describe: ServiceDescription, reference_describe: ServiceDescription) -> None:
        problems = []
        for name, expected in sorted(reference_describe.methods.items()):
            actual = conformance_describe.methods.get(name)
            if actual is None:
                continue  # reported by test_same_methods
            for attribute in ("method_type", "has_return", "has_header", "is_exchange"):
                if getattr(actual, attribute) != getattr(expected, attribute):
                    problems.append(f"{name}.{attribute}: {getattr(actual, attribute)!r} != {getattr(expected, attribute)!r}")
            for attribute in ("params_schema", "result_schema", "header_schema"):
                a, e = getattr(actual, attribute), getattr(expected, attribute)
                if not _same_schema(a, e):
                    problems.append(f"{name}.{attribute}:\n  java:      {a}\n  reference: {e}".replace("\n", "\n    "))
        assert not problems, "\n".join(problems)
