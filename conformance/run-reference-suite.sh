#!/usr/bin/env bash
# Runs the reference implementation's conformance suite against the Java conformance worker.
#
#   conformance/run-reference-suite.sh [--reference-worker] [pipe|unix|tcp|http ...]
#                                                          (default: pipe unix tcp http)
#
# For each transport, the pinned reference runner (vgi-rpc-test, from conformance/requirements.txt)
# drives the worker; the worker writes a JSONL access log that the runner validates. Over http the
# worker runs with --http --port 0 and a random --token-key, and the runner gets its --url. Then, over
# pipe, unix and tcp, the reference's describe checks (src/test/python/test_describe_conformance.py)
# and the raw-transport classes of the reference's pytest suite
# (src/test/python/test_reference_pytest_suite.py) run against the worker, and its time to first
# response is measured. Stdout gets one line per transport,
#   pipe: N passed, N failed, N skipped
# then one for "describe" and one for "pytest-suite"; details go to stderr and to
# conformance/target/summary.json (reports in conformance/target/conformance/).
# Exit status: 0 when nothing failed and every access log is valid, 1 otherwise, 2 on a setup
# problem.
#
# --reference-worker runs the reference's own worker (vgi-rpc-conformance) through the same runner
# instead, to learn the counts the reference reaches (summary: target/summary-reference.json,
# reports in target/conformance-reference/).
#
# --prepare only sets up: the virtualenv with the pinned suite and the built worker (used by
# run-behind-nginx.sh), then exits.
#
# Needs Python >= 3.13: $VGI_PYTHON, else python3.13 on PATH, else ../shared/tools/python313.sh
# (relative to the repository root). Runner tests to exclude go in conformance/exclusions.txt.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="$here/target"
log() { echo "[conformance] $*" >&2; }
die() { log "$*"; exit 2; }

reference=false
prepare=false
transports=()
for arg in "$@"; do
  case "$arg" in
    pipe|unix|tcp|http) transports+=("$arg") ;;
    --reference-worker) reference=true ;;
    --prepare) prepare=true ;;
    -h|--help) sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg' (transports: pipe unix tcp http; option: --reference-worker)" ;;
  esac
done
[[ ${#transports[@]} -gt 0 ]] || transports=(pipe unix tcp http)

# ------------------------------------------------------------------ Python >= 3.13, virtualenv with the pinned suite
# shellcheck source=python-env.sh
source "$here/python-env.sh"
ensure_venv

# ------------------------------------------------------------------ the worker
jar="$target/conformance-worker.jar"
if $reference; then
  worker=("$venv/bin/vgi-rpc-conformance" --describe)
  summary="$target/summary-reference.json"
  label="reference worker (vgi-rpc-conformance)"
else
  built="$target/.worker-built"   # touched after each build this script runs
  stale=""
  if [[ -f "$jar" && -f "$built" ]]; then
    stale="$(find "$root/pom.xml" "$root/rpc-core" "$root/rpc-transport-pipe" "$root/rpc-transport-http" "$here/pom.xml" "$here/src/main" \
      -newer "$built" -type f \( -name '*.java' -o -name 'pom.xml' -o -name '*.properties' \) -not -path '*/target/*' \
      -print -quit 2>/dev/null || true)"
  fi
  if [[ ! -f "$jar" || ! -f "$built" || -n "$stale" ]]; then
    log "building the worker (mvn -B -q -DskipTests package -pl conformance -am)"
    (cd "$root" && mvn -B -q -DskipTests package -pl conformance -am) >&2 || die "the worker build failed"
    touch "$built"
  fi
  # the class-data-sharing archive must come from the java the launcher runs (CI builds on two JDKs)
  "$here/bin/conformance-worker" --build-cds-archive >&2 || log "no class-data-sharing archive (slower start)"
  worker=("$here/bin/conformance-worker")
  summary="$target/summary.json"
  label="Java worker (arrow-rpc)"
fi
log "worker: $label"
if $prepare; then
  exit 0
fi

# ------------------------------------------------------------------ exclusions
exclusions=()
while read -r name reason; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  [[ -n "$reason" ]] || die "exclusions.txt: '$name' has no reason"
  exclusions+=("!$name")
done < "$here/exclusions.txt"
filter_args=()
if [[ ${#exclusions[@]} -gt 0 ]]; then
  filter_args=(--filter "$(IFS=,; echo "${exclusions[*]}")")
  log "excluded by exclusions.txt: ${exclusions[*]}"
fi

# ------------------------------------------------------------------ one run per transport
reports="$target/conformance"
$reference && reports="$target/conformance-reference"
mkdir -p "$reports"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/conformance.XXXXXX")"
worker_pid=""
cleanup() {
  if [[ -n "$worker_pid" ]] && kill -0 "$worker_pid" 2>/dev/null; then
    kill "$worker_pid" 2>/dev/null || true
    wait "$worker_pid" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT

# Starts the worker listening ($1 = access log, then the transport's flags); sets worker_pid and
# discovery (the first line the worker prints).
start_listening_worker() {
  local out="$scratch/discovery.out" access_log="$1"
  shift
  : > "$out"
  "${worker[@]}" "$@" --access-log "$access_log" > "$out" &
  worker_pid=$!
  local waited=0
  discovery=""
  while [[ -z "$discovery" ]]; do
    if [[ "$(tail -c 1 "$out" | od -An -c | tr -d ' ')" == '\n' ]]; then
      discovery="$(head -1 "$out")"
    elif ! kill -0 "$worker_pid" 2>/dev/null; then
      die "the worker exited before printing its discovery line"
    elif (( waited++ > 1200 )); then
      die "the worker printed no discovery line within 60 s"
    else
      sleep 0.05
    fi
  done
}

stop_listening_worker() {
  if [[ -n "$worker_pid" ]]; then
    kill -TERM "$worker_pid" 2>/dev/null || true
    wait "$worker_pid" 2>/dev/null || true
    worker_pid=""
  fi
}

runner=("$venv/bin/vgi-rpc-test" --format json --timeout 30 "${filter_args[@]}")
declare -A status
for transport in "${transports[@]}"; do
  report="$reports/$transport.json"
  access_log="$reports/$transport-access.jsonl"
  runner_log="$reports/$transport-runner.log"
  rm -f "$report" "$access_log"
  log "$transport: running vgi-rpc-test"
  set +e
  case "$transport" in
    pipe)
      command="$(printf '%q ' "${worker[@]}") --access-log $(printf '%q' "$access_log")"
      "${runner[@]}" --cmd "$command" --access-log "$access_log" --output "$report" 2> "$runner_log"
      status[$transport]=$?
      ;;
    unix)
      socket="$scratch/worker.sock"
      start_listening_worker "$access_log" --unix "$socket"
      [[ "$discovery" == "UNIX:$socket" ]] || die "unexpected discovery line '$discovery'"
      # the reference worker announces before it binds; give its socket a moment to appear
      for _ in $(seq 200); do [[ -S "$socket" ]] && break; sleep 0.05; done
      "${runner[@]}" --unix "$socket" --access-log "$access_log" --output "$report" 2> "$runner_log"
      status[$transport]=$?
      stop_listening_worker
      ;;
    tcp)
      start_listening_worker "$access_log" --tcp 127.0.0.1:0
      [[ "$discovery" == TCP:*:* ]] || die "unexpected discovery line '$discovery'"
      "${runner[@]}" --tcp "${discovery#TCP:}" --access-log "$access_log" --output "$report" 2> "$runner_log"
      status[$transport]=$?
      stop_listening_worker
      ;;
    http)
      if $reference; then
        start_listening_worker "$access_log" --http 0
      else
        # a fresh signing key per run: stream tokens are HMAC-signed with it
        start_listening_worker "$access_log" --http --port 0 --token-key "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
      fi
      [[ "$discovery" =~ ^PORT:[0-9]+$ ]] || die "unexpected discovery line '$discovery'"
      port="${discovery#PORT:}"
      # the reference worker announces before it binds; wait until the port accepts connections
      for _ in $(seq 200); do (exec 3<> "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
      "${runner[@]}" --url "http://127.0.0.1:$port" --access-log "$access_log" --output "$report" 2> "$runner_log"
      status[$transport]=$?
      stop_listening_worker
      ;;
  esac
  set -e
  grep -h -- '--access-log' "$runner_log" >&2 || true
done

# ------------------------------------------------------------------ describe checks, pytest suite
# Runs one of the pytest files in src/test/python against the worker; $1 = report name.
run_pytest() {
  set +e
  # PYTHONDONTWRITEBYTECODE keeps __pycache__ out of src/test/python
  PYTHONDONTWRITEBYTECODE=1 CONFORMANCE_WORKER="$(printf '%q ' "${worker[@]}")" "$vpy" -m pytest -q -p no:cacheprovider --timeout 60 \
    --junitxml="$reports/$1.xml" "$here/src/test/python/$2" >&2
  pytest_status[$1]=$?
  set -e
}
declare -A pytest_status
log "describe: the reference's describe checks over pipe, unix and tcp"
run_pytest describe test_describe_conformance.py
log "pytest-suite: the reference's pytest suite (raw-transport classes) over pipe, unix and tcp"
run_pytest pytest-suite test_reference_pytest_suite.py

# ------------------------------------------------------------------ time to first response
startup="$reports/startup.json"
"$vpy" "$here/src/test/python/startup_time.py" --runs 5 -- "${worker[@]}" > "$startup" 2>/dev/null || echo '{}' > "$startup"
log "time to first response over a pipe (spawn to first answer): $(cat "$startup")"

# ------------------------------------------------------------------ summary
status_args=()
for transport in "${transports[@]}"; do status_args+=("$transport=${status[$transport]}"); done
"$vpy" - "$summary" "$reports" "$label" "describe=${pytest_status[describe]}" \
  "pytest-suite=${pytest_status[pytest-suite]}" "${status_args[@]}" <<'PY'
import json
import sys
import xml.etree.ElementTree as ElementTree
from importlib.metadata import version
from pathlib import Path

summary_path, reports, label, describe_status, suite_status, *statuses = sys.argv[1:]
reports = Path(reports)
summary = {"worker": label, "vgi_rpc": version("vgi-rpc"), "transports": {}, "ok": True}
for item in statuses:
    transport, code = item.split("=")
    code = int(code)
    report_path = reports / f"{transport}.json"
    entry = {"runner_exit": code, "report": str(report_path)}
    if report_path.exists():
        report = json.loads(report_path.read_text())
        entry.update({k: report[k] for k in ("total", "passed", "failed", "skipped", "duration_ms")})
        entry["failures"] = [{"name": r["name"], "error": r["error"]} for r in report["results"] if not r["passed"]]
        entry["notes"] = {r["name"]: r["note"] for r in report["results"] if r.get("note")}
    else:
        entry.update({"total": 0, "passed": 0, "failed": 1, "skipped": 0})
        entry["failures"] = [{"name": "(runner)", "error": f"no report; runner exit status {code}"}]
    runner_log = reports / f"{transport}-runner.log"
    entry["access_log_valid"] = runner_log.exists() and "--access-log: PASS" in runner_log.read_text(errors="replace")
    log_path = reports / f"{transport}-access.jsonl"
    entry["access_log_records"] = sum(1 for _ in log_path.open()) if log_path.exists() else 0
    summary["transports"][transport] = entry
    print(f"{transport}: {entry['passed']} passed, {entry['failed']} failed, {entry['skipped']} skipped")
    if code != 0 or entry["failed"] or not entry["access_log_valid"]:
        summary["ok"] = False


def pytest_counts(name: str, status_item: str) -> dict:
    """Counts from one pytest run's JUnit XML."""
    code = int(status_item.split("=")[1])
    xml_path = reports / f"{name}.xml"
    counts = {"pytest_exit": code, "report": str(xml_path)}
    if not xml_path.exists():
        return counts | {"passed": 0, "failed": 1, "skipped": 0, "failures": ["(pytest did not run)"]}
    suite = ElementTree.parse(xml_path).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    tests, failures, errors, skipped = (int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    failed = [
        case.get("name") for case in suite.iter("testcase")
        if case.find("failure") is not None or case.find("error") is not None
    ]
    return counts | {"passed": tests - failures - errors - skipped, "failed": failures + errors, "skipped": skipped,
                     "failures": failed}


for name, status_item in (("describe", describe_status), ("pytest-suite", suite_status)):
    counts = pytest_counts(name, status_item)
    summary[name] = counts
    print(f"{name}: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    if counts["pytest_exit"] != 0 or counts["failed"]:
        summary["ok"] = False
    for failure in counts["failures"]:
        print(f"  {name} FAILED {failure}", file=sys.stderr)
summary["time_to_first_response"] = json.loads((reports / "startup.json").read_text() or "{}")
Path(summary_path).write_text(json.dumps(summary, indent=2) + "\n")
for transport, entry in summary["transports"].items():
    for failure in entry["failures"]:
        print(f"  {transport} FAILED {failure['name']}: {failure['error']}", file=sys.stderr)
    if not entry["access_log_valid"]:
        print(f"  {transport}: the access log did not validate (see {transport}-runner.log)", file=sys.stderr)
    if entry["runner_exit"] not in (0, 1):
        print(f"  {transport}: the runner failed (exit {entry['runner_exit']}, see {transport}-runner.log)", file=sys.stderr)
print(f"[conformance] summary: {summary_path}", file=sys.stderr)
sys.exit(0 if summary["ok"] else 1)
PY
