"""Fixtures that point the reference's shared pytest suite at a conformance worker.

``test_shared_suite.py`` star-imports ``vgi_rpc.conformance._pytest_suite`` (the suite every
port runs); this file supplies the fixtures it asks for, each backed by a worker process started
from ``$CONFORMANCE_WORKER`` (a shell-quoted command; default: ``conformance/bin/conformance-worker``).

One pytest run covers one transport, ``$CONFORMANCE_TRANSPORT``: ``pipe`` (one worker on
stdin/stdout shared by the run, as the standalone runner shares it), ``shm`` (the same, with the
client's 4 MiB shared-memory segment attached, as ``vgi-rpc-test --shm`` runs it: the worker
attaches the segment the requests name, answers large batches through it and resolves the
client's pointer batches; ``$VGI_RPC_SHM_MIN_BATCH_BYTES`` sets both sides' threshold), ``unix`` or ``tcp`` (one
listening worker, a connection per test) or ``http`` (a worker per configuration the suite needs).
Tests that use no transport of their own (the HTTP-only groups, which start their own workers, and
the byte-stream externalisation group) are collected in one pass only: the HTTP-only ones in the
``http`` pass, the byte-stream one in the ``pipe`` pass. Everything else is deselected, so a pass's
counts are the tests that ran on that transport.

Every worker is started with the flags of the reference's conformance worker (``vgi-rpc-conformance``
and the reference's test servers); SUITE-FIXTURES.md lists them with what each needs the worker to
do. A fixture for an optional feature the worker does not provide can be withheld with a line
``fixture:NAME  REASON`` in ``conformance/exclusions.txt`` (or ``$CONFORMANCE_EXCLUSIONS``): the
suite then skips the tests behind it, as it does for a port that does not offer the feature.

``$CONFORMANCE_LOG_DIR`` (default: a temporary directory) receives each worker's stderr.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import queue
import shlex
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from vgi_rpc.conformance import ConformanceService
from vgi_rpc.introspect import ServiceDescription, introspect
from vgi_rpc.log import Message
from vgi_rpc.rpc import StderrMode, SubprocessTransport, TcpTransport, UnixTransport, _RpcProxy

_HERE = Path(__file__).resolve().parent
_CONFORMANCE_DIR = _HERE.parents[2]
_DEFAULT_WORKER = _CONFORMANCE_DIR / "bin" / "conformance-worker"

TRANSPORTS = ("pipe", "shm", "unix", "tcp", "http")
TRANSPORT = os.environ.get("CONFORMANCE_TRANSPORT", "pipe")
if TRANSPORT not in TRANSPORTS:
    raise pytest.UsageError(f"CONFORMANCE_TRANSPORT={TRANSPORT!r}: expected one of {', '.join(TRANSPORTS)}")

#: The origin the suite's CORS group sends; the CORS worker must allow exactly this one.
CORS_ORIGIN = "https://conformance.example"
#: One signing key for the two sticky peers, so that only their server ids tell them apart.
STICKY_PEER_TOKEN_KEY = "5f" * 32
#: How long a worker may take to print its discovery line (a cold JVM on a busy machine).
STARTUP_TIMEOUT = float(os.environ.get("CONFORMANCE_STARTUP_TIMEOUT", "60"))

ConnFactory = Callable[..., contextlib.AbstractContextManager[Any]]


def worker_command() -> list[str]:
    """The worker command from ``$CONFORMANCE_WORKER``."""
    return shlex.split(os.environ.get("CONFORMANCE_WORKER", str(_DEFAULT_WORKER)))


def _withheld_fixtures() -> dict[str, str]:
    """``fixture:NAME  REASON`` lines of the exclusions file: fixtures not to supply."""
    path = Path(os.environ.get("CONFORMANCE_EXCLUSIONS", _CONFORMANCE_DIR / "exclusions.txt"))
    withheld: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, _, reason = line.strip().partition(" ")
            if name.startswith("fixture:"):
                withheld[name.removeprefix("fixture:")] = reason.strip()
    return withheld


WITHHELD = _withheld_fixtures()


def supplied_with(name: str, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
    """Register the decorated function as fixture *name* (with *kwargs*) unless it is withheld."""

    def register(function: Callable[..., Any]) -> Any:
        if name in WITHHELD:
            return None
        return pytest.fixture(name=name, **kwargs)(function)

    return register


# ---------------------------------------------------------------------------------------------
# Which tests run in this pass
# ---------------------------------------------------------------------------------------------

#: Fixtures that make a test run once per transport.
_PER_TRANSPORT = {"conformance_conn", "conformance_describe", "protocol_target"}
#: Fixtures of the raw byte-stream groups (no HTTP variant).
_RAW_ONLY = {"conformance_raw_conn"}
#: Groups that open their own byte-stream connection: run in the pipe pass.
_BYTE_STREAM_GROUPS = {"TestExternalByteStream"}


def _pass_of(item: pytest.Item) -> set[str]:
    """The transports whose pass runs *item*."""
    names = set(getattr(item, "fixturenames", ()))
    if names & _RAW_ONLY:
        return {"pipe", "shm", "unix", "tcp"}
    if names & _PER_TRANSPORT:
        return set(TRANSPORTS)
    cls = getattr(item, "cls", None)
    if cls is not None and cls.__name__ in _BYTE_STREAM_GROUPS:
        return {"pipe"}
    return {"http"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the tests of this transport's pass; deselect the others."""
    kept, dropped = [], []
    for item in items:
        (kept if TRANSPORT in _pass_of(item) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Name the worker and the transport at the top of the report."""
    lines = [f"conformance worker: {shlex.join(worker_command())}", f"transport: {TRANSPORT}"]
    if WITHHELD:
        lines.append(f"withheld fixtures: {', '.join(sorted(WITHHELD))}")
    return lines


# ---------------------------------------------------------------------------------------------
# Starting workers
# ---------------------------------------------------------------------------------------------

_log_dir = Path(os.environ.get("CONFORMANCE_LOG_DIR") or tempfile.mkdtemp(prefix="conformance-logs-"))
_log_dir.mkdir(parents=True, exist_ok=True)
_worker_numbers = itertools.count(1)


def _stderr_logger(name: str) -> logging.Logger:
    """A logger writing a stdin/stdout worker's stderr lines to ``$CONFORMANCE_LOG_DIR/NAME.stderr``."""
    logger = logging.getLogger(f"conformance.{name}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(logging.FileHandler(_log_dir / f"{name}.stderr"))
    return logger


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextlib.contextmanager
def listening_worker(*args: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Start ``$CONFORMANCE_WORKER ARGS``, yield it and its first stdout line, stop it afterwards."""
    command = [*worker_command(), *args]
    stderr_path = _log_dir / f"worker-{next(_worker_numbers)}.stderr"
    with stderr_path.open("wb") as stderr:
        stderr.write(f"# {shlex.join(command)}\n".encode())
        stderr.flush()
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr)
    lines: queue.Queue[bytes] = queue.Queue(maxsize=1)
    threading.Thread(target=lambda: lines.put(proc.stdout.readline()), daemon=True).start()  # type: ignore[union-attr]
    try:
        try:
            line = lines.get(timeout=STARTUP_TIMEOUT).decode(errors="replace").strip()
        except queue.Empty:
            line = ""
        if not line:
            tail = stderr_path.read_text(errors="replace")[-4000:]
            raise RuntimeError(
                f"the worker printed no discovery line (exit status {proc.poll()}): {shlex.join(command)}\n{tail}"
            )
        yield proc, line
    finally:
        _stop(proc)
        if proc.stdout is not None:
            proc.stdout.close()


def _wait_for_connect(connect: Callable[[], socket.socket], timeout: float = 10.0) -> None:
    """Wait until a socket accepts connections (the reference announces before it binds)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            connect().close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _wait_for_http(port: int, timeout: float = 30.0) -> None:
    """Wait until the worker answers HTTP (any answer will do)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx2.get(f"http://127.0.0.1:{port}/health", timeout=2.0)
            return
        except httpx2.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _port_of(line: str) -> int:
    assert line.startswith("PORT:"), f"expected the discovery line PORT:<n>, got {line!r}"
    return int(line.removeprefix("PORT:"))


@contextlib.contextmanager
def http_worker(
    *flags: str, sticky: bool = True, http_ready: bool = True
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """An HTTP worker on a free loopback port with *flags*; yields the process and its port.

    ``sticky`` adds ``--sticky``: sticky sessions on, as in the reference's HTTP conformance
    server (its strict-cap, auth and proof servers and the resource-soak worker have them off).
    With ``http_ready=False`` readiness is checked by a TCP connect only (an HTTP request would
    be a call the worker under test must not see yet).
    """
    sticky_flag = ("--sticky",) if sticky else ()
    with listening_worker("--http", "--port", "0", "--describe", *sticky_flag, *flags) as (proc, line):
        port = _port_of(line)
        if http_ready:
            _wait_for_http(port)
        else:
            _wait_for_connect(lambda: socket.create_connection(("127.0.0.1", port), timeout=2))
        yield proc, port


def _http_only() -> None:
    if TRANSPORT != "http":
        pytest.skip("an HTTP worker is started only in the http pass")


# ---------------------------------------------------------------------------------------------
# The transport under test: pipe, unix, tcp, http
# ---------------------------------------------------------------------------------------------


class _ShmPipe:
    """A stdin/stdout transport with the client's shared-memory segment (``.shm``, as the client reads it)."""

    def __init__(self, inner: SubprocessTransport, segment: Any) -> None:
        self._inner = inner
        self.shm = segment

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _PipeWorker:
    """One worker on stdin/stdout for the whole pass, restarted if it dies."""

    def __init__(self, *args: str) -> None:
        self._args = args
        self._transport: SubprocessTransport | None = None
        self._segment: Any = None

    def shm_transport(self) -> _ShmPipe:
        """The worker's transport with a 4 MiB segment this process created (removed by ``close``)."""
        if self._segment is None:
            from vgi_rpc.shm import ShmSegment

            self._segment = ShmSegment.create(4 * 1024 * 1024)
        return _ShmPipe(self.transport(), self._segment)

    def transport(self) -> SubprocessTransport:
        if self._transport is not None and self._transport.proc.poll() is not None:
            self._transport.close()
            self._transport = None
        if self._transport is None:
            self._transport = SubprocessTransport(
                [*worker_command(), "--pipe", "--describe", *self._args],
                stderr=StderrMode.PIPE,
                stderr_logger=_stderr_logger(f"pipe-worker-{next(_worker_numbers)}"),
            )
        return self._transport

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
        if self._segment is not None:
            self._segment.unlink()
            with contextlib.suppress(BufferError):
                self._segment.close()


@pytest.fixture(scope="session")
def conformance_pipe_worker() -> Iterator[_PipeWorker]:
    """The pass's stdin/stdout worker."""
    worker = _PipeWorker()
    yield worker
    worker.close()


@pytest.fixture(scope="session")
def conformance_unix_path() -> Iterator[str]:
    """A worker listening on a Unix socket (connections served concurrently)."""
    with tempfile.TemporaryDirectory(prefix="conf-", dir="/tmp") as directory:
        path = os.path.join(directory, "worker.sock")
        with listening_worker("--unix", path, "--threaded", "--describe") as (_, line):
            assert line == f"UNIX:{path}", f"expected the discovery line UNIX:{path}, got {line!r}"
            _wait_for_connect(lambda: _unix_socket(path))
            yield path


@pytest.fixture(scope="session")
def conformance_tcp_addr() -> Iterator[tuple[str, int]]:
    """A worker listening on loopback TCP (connections served concurrently)."""
    with listening_worker("--tcp", "127.0.0.1:0", "--threaded", "--describe") as (_, line):
        assert line.startswith("TCP:"), f"expected the discovery line TCP:<host>:<port>, got {line!r}"
        host, _, port = line.removeprefix("TCP:").rpartition(":")
        _wait_for_connect(lambda: socket.create_connection((host, int(port)), timeout=2))
        yield host, int(port)


@pytest.fixture(scope="session")
def conformance_http_port() -> Iterator[int]:
    """The plain HTTP worker: the reference's default profile (sticky, zstd+gzip, call cache)."""
    _http_only()
    with http_worker() as (_, port):
        yield port


def _unix_socket(path: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except BaseException:
        sock.close()
        raise
    return sock


class _Shared:
    """A transport left open when a connection over it closes (the pipe worker outlives tests)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def close(self) -> None:
        """Keep the shared worker for the next test."""


def _connect(request: pytest.FixtureRequest, transport: str, protocol: type, on_log: Any = None) -> Any:
    """A context manager yielding a *protocol* proxy to the pass's worker over *transport*."""
    from vgi_rpc.http import http_connect
    from vgi_rpc.rpc import tcp_connect, unix_connect

    if transport == "pipe":
        shared = request.getfixturevalue("conformance_pipe_worker").transport()

        @contextlib.contextmanager
        def over_pipe() -> Iterator[Any]:
            yield _RpcProxy(protocol, _Shared(shared), on_log)

        return over_pipe()
    if transport == "shm":
        shared_shm = request.getfixturevalue("conformance_pipe_worker").shm_transport()

        @contextlib.contextmanager
        def over_shm() -> Iterator[Any]:
            yield _RpcProxy(protocol, _Shared(shared_shm), on_log)

        return over_shm()
    if transport == "unix":
        return unix_connect(protocol, request.getfixturevalue("conformance_unix_path"), on_log=on_log)
    if transport == "tcp":
        host, port = request.getfixturevalue("conformance_tcp_addr")
        return tcp_connect(protocol, host, port, on_log=on_log)
    if transport == "http":
        port = request.getfixturevalue("conformance_http_port")
        return http_connect(protocol, f"http://127.0.0.1:{port}", on_log=on_log)
    raise ValueError(f"no conformance transport named {transport!r}")


@pytest.fixture(params=[TRANSPORT])
def conformance_conn(request: pytest.FixtureRequest) -> ConnFactory:
    """The suite's connection factory on this pass's transport: ``conformance_conn(on_log=None)``."""

    def factory(on_log: Callable[[Message], None] | None = None, **_: Any) -> Any:
        return _connect(request, request.param, ConformanceService, on_log)

    return factory


@pytest.fixture(params=[TRANSPORT] if TRANSPORT != "http" else [])
def conformance_raw_conn(request: pytest.FixtureRequest) -> ConnFactory:
    """As ``conformance_conn``, on the persistent byte-stream transports only."""

    def factory(on_log: Callable[[Message], None] | None = None, **_: Any) -> Any:
        return _connect(request, request.param, ConformanceService, on_log)

    return factory


@supplied_with("conformance_protocol_connector", scope="session")
def _protocol_connector(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``connector(transport, protocol, on_log=None)``: a proxy for any hosted protocol, same worker."""

    def connect(transport: str, protocol: type, on_log: Callable[[Message], None] | None = None) -> Any:
        return _connect(request, transport, protocol, on_log)

    return connect


@pytest.fixture(params=[TRANSPORT])
def conformance_describe(request: pytest.FixtureRequest) -> ServiceDescription:
    """The worker's description of its primary protocol, fetched by reflection over the transport."""
    from vgi_rpc.http import http_introspect

    if request.param == "pipe":
        return introspect(request.getfixturevalue("conformance_pipe_worker").transport())
    if request.param == "shm":
        return introspect(request.getfixturevalue("conformance_pipe_worker").shm_transport())
    if request.param == "http":
        return http_introspect(base_url=f"http://127.0.0.1:{request.getfixturevalue('conformance_http_port')}")
    if request.param == "unix":
        sock = _unix_socket(request.getfixturevalue("conformance_unix_path"))
        wire: Any = UnixTransport(sock)
    else:
        wire = TcpTransport(socket.create_connection(request.getfixturevalue("conformance_tcp_addr")))
    try:
        return introspect(wire)
    finally:
        wire.close()


# ---------------------------------------------------------------------------------------------
# External storage
# ---------------------------------------------------------------------------------------------


@supplied_with("conformance_fake_storage", scope="session")
def _fake_storage() -> Iterator[str]:
    """The reference's fake object store, in this process; its base URL."""
    from vgi_rpc.conformance.fake_storage import serve_in_thread

    base_url, shutdown = serve_in_thread()
    try:
        yield base_url
    finally:
        shutdown()


@supplied_with("conformance_bytestream_external_target", scope="session")
def _bytestream_external_target(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A stdin/stdout worker that externalises every data-bearing batch to the fake storage."""
    from typing import cast

    from vgi_rpc.conformance._external_bytestream_pytest import ByteStreamExternalConnection, ByteStreamExternalTarget
    from vgi_rpc.external import ExternalLocationConfig
    from vgi_rpc.rpc import RpcConnection

    storage: str = request.getfixturevalue("conformance_fake_storage")
    worker = _PipeWorker("--fake-storage", storage, "--externalize-threshold", "1")
    # the client resolves the worker's pointers; the fake storage vends http://127.0.0.1 URLs
    config = ExternalLocationConfig(url_validator=None)

    def connect(
        on_log: Callable[[Message], None] | None = None,
    ) -> contextlib.AbstractContextManager[ByteStreamExternalConnection]:
        connection = RpcConnection(
            ConformanceService, _Shared(worker.transport()), on_log=on_log, external_location=config
        )
        return cast("contextlib.AbstractContextManager[ByteStreamExternalConnection]", connection)

    def uploaded_objects() -> int:
        response = httpx2.get(f"{storage}/_stats", timeout=5.0)
        response.raise_for_status()
        return int(response.json()["object_count"])

    try:
        yield ByteStreamExternalTarget(name="worker-pipe", connect=connect, uploaded_objects=uploaded_objects)
    finally:
        worker.close()
        config.fetch_config.close()


def _storage_worker(request: pytest.FixtureRequest, *flags: str, sticky: bool = True) -> Iterator[int]:
    _http_only()
    storage: str = request.getfixturevalue("conformance_fake_storage")
    with http_worker("--fake-storage", storage, *flags, sticky=sticky) as (_, port):
        yield port


@supplied_with("conformance_http_with_storage_port", scope="class")
def _with_storage(request: pytest.FixtureRequest) -> Iterator[int]:
    """Storage on, the default 4 KiB externalisation threshold (also the request cap)."""
    yield from _storage_worker(request)


@supplied_with("conformance_http_with_zstd_storage_port", scope="class")
def _with_zstd_storage(request: pytest.FixtureRequest) -> Iterator[int]:
    """Storage on, externalised objects zstd-compressed."""
    yield from _storage_worker(request, "--compression", "zstd")


@supplied_with("conformance_http_external_security_port", scope="class")
def _external_security(request: pytest.FixtureRequest) -> Iterator[int]:
    """Storage on; 4 KiB encoded and 8 KiB decoded fetch caps; only 127.0.0.1 URLs, no localhost hop."""
    yield from _storage_worker(
        request,
        "--max-request-bytes", "1048576",
        "--max-fetch-bytes", "4096",
        "--max-decompressed-fetch-bytes", "8192",
        "--reject-localhost-redirects",
    )  # fmt: skip


@supplied_with("conformance_http_externalized_cap_port", scope="class")
def _externalized_cap(request: pytest.FixtureRequest) -> Iterator[int]:
    """Storage on; a tight 64 KiB external-channel response cap under a generous 8 MiB body cap."""
    yield from _storage_worker(
        request,
        "--max-externalized-response-bytes", str(64 * 1024),
        "--max-response-bytes", str(8 * 1024 * 1024),
        sticky=False,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# HTTP server configurations
# ---------------------------------------------------------------------------------------------


def _http_port(*flags: str, sticky: bool = True, http_ready: bool = True) -> Iterator[int]:
    _http_only()
    with http_worker(*flags, sticky=sticky, http_ready=http_ready) as (_, port):
        yield port


@supplied_with("conformance_http_access_log", scope="class")
def _access_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """``(port, path)``: a worker appending its access log to *path*."""
    _http_only()
    path = tmp_path_factory.mktemp("access-log") / "access.jsonl"
    with http_worker("--access-log", str(path)) as (_, port):
        yield port, path


@supplied_with("conformance_http_no_compression_port", scope="class")
def _no_compression() -> Iterator[int]:
    """Response compression off: an empty ``VGI-Supported-Encodings``."""
    yield from _http_port("--no-compression")


@supplied_with("conformance_http_small_request_cap_port", scope="class")
def _small_request_cap() -> Iterator[int]:
    """A 4 KiB request cap, on the encoded body and on the decoded Arrow body."""
    yield from _http_port("--max-request-bytes", "4096")


@supplied_with("conformance_http_strict_cap_port", scope="class")
def _strict_cap() -> Iterator[int]:
    """1 MiB response caps (body and external channel), advertised to the client."""
    yield from _http_port(
        "--max-response-bytes", str(1024 * 1024),
        "--max-externalized-response-bytes", str(1024 * 1024),
        sticky=False,
    )  # fmt: skip


@supplied_with("conformance_http_cold_call_cache_port", scope="class")
def _cold_call_cache() -> Iterator[int]:
    """No call-state cache: every continuation resolves the client's echoed call token."""
    yield from _http_port("--no-call-state-cache")


@supplied_with("conformance_http_cors_port", scope="class")
def _cors(request: pytest.FixtureRequest) -> Iterator[int]:
    """CORS for the suite's origin, on a worker with storage (so the optional headers are advertised)."""
    yield from _storage_worker(request, "--cors-origin", CORS_ORIGIN)


@supplied_with("conformance_http_auth_port", scope="class")
def _auth() -> Iterator[int]:
    """Every call refused with 401 (the reason named by ``X-Conformance-Auth-Reason``); /health open."""
    yield from _http_port("--http-auth", sticky=False)


@supplied_with("conformance_http_auth_reason_port", scope="class")
def _auth_reason(conformance_http_auth_port: int) -> int:
    """The auth worker honours ``X-Conformance-Auth-Reason``: the same process."""
    return conformance_http_auth_port


@supplied_with("conformance_http_serve_start_fail_once_port", scope="class")
def _serve_start_fail_once() -> Iterator[int]:
    """The first serve-start notification fails; the retry succeeds (TCP readiness only)."""
    yield from _http_port("--fail-serve-start-once", http_ready=False)


@supplied_with("conformance_http_sticky_short_ttl_port", scope="class")
def _sticky_short_ttl() -> Iterator[int]:
    """Sticky sessions expiring after one second."""
    yield from _http_port("--sticky-ttl", "1")


@supplied_with("conformance_http_sticky_peer_ports", scope="class")
def _sticky_peers() -> Iterator[tuple[int, int]]:
    """Two sticky workers sharing one token key (distinct server ids)."""
    _http_only()
    with (
        http_worker("--token-key", STICKY_PEER_TOKEN_KEY) as (_, port_a),
        http_worker("--token-key", STICKY_PEER_TOKEN_KEY) as (_, port_b),
    ):
        yield port_a, port_b


@supplied_with("conformance_http_sticky_auth_port", scope="class")
def _sticky_auth() -> Iterator[int]:
    """Sticky, authenticating ``X-Conformance-Principal: NAME`` as principal NAME."""
    yield from _http_port("--sticky-auth")


@supplied_with("conformance_http_identity_port", scope="session")
def _identity_both() -> Iterator[int]:
    """Hosts ``vgi_rpc.Identity.v2`` with both hooks under the fixture policy."""
    yield from _http_port("--identity", "both")


@supplied_with("conformance_http_identity_introspect_only_port", scope="session")
def _identity_introspect_only() -> Iterator[int]:
    """Hosts ``vgi_rpc.Identity.v2`` with only ``introspect_token``."""
    yield from _http_port("--identity", "introspect-only")


@supplied_with("conformance_http_grant_port", scope="session")
def _identity_grants() -> Iterator[int]:
    """Sealed grants: the resolver and the fixture's grant keys, no mint hook; hosts Whoami."""
    yield from _http_port("--identity", "grants")


@supplied_with("proof_worker_factory", scope="session")
def _proof_worker_factory() -> Callable[..., Any]:
    """Starts workers that require a proxy proof, at the prefix /vgi."""
    from vgi_rpc.conformance.proof_harness import ProofWorker, ProofWorkerConfig

    @contextlib.contextmanager
    def spawn(config: ProofWorkerConfig) -> Iterator[ProofWorker]:
        _http_only()
        flags = [
            "--proof-mode", config.mode,
            "--proof-origin-id", config.origin_id,
            "--proof-secrets", config.secrets,
            "--proof-skew", str(config.skew_seconds),
            "--prefix", "/vgi",
        ]  # fmt: skip
        if not config.replay_cache:
            flags.append("--proof-no-replay-cache")
        with http_worker(*flags, sticky=False, http_ready=False) as (_, port):
            _wait_for_http(port)
            yield ProofWorker(port=port, prefix="/vgi", config=config)

    return spawn


@supplied_with("conformance_resource_soak_target", scope="function")
def _resource_soak_target() -> Iterator[Any]:
    """A fresh, otherwise idle HTTP worker (no sticky, no compression) whose resources are sampled."""
    from typing import cast

    from vgi_rpc.conformance._resource_soak_pytest import ResourceSoakConnection, ResourceSoakLimits, ResourceSoakTarget
    from vgi_rpc.http import http_connect

    _http_only()
    with http_worker("--no-compression", sticky=False) as (proc, port):

        def connect() -> contextlib.AbstractContextManager[ResourceSoakConnection]:
            connection = http_connect(ConformanceService, f"http://127.0.0.1:{port}")
            return cast("contextlib.AbstractContextManager[ResourceSoakConnection]", connection)

        yield ResourceSoakTarget(
            name="worker-http",
            pid=proc.pid,
            connect=connect,
            # a JVM: the heap and the JIT settle later than CPython's allocator
            limits=ResourceSoakLimits(
                rss_growth_bytes=64 * 1024 * 1024,
                rss_slope_bytes_per_epoch=4 * 1024 * 1024,
                descriptor_growth=3,
                thread_growth=2,
                child_growth=0,
            ),
            warmup_multiplier=2,
        )


# ---------------------------------------------------------------------------------------------
# Transport kinds
# ---------------------------------------------------------------------------------------------


def _is_reference_worker() -> bool:
    """Whether the worker under test is the reference's (``run-reference-suite.sh --reference-worker``)."""
    return any(Path(part).name == "reference_worker.py" for part in worker_command())


def _kind_probes() -> tuple[tuple[str, Callable[[], str]], ...]:
    """``((kind, probe), ...)``: each probe starts a worker hosting ``_KindProbe`` on one transport
    (``--kind-probe``), calls ``report_transport_kind`` once and stops the worker."""
    from typing import Protocol

    from vgi_rpc.http import http_connect
    from vgi_rpc.rpc import tcp_connect, unix_connect

    class _KindProbe(Protocol):  # the wire name is the class name: _KindProbe, unversioned
        def report_transport_kind(self) -> str: ...

    def over_pipe() -> str:
        transport = SubprocessTransport(
            [*worker_command(), "--pipe", "--kind-probe"],
            stderr=StderrMode.PIPE,
            stderr_logger=_stderr_logger(f"kind-probe-pipe-{next(_worker_numbers)}"),
        )
        try:
            return str(_RpcProxy(_KindProbe, transport, None).report_transport_kind())
        finally:
            transport.close()

    def over_unix() -> str:
        with tempfile.TemporaryDirectory(prefix="kind-", dir="/tmp") as directory:
            path = os.path.join(directory, "probe.sock")
            with listening_worker("--unix", path, "--kind-probe") as (_, line):
                assert line == f"UNIX:{path}", f"expected the discovery line UNIX:{path}, got {line!r}"
                _wait_for_connect(lambda: _unix_socket(path))
                with unix_connect(_KindProbe, path) as proxy:
                    return str(proxy.report_transport_kind())

    def over_tcp() -> str:
        with listening_worker("--tcp", "127.0.0.1:0", "--kind-probe") as (_, line):
            assert line.startswith("TCP:"), f"expected the discovery line TCP:<host>:<port>, got {line!r}"
            host, _, port = line.removeprefix("TCP:").rpartition(":")
            _wait_for_connect(lambda: socket.create_connection((host, int(port)), timeout=2))
            with tcp_connect(_KindProbe, host, int(port)) as proxy:
                return str(proxy.report_transport_kind())

    def over_http() -> str:
        with http_worker("--kind-probe", sticky=False) as (_, port):
            with http_connect(_KindProbe, f"http://127.0.0.1:{port}") as proxy:
                return str(proxy.report_transport_kind())

    return (("pipe", over_pipe), ("http", over_http), ("tcp", over_tcp), ("unix", over_unix))


if not _is_reference_worker():
    # the reference's worker hosts no probe protocol (its own suite probes in-process servers), so
    # with it the test skips, as exclusions.txt lists

    @supplied_with("conformance_transport_kind_probes", scope="session")
    def _transport_kind_probes() -> tuple[tuple[str, Callable[[], str]], ...]:
        """The probes of every transport kind; each starts and stops its own worker."""
        return _kind_probes()
