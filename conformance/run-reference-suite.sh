#!/usr/bin/env bash
# Runs the reference implementation's conformance suites (vgi-rpc, pinned in requirements.txt)
# against the Java conformance worker.
#
#   conformance/run-reference-suite.sh [--reference-worker] [--prepare] [pipe|shm|unix|tcp|http ...]
#                                                          (default: pipe unix tcp http)
#
# shm is the stdin/stdout worker with the client's shared-memory segment (4 MiB, created by the
# Python client): the runner runs with --shm 4194304, and the pytest suite's connections carry the
# segment, so the worker attaches it, answers large batches through it (pointer batches) and
# resolves the client's pointer batches.
# Per transport, three things run:
#   1. the reference runner (vgi-rpc-test) drives the worker, which writes a JSONL access log at
#      INFO that the runner validates (over http the worker runs with --http --port 0 and a random
#      --token-key, and the runner gets its --url);
#   2. the runner again, with the worker logging its access channel at DEBUG (--access-log-debug),
#      to validate that log too. This pass leaves out large_payload.echo_binary_over_int32_max,
#      whose 2 GiB echo costs most of a pass and logs a record of the same shape as every other
#      unary call; its counts go to the summary, not to stdout;
#   3. the reference's shared pytest suite (vgi_rpc.conformance._pytest_suite), star-imported by
#      src/test/python/test_shared_suite.py, with the fixtures of src/test/python/conftest.py:
#      workers started from the same command over this transport (SUITE-FIXTURES.md lists them).
#      The HTTP-only groups run in the http pass, the byte-stream externalisation group in the
#      pipe pass.
# Then the worker's time to first response over a pipe is measured. Stdout gets
#   pipe: N passed, N failed, N skipped                      (the runner, per transport)
#   access-log pipe: info PASS (N records), debug PASS (N records)
#   pytest-suite pipe: N passed, N failed, N skipped         (failed counts errors too)
# and a last line "gate: PASS" or "gate: FAIL (...)"; details go to stderr, to
# conformance/target/summary.json and to the reports in conformance/target/conformance/
# (runner JSON and logs, access logs, pytest JUnit XML and logs, worker stderr per pytest pass).
#
# The gate (exit status 0 when it passes, 1 when it does not, 2 on a setup problem): for each
# suite and transport, passed >= its minimum, failed (runner failures; pytest failures + errors)
# <= its maximum, both access logs valid, every pytest skip listed in exclusions.txt, and no runner
# or pytest run ending abnormally (an exit status other than 0 or 1). The
# defaults are the goal: no minimum, 0 failed, logs required, no unlisted skip. While the worker
# is being migrated, conformance/expected.txt relaxes them per line
#     SUITE  TRANSPORT  MIN_PASSED  MAX_FAILED  [access-log=optional] [unlisted-skips=N]
# (SUITE: runner or pytest-suite; TRANSPORT: pipe unix tcp http or *), so CI can ratchet: raise
# the minimums and lower the maximums as the worker improves, and delete the lines at the end.
#
# exclusions.txt: "NAME  REASON" lines exclude runner tests (vgi-rpc-test names) from both runner
# passes; "fixture:NAME  REASON" lines withhold a shared-suite fixture (the suite then skips what
# needs it, as for a port without the feature); "skip:PATTERN  REASON" lines list expected pytest
# skips (PATTERN: a glob on Class::test[param]). A skip whose message names a withheld fixture
# counts as listed.
#
# --reference-worker runs the reference's own worker through the same runner passes and the same
# pytest module instead, to learn the counts the reference reaches (its installed
# vgi-rpc-conformance for the runner and the byte-stream fixtures, the HTTP test servers of its
# source distribution for the HTTP fixtures: $VGI_RPC_REFERENCE_TESTS, else the tests/ directory of
# ~/.cache/arrow-rpc/vgi_rpc-VERSION, else the sdist fetched with pip download into
# target/reference-src). expected.txt does not apply: the reference is held to the goal itself.
# Summary: target/summary-reference.json,
# reports in target/conformance-reference/.
#
# --prepare only sets up: the virtualenv with the pinned suite and the built worker (used by
# run-behind-nginx.sh), then exits.
#
# Needs Python >= 3.13: $VGI_PYTHON, else python3.13 on PATH, else ../shared/tools/python313.sh
# (relative to the repository root).
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
    pipe|shm|unix|tcp|http) transports+=("$arg") ;;
    --reference-worker) reference=true ;;
    --prepare) prepare=true ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg' (transports: pipe shm unix tcp http; option: --reference-worker)" ;;
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
  # the pytest fixtures' worker: the reference CLI and its source distribution's HTTP test servers
  suite_worker=("$vpy" "$here/src/test/python/reference_worker.py")
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
  suite_worker=("${worker[@]}")
  summary="$target/summary.json"
  label="Java worker (arrow-rpc)"
fi
log "worker: $label"
if $prepare; then
  exit 0
fi

# The reference's HTTP test servers (tests/serve_conformance_http*.py) are not in its wheel: find
# its source distribution, or fetch it with pip.
if $reference && [[ -z "${VGI_RPC_REFERENCE_TESTS:-}" ]]; then
  version="$("$vpy" -c 'from importlib.metadata import version; print(version("vgi-rpc"))')"
  cached="$HOME/.cache/arrow-rpc/vgi_rpc-$version/tests"
  fetched="$target/reference-src/vgi_rpc-$version/tests"
  if [[ -f "$cached/serve_conformance_http.py" ]]; then
    VGI_RPC_REFERENCE_TESTS="$cached"
  else
    if [[ ! -f "$fetched/serve_conformance_http.py" ]]; then
      log "fetching the vgi-rpc $version source distribution (its HTTP test servers)"
      rm -rf "$target/reference-src"
      mkdir -p "$target/reference-src"
      "$vpy" -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
        -d "$target/reference-src" "vgi-rpc==$version" >&2 || die "pip download of the vgi-rpc $version sdist failed"
      tar -xzf "$target/reference-src/vgi_rpc-$version.tar.gz" -C "$target/reference-src" \
        || die "could not unpack the vgi-rpc $version sdist"
    fi
    VGI_RPC_REFERENCE_TESTS="$fetched"
  fi
  export VGI_RPC_REFERENCE_TESTS
  log "reference HTTP test servers: $VGI_RPC_REFERENCE_TESTS"
fi

# ------------------------------------------------------------------ exclusions (runner tests)
exclusions=()
while read -r name reason; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  [[ -n "$reason" ]] || die "exclusions.txt: '$name' has no reason"
  [[ "$name" == fixture:* || "$name" == skip:* ]] && continue   # read by conftest.py and the summary
  exclusions+=("!$name")
done < "$here/exclusions.txt"
if [[ ${#exclusions[@]} -gt 0 ]]; then
  log "runner tests excluded by exclusions.txt: ${exclusions[*]}"
fi
# the DEBUG pass also leaves out the 2 GiB echo (see the header)
debug_exclusions=(${exclusions[@]+"${exclusions[@]}"} "!large_payload.echo_binary_over_int32_max")

# ------------------------------------------------------------------ runner passes
reports="$target/conformance"
$reference && reports="$target/conformance-reference"
rm -rf "$reports"
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

# Starts the worker listening (the arguments: its flags); sets worker_pid and discovery (the first
# line the worker prints).
start_listening_worker() {
  local out="$scratch/discovery.out"
  : > "$out"
  "${worker[@]}" "$@" > "$out" &
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

# One runner pass: $1 = transport, $2 = report name, $3 = the worker's access-log flags (INFO: just
# --access-log; DEBUG: with --access-log-debug), then the runner's exclusions. Sets status[$2].
run_runner() {
  local transport="$1" name="$2" debug="$3"
  shift 3
  local report="$reports/$name.json" access_log="$reports/$name-access.jsonl" runner_log="$reports/$name-runner.log"
  local log_flags=(--access-log "$access_log")
  [[ "$debug" == debug ]] && log_flags+=(--access-log-debug)
  local runner=("$venv/bin/vgi-rpc-test" --format json --timeout 30 --access-log "$access_log" --output "$report")
  if [[ $# -gt 0 ]]; then
    runner+=(--filter "$(IFS=,; echo "$*")")
  fi
  rm -f "$report" "$access_log"
  log "$name: running vgi-rpc-test (access log at ${debug^^})"
  set +e
  case "$transport" in
    pipe)
      "${runner[@]}" --cmd "$(printf '%q ' "${worker[@]}" "${log_flags[@]}")" 2> "$runner_log"
      status[$name]=$?
      ;;
    shm)
      # the runner creates the segment (and removes it); the worker attaches what requests name
      "${runner[@]}" --cmd "$(printf '%q ' "${worker[@]}" "${log_flags[@]}")" --shm 4194304 2> "$runner_log"
      status[$name]=$?
      ;;
    unix)
      local socket="$scratch/worker.sock"
      rm -f "$socket"
      start_listening_worker --unix "$socket" "${log_flags[@]}"
      [[ "$discovery" == "UNIX:$socket" ]] || die "unexpected discovery line '$discovery'"
      # the reference worker announces before it binds; give its socket a moment to appear
      for _ in $(seq 200); do [[ -S "$socket" ]] && break; sleep 0.05; done
      "${runner[@]}" --unix "$socket" 2> "$runner_log"
      status[$name]=$?
      stop_listening_worker
      ;;
    tcp)
      start_listening_worker --tcp 127.0.0.1:0 "${log_flags[@]}"
      [[ "$discovery" == TCP:*:* ]] || die "unexpected discovery line '$discovery'"
      "${runner[@]}" --tcp "${discovery#TCP:}" 2> "$runner_log"
      status[$name]=$?
      stop_listening_worker
      ;;
    http)
      if $reference; then
        start_listening_worker --http 0 "${log_flags[@]}"
      else
        # a fresh signing key per run: stream tokens are signed with it
        start_listening_worker --http --port 0 --token-key "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" "${log_flags[@]}"
      fi
      [[ "$discovery" =~ ^PORT:[0-9]+$ ]] || die "unexpected discovery line '$discovery'"
      local port="${discovery#PORT:}"
      # the reference worker announces before it binds; wait until the port accepts connections
      for _ in $(seq 200); do (exec 3<> "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
      "${runner[@]}" --url "http://127.0.0.1:$port" 2> "$runner_log"
      status[$name]=$?
      stop_listening_worker
      ;;
  esac
  set -e
  grep -h -- '--access-log' "$runner_log" >&2 || true
}

declare -A status
for transport in "${transports[@]}"; do
  run_runner "$transport" "$transport" info ${exclusions[@]+"${exclusions[@]}"}
  run_runner "$transport" "$transport-debug" debug "${debug_exclusions[@]}"
done

# ------------------------------------------------------------------ the shared pytest suite, per transport
for transport in "${transports[@]}"; do
  name="pytest-suite-$transport"
  log "$name: the reference's shared pytest suite over $transport (log: $reports/$name.log)"
  set +e
  # PYTHONDONTWRITEBYTECODE keeps __pycache__ out of src/test/python
  PYTHONDONTWRITEBYTECODE=1 CONFORMANCE_TRANSPORT="$transport" CONFORMANCE_WORKER="$(printf '%q ' "${suite_worker[@]}")" \
    CONFORMANCE_EXCLUSIONS="$here/exclusions.txt" CONFORMANCE_LOG_DIR="$reports/$name-workers" \
    "$vpy" -m pytest -p no:cacheprovider --timeout 120 -rfEs --junitxml="$reports/$name.xml" \
    "$here/src/test/python/test_shared_suite.py" > "$reports/$name.log" 2>&1
  status[$name]=$?
  set -e
  tail -1 "$reports/$name.log" >&2
done

# ------------------------------------------------------------------ time to first response
startup="$reports/startup.json"
"$vpy" "$here/src/test/python/startup_time.py" --runs 5 -- "${worker[@]}" > "$startup" 2>/dev/null || echo '{}' > "$startup"
log "time to first response over a pipe (spawn to first answer): $(cat "$startup")"

# ------------------------------------------------------------------ hosted protocols (vgi-rpc-test-hosted)
# The hosted-protocols group over stdin/stdout with the protocols registered in an order that is not
# alphabetical (conformance.Secondary.v1 first), so a listing sorted by name is caught; and over
# HTTP (its raw-wire checks) in the usual order. Not with --reference-worker (its order is fixed).
hosted_failed=0
if ! $reference; then
  for transport in "${transports[@]}"; do
    [[ "$transport" == pipe || "$transport" == http ]] || continue
    set +e
    if [[ "$transport" == pipe ]]; then
      "$venv/bin/vgi-rpc-test-hosted" --cmd "$(printf '%q ' "${worker[@]}") --secondary-first" \
        --expect conformance.Secondary.v1,ConformanceService -- -q -p no:cacheprovider \
        > "$reports/hosted-pipe.log" 2>&1
      code=$?
    else
      start_listening_worker --http --port 0 --access-log "$reports/hosted-http-access.jsonl"
      "$venv/bin/vgi-rpc-test-hosted" --url "http://127.0.0.1:${discovery#PORT:}" \
        --expect ConformanceService,conformance.Secondary.v1 -- -q -p no:cacheprovider \
        > "$reports/hosted-http.log" 2>&1
      code=$?
      stop_listening_worker
    fi
    set -e
    if [[ $code -eq 0 ]]; then
      echo "hosted $transport: passed"
    else
      echo "hosted $transport: FAILED (exit $code, see $reports/hosted-$transport.log)"
      hosted_failed=1
    fi
  done
fi

# ------------------------------------------------------------------ summary and gate
status_args=()
for name in "${!status[@]}"; do status_args+=("$name=${status[$name]}"); done
expected="$here/expected.txt"
$reference && expected=""   # the reference is held to the goal itself
"$vpy" "$here/src/test/python/summarize.py" --summary "$summary" --reports "$reports" --label "$label" \
  --exclusions "$here/exclusions.txt" --expected "$expected" --transports "${transports[@]}" \
  --statuses "${status_args[@]}" || exit 1
if [[ $hosted_failed -ne 0 ]]; then
  log "vgi-rpc-test-hosted failed (see $reports/hosted-*.log)"
  exit 1
fi
