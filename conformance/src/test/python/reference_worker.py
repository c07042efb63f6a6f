"""Starts the reference's conformance worker from a command line in the conformance worker's terms.

``run-reference-suite.sh --reference-worker`` runs the shared pytest suite against the reference
itself, to learn the counts the reference reaches with the same fixtures. The fixtures start
workers with one vocabulary (``--pipe | --unix PATH | --tcp HOST:PORT | --http --port N`` and the
feature flags listed in SUITE-FIXTURES.md); the reference spreads those over its installed
``vgi-rpc-conformance`` (the byte-stream transports) and the test servers of its source
distribution (HTTP, one script per configuration). This script picks the right one and replaces
itself with it, so the process the fixtures see (and sample, for the resource soak) is the
reference's server.

The reference's ``tests/`` directory comes from ``$VGI_RPC_REFERENCE_TESTS``.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path

#: HTTP flags and the reference test server that has them (the first match wins).
_PROOF_FLAGS = {"--proof-mode", "--proof-origin-id", "--proof-secrets", "--proof-skew", "--proof-no-replay-cache"}
_STRICT_FLAGS = {"--max-response-bytes", "--max-externalized-response-bytes"}
#: Flags that take a value, for splitting the command line.
_VALUED = {
    "--port", "--host", "--prefix", "--access-log", "--fake-storage", "--externalize-threshold",
    "--max-request-bytes", "--compression", "--max-fetch-bytes", "--max-decompressed-fetch-bytes",
    "--sticky-ttl", "--token-key", "--identity", "--cors-origin", "--max-response-bytes",
    "--max-externalized-response-bytes", "--proof-mode", "--proof-origin-id", "--proof-secrets", "--proof-skew",
    "--unix", "--tcp", "--max-connections",
}  # fmt: skip


def _split(argv: list[str]) -> list[tuple[str, str | None]]:
    options: list[tuple[str, str | None]] = []
    i = 0
    while i < len(argv):
        flag = argv[i]
        if flag in _VALUED:
            options.append((flag, argv[i + 1]))
            i += 2
        else:
            options.append((flag, None))
            i += 1
    return options


def _join(options: list[tuple[str, str | None]]) -> list[str]:
    return [part for flag, value in options for part in ((flag,) if value is None else (flag, value))]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _exec(command: list[str]) -> None:
    sys.stdout.flush()
    os.execv(command[0], command)


def main() -> None:
    """Replace this process with the reference server the command line asks for."""
    options = _split(sys.argv[1:])
    flags = {flag for flag, _ in options}
    if "--http" not in flags:
        cli = shutil.which("vgi-rpc-conformance", path=str(Path(sys.executable).parent))
        if cli is None:
            sys.exit("reference_worker: vgi-rpc-conformance is not installed next to this python")
        _exec([cli, *_join(options)])
    tests = Path(os.environ.get("VGI_RPC_REFERENCE_TESTS", ""))
    if not (tests / "serve_conformance_http.py").exists():
        sys.exit(f"reference_worker: $VGI_RPC_REFERENCE_TESTS={tests} holds no serve_conformance_http.py")
    # --http and --describe are implied by the reference's HTTP test servers
    rest = [(flag, value) for flag, value in options if flag not in ("--http", "--describe")]
    port = next((value for flag, value in rest if flag == "--port"), "0")
    if flags & _PROOF_FLAGS:
        script = "serve_conformance_http_proof.py"
    elif "--http-auth" in flags:
        script = "serve_conformance_http_auth.py"
        rest = [(flag, value) for flag, value in rest if flag == "--port"]
    elif flags & _STRICT_FLAGS:
        script = "serve_conformance_http_strict.py"
    else:
        script = "serve_conformance_http.py"
    # sticky sessions: on by default in serve_conformance_http.py, absent from the other servers
    if script == "serve_conformance_http.py" and "--sticky" not in flags:
        rest.append(("--no-sticky", None))
    rest = [(flag, value) for flag, value in rest if flag != "--sticky"]
    if script in ("serve_conformance_http_proof.py", "serve_conformance_http_auth.py") and port == "0":
        # these take a fixed port and print it before binding
        rest = [(flag, value) for flag, value in rest if flag != "--port"] + [("--port", str(_free_port()))]
    _exec([sys.executable, str(tests / script), *_join(rest)])


if __name__ == "__main__":
    main()
