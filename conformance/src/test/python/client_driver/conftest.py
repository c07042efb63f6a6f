"""Binds the reference's shared suite to arrow-rpc's client through the client-driver protocol.

The parent ``conftest.py`` starts the server (``$CONFORMANCE_WORKER``: our worker, or the
reference's through ``reference_worker.py``) over ``$CONFORMANCE_TRANSPORT``; this one replaces
the fixtures through which the suite *calls* that server, so the calls go to a driver process
(``$VGI_CLIENT_DRIVER``, default ``conformance/bin/client-driver``) speaking the reference's
client-driver control protocol (tools/cross-port/specs/CLIENT_DRIVER_PROTOCOL.md) to the Java
client, which talks to the server:

* ``conformance_conn``, ``conformance_describe``, ``conformance_protocol_connector``: one driver
  per connection (the protocol binds one connection to one driver process). Over ``pipe`` every
  connection spawns its own worker (the driver's client owns the subprocess), where the Python
  client shares one worker for the pass.
* ``vgi_rpc.http.http_connect``, ``http_capabilities`` and ``request_upload_urls`` are re-bound to
  the driver (``ClientDriver.install_http_overrides``), so the HTTP feature groups that import them
  in the test body exercise the Java client; ``http_connect`` with a driver bound to the protocol
  it is asked for (the transport-kind probe's ``_KindProbe``).

Tests on ``conformance_raw_conn`` write hand-made bytes to the server through the Python client's
own transport: they test the server alone and cannot be driven through a client. They are
deselected here (see ``conformance/exclusions.txt``).
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import vgi_rpc.http
from vgi_rpc.conformance import ConformanceService
from vgi_rpc.conformance.client_driver import ClientDriver
from vgi_rpc.introspect import ServiceDescription
from vgi_rpc.log import Message


_CONFORMANCE_DIR = Path(__file__).resolve().parents[4]
_DEFAULT_DRIVER = _CONFORMANCE_DIR / "bin" / "client-driver"
_DEFAULT_WORKER = _CONFORMANCE_DIR / "bin" / "conformance-worker"

#: The pass's transport, as the parent conftest reads it.
TRANSPORT = os.environ.get("CONFORMANCE_TRANSPORT", "pipe")

#: The driver's name for each transport of a pass.
_DRIVER_TRANSPORT = {"pipe": "stdio", "shm": "shm", "unix": "unix", "tcp": "tcp", "http": "http"}


def worker_command() -> list[str]:
    """The worker command, as the parent conftest reads it (``$CONFORMANCE_WORKER``)."""
    return shlex.split(os.environ.get("CONFORMANCE_WORKER", str(_DEFAULT_WORKER)))


def driver_for(service: type = ConformanceService) -> ClientDriver:
    """A driver description bound to *service* (``$VGI_CLIENT_DRIVER``, else the launcher)."""
    return ClientDriver.from_env(default=[str(_DEFAULT_DRIVER)], service=service)


_DRIVER = driver_for()
_DRIVER.install_http_overrides()


def _http_connect(protocol: type, base_url: str | None = None, **kwargs: Any) -> Any:
    """``vgi_rpc.http.http_connect`` through a driver bound to *protocol*.

    The reference's stand-in serves the one service its ``ClientDriver`` carries and ignores the
    protocol it is given; the transport-kind probe connects to ``_KindProbe`` over HTTP, so the
    stand-in is re-bound per protocol (the calls still go through the driver's client).
    """
    driver = _DRIVER if protocol is ConformanceService else driver_for(protocol)
    return driver.http_connect(protocol, base_url, **kwargs)


vgi_rpc.http.http_connect = _http_connect  # type: ignore[assignment]


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Name the driver at the top of the report."""
    return [f"client driver: {shlex.join(_DRIVER.command)}"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the raw-framing tests: they write to the server through the Python client's transport."""
    kept, dropped = [], []
    for item in items:
        (dropped if "conformance_raw_conn" in getattr(item, "fixturenames", ()) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _target(request: pytest.FixtureRequest, transport: str) -> Any:
    """What ``connect`` names for the pass's server over *transport*."""
    if transport in ("pipe", "shm"):
        return [*worker_command(), "--pipe", "--describe"]
    if transport == "unix":
        return request.getfixturevalue("conformance_unix_path")
    if transport == "tcp":
        host, port = request.getfixturevalue("conformance_tcp_addr")
        return f"{host}:{port}"
    return f"http://127.0.0.1:{request.getfixturevalue('conformance_http_port')}"


def _connect(request: pytest.FixtureRequest, transport: str, service: type, on_log: Any = None) -> Any:
    """A connected driver proxy (a context manager) to the pass's server."""
    driver = _DRIVER if service is ConformanceService else driver_for(service)
    return driver.connect(_DRIVER_TRANSPORT[transport], _target(request, transport), on_log)


@pytest.fixture(params=[TRANSPORT])
def conformance_conn(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``conformance_conn(on_log=None)``: a ``ConformanceService`` proxy through the driver."""

    def factory(on_log: Callable[[Message], None] | None = None, **_: Any) -> Any:
        return _connect(request, request.param, ConformanceService, on_log)

    return factory


@pytest.fixture(scope="session")
def conformance_protocol_connector(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``connector(transport, protocol, on_log=None)``: a proxy for any hosted protocol, through a driver."""

    def connect(transport: str, protocol: type, on_log: Callable[[Message], None] | None = None) -> Any:
        return _connect(request, transport, protocol, on_log)

    return connect


@pytest.fixture(params=[TRANSPORT])
def conformance_describe(request: pytest.FixtureRequest) -> ServiceDescription:
    """The server's description of its primary protocol, as the driver's client decodes it."""
    proxy = _connect(request, request.param, ConformanceService)
    try:
        return proxy.describe()
    finally:
        proxy.close()


