"""Summarises a run of run-reference-suite.sh and applies its gate.

Reads, from the reports directory, the runner's JSON reports and logs (``T.json``,
``T-runner.log``, ``T-access.jsonl``; the DEBUG pass as ``T-debug.*``) and the shared suite's
JUnit XML (``pytest-suite-T.xml``). Prints the per-transport lines the script documents, writes
the summary JSON, and exits 0 when the gate passes, 1 when it does not. The gate's rules are in
run-reference-suite.sh's header; the thresholds come from ``--expected`` (expected.txt), else the defaults (the goal).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path


@dataclass
class Expectation:
    """What one suite on one transport must reach."""

    min_passed: int = 0
    max_failed: int = 0
    access_log_required: bool = True
    unlisted_skips: int = 0


@dataclass
class Exclusions:
    """The pytest-related lines of exclusions.txt."""

    withheld: dict[str, str] = field(default_factory=dict)
    skips: dict[str, str] = field(default_factory=dict)

    def listed(self, test: str, message: str) -> bool:
        """Whether a skip of *test* with *message* is listed."""
        if any(fnmatch.fnmatchcase(test, pattern) for pattern in self.skips):
            return True
        return any(f"no {fixture}" in message or f"no '{fixture}'" in message for fixture in self.withheld)


def read_exclusions(path: Path) -> Exclusions:
    exclusions = Exclusions()
    for line in path.read_text().splitlines():
        name, _, reason = line.strip().partition(" ")
        if name.startswith("fixture:"):
            exclusions.withheld[name.removeprefix("fixture:")] = reason.strip()
        elif name.startswith("skip:"):
            exclusions.skips[name.removeprefix("skip:")] = reason.strip()
    return exclusions


def read_expected(path: Path | None) -> dict[tuple[str, str], Expectation]:
    """``SUITE TRANSPORT MIN_PASSED MAX_FAILED [access-log=optional] [unlisted-skips=N]`` lines."""
    expected: dict[tuple[str, str], Expectation] = {}
    if path is None or not path.exists():
        return expected
    for number, line in enumerate(path.read_text().splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) < 4 or words[0] not in ("runner", "pytest-suite"):
            sys.exit(f"{path}:{number}: expected SUITE TRANSPORT MIN_PASSED MAX_FAILED [OPTIONS], got {line!r}")
        entry = Expectation(min_passed=int(words[2]), max_failed=int(words[3]))
        for option in words[4:]:
            key, _, value = option.partition("=")
            if key == "access-log":
                entry.access_log_required = value != "optional"
            elif key == "unlisted-skips":
                entry.unlisted_skips = int(value)
            else:
                sys.exit(f"{path}:{number}: unknown option {option!r}")
        expected[(words[0], words[1])] = entry
    return expected


def expectation(expected: dict[tuple[str, str], Expectation], suite: str, transport: str) -> Expectation:
    return expected.get((suite, transport)) or expected.get((suite, "*")) or Expectation()


def runner_entry(reports: Path, name: str, code: int) -> dict:
    """Counts, failures and access-log verdict of one runner pass."""
    report_path = reports / f"{name}.json"
    entry: dict = {"runner_exit": code, "report": str(report_path)}
    if report_path.exists():
        report = json.loads(report_path.read_text())
        entry.update({k: report[k] for k in ("total", "passed", "failed", "skipped", "duration_ms")})
        entry["failures"] = [{"name": r["name"], "error": r["error"]} for r in report["results"] if not r["passed"]]
        entry["notes"] = {r["name"]: r["note"] for r in report["results"] if r.get("note")}
    else:
        entry.update({"total": 0, "passed": 0, "failed": 1, "skipped": 0})
        entry["failures"] = [{"name": "(runner)", "error": f"no report; runner exit status {code}"}]
    runner_log = reports / f"{name}-runner.log"
    entry["access_log_valid"] = runner_log.exists() and "--access-log: PASS" in runner_log.read_text(errors="replace")
    log_path = reports / f"{name}-access.jsonl"
    entry["access_log_records"] = sum(1 for _ in log_path.open()) if log_path.exists() else 0
    return entry


def pytest_entry(reports: Path, name: str, code: int, exclusions: Exclusions) -> dict:
    """Counts, failures and skips (listed or not) of one pytest pass, from its JUnit XML."""
    xml_path = reports / f"{name}.xml"
    entry: dict = {"pytest_exit": code, "report": str(xml_path), "log": str(reports / f"{name}.log")}
    if not xml_path.exists():
        return entry | {"passed": 0, "failed": 1, "errors": 0, "skipped": 0, "failures": ["(pytest did not run)"],
                        "skips": [], "unlisted_skips": []}  # fmt: skip
    root = ElementTree.parse(xml_path).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    assert suite is not None
    failures, skips, unlisted = [], [], []
    passed = failed = errors = 0
    for case in suite.iter("testcase"):
        test = f"{case.get('classname', '').rpartition('.')[2]}::{case.get('name')}"
        if case.find("error") is not None:
            errors += 1
            failures.append(test)
        elif case.find("failure") is not None:
            failed += 1
            failures.append(test)
        elif (skipped := case.find("skipped")) is not None:
            message = skipped.get("message", "")
            skips.append({"test": test, "reason": message})
            if not exclusions.listed(test, message):
                unlisted.append({"test": test, "reason": message})
        else:
            passed += 1
    return entry | {"passed": passed, "failed": failed + errors, "errors": errors, "skipped": len(skips),
                    "failures": failures, "skips": skips, "unlisted_skips": unlisted}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--summary", type=Path, required=True)
    parser.add_argument("--reports", type=Path, required=True)
    parser.add_argument("--label", required=True)
    parser.add_argument("--exclusions", type=Path, required=True)
    parser.add_argument("--expected", default="")
    parser.add_argument("--transports", nargs="+", required=True)
    parser.add_argument("--statuses", nargs="*", default=[])
    args = parser.parse_args()

    statuses = {name: int(code) for name, _, code in (item.rpartition("=") for item in args.statuses)}
    exclusions = read_exclusions(args.exclusions)
    expected = read_expected(Path(args.expected)) if args.expected else {}
    reports: Path = args.reports
    summary: dict = {"worker": args.label, "vgi_rpc": version("vgi-rpc"), "runner": {}, "pytest-suite": {},
                     "withheld_fixtures": exclusions.withheld}  # fmt: skip
    problems: list[str] = []

    lines = []
    for transport in args.transports:
        info = runner_entry(reports, transport, statuses.get(transport, 2))
        debug = runner_entry(reports, f"{transport}-debug", statuses.get(f"{transport}-debug", 2))
        info["debug_pass"] = debug
        summary["runner"][transport] = info
        lines.append(f"{transport}: {info['passed']} passed, {info['failed']} failed, {info['skipped']} skipped")
        want = expectation(expected, "runner", transport)
        if info["passed"] < want.min_passed:
            problems.append(f"runner {transport}: {info['passed']} passed < {want.min_passed}")
        worst = max(info["failed"], debug["failed"])
        if worst > want.max_failed:
            problems.append(f"runner {transport}: {worst} failed > {want.max_failed}")
        for level, entry in (("info", info), ("debug", debug)):
            if entry["runner_exit"] not in (0, 1):
                problems.append(f"runner {transport}: the {level.upper()} pass ended with exit status {entry['runner_exit']}")
            if want.access_log_required and not entry["access_log_valid"]:
                problems.append(f"runner {transport}: the {level.upper()} access log did not validate")
    verdict = lambda entry: "PASS" if entry["access_log_valid"] else "FAIL"  # noqa: E731
    for transport in args.transports:
        info = summary["runner"][transport]
        debug = info["debug_pass"]
        lines.append(
            f"access-log {transport}: info {verdict(info)} ({info['access_log_records']} records), "
            f"debug {verdict(debug)} ({debug['access_log_records']} records)"
        )
    for transport in args.transports:
        name = f"pytest-suite-{transport}"
        entry = pytest_entry(reports, name, statuses.get(name, 2), exclusions)
        summary["pytest-suite"][transport] = entry
        lines.append(f"pytest-suite {transport}: {entry['passed']} passed, {entry['failed']} failed, "
                     f"{entry['skipped']} skipped")  # fmt: skip
        want = expectation(expected, "pytest-suite", transport)
        if entry["pytest_exit"] not in (0, 1):
            problems.append(f"pytest-suite {transport}: pytest ended with exit status {entry['pytest_exit']}")
        if entry["passed"] < want.min_passed:
            problems.append(f"pytest-suite {transport}: {entry['passed']} passed < {want.min_passed}")
        if entry["failed"] > want.max_failed:
            problems.append(f"pytest-suite {transport}: {entry['failed']} failed > {want.max_failed}")
        if len(entry["unlisted_skips"]) > want.unlisted_skips:
            problems.append(f"pytest-suite {transport}: {len(entry['unlisted_skips'])} skips not listed in exclusions.txt")

    startup = reports / "startup.json"
    summary["time_to_first_response"] = json.loads(startup.read_text() or "{}") if startup.exists() else {}
    summary["gate"] = {"expected": args.expected or "(defaults)", "problems": problems, "ok": not problems}
    args.summary.write_text(json.dumps(summary, indent=2) + "\n")

    # details on stderr, the counts on stdout
    for transport, info in summary["runner"].items():
        for entry in (info, info["debug_pass"]):
            for failure in entry["failures"]:
                print(f"  {transport} FAILED {failure['name']}: {str(failure['error'])[:300]}", file=sys.stderr)
            if entry["runner_exit"] not in (0, 1):
                print(f"  {transport}: the runner failed (exit {entry['runner_exit']}, see {entry['report']})",
                      file=sys.stderr)  # fmt: skip
    for transport, entry in summary["pytest-suite"].items():
        shown = entry["failures"][:40]
        for failure in shown:
            print(f"  pytest-suite {transport} FAILED {failure}", file=sys.stderr)
        if len(entry["failures"]) > len(shown):
            print(f"  pytest-suite {transport}: {len(entry['failures']) - len(shown)} more failures ({entry['log']})",
                  file=sys.stderr)  # fmt: skip
        for skip in entry["unlisted_skips"]:
            print(f"  pytest-suite {transport} UNLISTED SKIP {skip['test']}: {skip['reason']}", file=sys.stderr)
    print(f"[conformance] summary: {args.summary}", file=sys.stderr)
    for line in lines:
        print(line)
    print("gate: PASS" if not problems else f"gate: FAIL ({'; '.join(problems)})")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
