"""Check JSONL access logs written by arrow-rpc with the reference's validator.

Validates every ``vgi_rpc.access`` record of each file against the reference's schema through
``vgi_rpc.access_log_conformance.validate_access_logs`` (what ``vgi-rpc-test --access-log`` runs),
then checks what the schema leaves to prose: no record names a payload field, ``request_fields``
entries are exactly ``{name, type}``, and no successful call carries an ``error_code``.

    python validate_access_log.py FILE...         # prints PASS/FAIL per file; exit 0 when all pass
    pytest validate_access_log.py                 # validates $ARROWRPC_ACCESS_LOGS (os.pathsep-separated),
                                                  # else rpc-core/target/access-log-sample.jsonl, which
                                                  # the Java test AccessLogSampleTest writes

Needs a Python with vgi-rpc (0.52.2) installed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from vgi_rpc.access_log_conformance import validate_access_logs

#: The sample the Java test suite writes (pipe and HTTP-style records, served and refused calls).
SAMPLE = Path(__file__).resolve().parents[4] / "rpc-core" / "target" / "access-log-sample.jsonl"

#: Fields that would carry request or response values; forbidden at every level.
PAYLOAD_FIELDS = ("request_data", "request_state", "response_state")


def access_records(path: Path) -> list[dict[str, object]]:
    """Return the ``vgi_rpc.access`` records of a JSONL file (every line must be JSON)."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        if not isinstance(record, dict):
            raise ValueError(f"{path}:{number}: not a JSON object")
        if record.get("logger") == "vgi_rpc.access":
            records.append(record)
    return records


def problems(path: Path) -> list[str]:
    """Everything wrong with a log file, as one line each (empty when it conforms)."""
    records = access_records(path)
    if not records:
        return [f"{path}: no vgi_rpc.access records"]
    found = [
        f"record {v.entry_index} (method={v.method}, path={v.path}): {v.message}" for v in validate_access_logs(records)
    ]
    for index, record in enumerate(records):
        for name in PAYLOAD_FIELDS:
            if name in record:
                found.append(f"record {index}: carries {name}")
        for entry in record.get("request_fields", []):
            if not isinstance(entry, dict) or set(entry) != {"name", "type"}:
                found.append(f"record {index}: request_fields entry {entry!r} is not exactly {{name, type}}")
        if record.get("status") == "ok" and "error_code" in record:
            found.append(f"record {index}: error_code on a successful call")
    return found


def check(paths: list[Path]) -> int:
    """Validate each file, printing a verdict per file; 0 when every file passes."""
    status = 0
    for path in paths:
        found = problems(path)
        if found:
            status = 1
            print(f"FAIL {path}: {len(found)} problem(s)")
            for line in found:
                print(f"  {line}")
        else:
            print(f"PASS {path}: {len(access_records(path))} records")
    return status


def _logs_under_test() -> list[Path]:
    configured = os.environ.get("ARROWRPC_ACCESS_LOGS")
    if configured:
        return [Path(p) for p in configured.split(os.pathsep) if p]
    return [SAMPLE]


def test_access_logs_conform() -> None:
    """Every configured log (by default the Java test suite's sample) passes the reference validator."""
    import pytest

    for path in _logs_under_test():
        if not path.exists():
            pytest.skip(f"{path} does not exist (run the rpc-core tests first)")
        assert problems(path) == [], f"{path} does not conform"


def test_the_validator_rejects_a_payload() -> None:
    """The check is live: a record carrying request_data is refused."""
    import tempfile

    record = {
        "timestamp": "2026-04-26T15:30:45.123Z",
        "level": "INFO",
        "logger": "vgi_rpc.access",
        "message": "P.m ok",
        "server_id": "a85cd92650b7",
        "protocol": "P",
        "protocol_hash": "ab" * 32,
        "method": "m",
        "method_type": "unary",
        "principal": "",
        "auth_domain": "",
        "authenticated": False,
        "remote_addr": "",
        "duration_ms": 0.5,
        "status": "ok",
        "error_type": "",
    }
    with tempfile.TemporaryDirectory() as scratch:
        good = Path(scratch) / "good.jsonl"
        good.write_text(json.dumps(record) + "\n", encoding="utf-8")
        assert problems(good) == []
        bad = Path(scratch) / "bad.jsonl"
        bad.write_text(json.dumps({**record, "request_data": "AAAA"}) + "\n", encoding="utf-8")
        assert any("request_data" in p for p in problems(bad))


if __name__ == "__main__":
    arguments = [Path(a) for a in sys.argv[1:]] or [SAMPLE]
    sys.exit(check(arguments))
