"""The reference's own pytest conformance suite, raw-transport part, against the Java worker.

The pinned ``vgi-rpc`` ships the pytest suite its sibling ports run (``_pytest_suite.py``).
Its classes that need only the ``conformance_conn`` fixture are imported here unchanged; they
cover what the standalone runner does not call (every wide type, the init-error streams, large
batches, connection reuse). HTTP-only classes are left out: this worker serves pipes, Unix
sockets and TCP.

``conformance_conn`` is the suite's connection factory, parametrised here over three transports
served by one long-lived Java worker each: ``subprocess`` (one worker on stdin/stdout, shared by
every test, the way the runner shares it; the suite skips the init-error test there, as it does
for the reference), ``unix`` and ``tcp`` (a fresh connection per test).

The worker command comes from ``$CONFORMANCE_WORKER`` (default: ``conformance/bin/conformance-worker``).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from vgi_rpc.conformance import ConformanceService
from vgi_rpc.conformance._pytest_suite import (  # noqa: F401  (collected by pytest)
    TestBoundaryValues,
    TestCancel,
    TestConnectionReuse,
    TestDynamicRichHeader,
    TestDynamicSchemaProducer,
    TestErrorRecovery,
    TestExchangeCastCompatible,
    TestExchangeStream,
    TestExchangeStreamWithHeader,
    TestLargeData,
    TestProducerStream,
    TestProducerStreamWithHeader,
    TestProtocolErrors,
    TestRichHeaderExchange,
    TestUnaryAnnotated,
    TestUnaryComplexTypes,
    TestUnaryDataclass,
    TestUnaryErrors,
    TestUnaryLogging,
    TestUnaryMultiParam,
    TestUnaryOptional,
    TestUnaryScalarEcho,
    TestUnaryVoid,
    TestUnaryWideTypes,
)
from vgi_rpc.rpc import RpcConnection, SubprocessTransport, TcpTransport, UnixTransport

_DEFAULT_WORKER = Path(__file__).resolve().parents[3] / "bin" / "conformance-worker"


def _worker_command() -> list[str]:
    return shlex.split(os.environ.get("CONFORMANCE_WORKER", str(_DEFAULT_WORKER)))


class _SharedTransport:
    """A transport that outlives the connections made over it (close() is a no-op)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def close(self) -> None:
        """Leave the shared worker running for the next test."""


@contextlib.contextmanager
def _listening_worker(flag: str, value: str) -> Iterator[str]:
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


def _wait_connect(connect: Callable[[], socket.socket], timeout: float = 10.0) -> socket.socket:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return connect()
        except (FileNotFoundError, ConnectionRefusedError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


@pytest.fixture(scope="session")
def _pipe_worker() -> Iterator[SubprocessTransport]:
    transport = SubprocessTransport(_worker_command())
    yield transport
    transport.close()


@pytest.fixture(scope="session")
def _unix_worker() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="conf-") as directory:
        path = os.path.join(directory, "worker.sock")
        with _listening_worker("--unix", path):
            yield path


@pytest.fixture(scope="session")
def _tcp_worker() -> Iterator[tuple[str, int]]:
    with _listening_worker("--tcp", "127.0.0.1:0") as line:
        _, host, port = line.split(":")
        yield host, int(port)


def _unix_socket(path: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except BaseException:
        sock.close()
        raise
    return sock


@pytest.fixture(params=["subprocess", "unix", "tcp"])
def conformance_conn(request: pytest.FixtureRequest) -> Callable[..., contextlib.AbstractContextManager[Any]]:
    """The suite's connection factory: ``conformance_conn(on_log=...)`` yields a typed proxy."""
    kind = request.param

    def transport() -> Any:
        if kind == "subprocess":
            return _SharedTransport(request.getfixturevalue("_pipe_worker"))
        if kind == "unix":
            path = request.getfixturevalue("_unix_worker")
            return UnixTransport(_wait_connect(lambda: _unix_socket(path)))
        host, port = request.getfixturevalue("_tcp_worker")
        return TcpTransport(_wait_connect(lambda: socket.create_connection((host, port))))

    @contextlib.contextmanager
    def factory(on_log: Callable[..., None] | None = None, **_: Any) -> Iterator[Any]:
        with RpcConnection(ConformanceService, transport(), on_log=on_log) as proxy:
            yield proxy

    return factory
