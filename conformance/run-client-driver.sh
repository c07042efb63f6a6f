#!/usr/bin/env bash
# The client-driver gate: the reference's shared conformance suite (vgi-rpc, pinned in
# requirements.txt) replayed through arrow-rpc's *client*. The suite is star-imported by
# src/test/python/client_driver/test_client_driver_suite.py; its conftest.py binds every connection
# to the client driver (bin/client-driver, a Java main speaking the reference's client-driver
# control protocol, tools/cross-port/specs/CLIENT_DRIVER_PROTOCOL.md) through the reference's
# vgi_rpc.conformance.client_driver, with VGI_CLIENT_DRIVER pointing at the launcher.
#
#   conformance/run-client-driver.sh [SERVER|TRANSPORT|SERVER:TRANSPORT ...]
#
# Servers: python (the gate: the reference's own worker, VGI_CONFORMANCE_SERVER=python, started by
# src/test/python/reference_worker.py from the installed package and the HTTP test servers of its
# source distribution) and java (our conformance worker, bin/conformance-worker: triage).
# Transports: pipe shm unix tcp http (shm: the worker subprocess with a 4 MiB shared-memory segment
# the driver creates). Default: every combination; a bare server or transport selects
# its row or column. Stdout gets exactly one line per cell,
#   client-driver python pipe: 205 passed, 0 failed, 0 skipped
# (failed counts errors too); failing tests are listed on stderr, and the pytest log, JUnit XML
# and worker stderr of each cell are under conformance/target/client-driver/.
# Exit status: 0 when no cell failed a test, 1 otherwise, 2 on a setup problem.
#
# The harness starts one driver per connection, several hundred per cell (the connection-churn soak
# alone opens 300 in 50 seconds), so the connections are served by one driver JVM for the whole
# run (bin/client-driver --serve, the driver service; its log is
# conformance/target/client-driver/driver-service.log) and each bin/client-driver the harness starts
# relays to it: every connection is still a session of its own with its own client.
# CLIENT_DRIVER_SERVICE=off starts a JVM per connection instead.
#
# One test by hand (after one run, which builds the jar, the CDS archives and the virtualenv):
#   CONFORMANCE_TRANSPORT=pipe VGI_CLIENT_DRIVER=conformance/bin/client-driver \
#     conformance/target/venv/bin/python -m pytest -p no:cacheprovider \
#     conformance/src/test/python/client_driver/test_client_driver_suite.py -k test_echo_string
# (with the Java worker; CONFORMANCE_WORKER="python conformance/src/test/python/reference_worker.py"
# and VGI_RPC_REFERENCE_TESTS=<the sdist's tests/> for the reference's).
#
# Needs Python >= 3.13 as run-reference-suite.sh ($VGI_PYTHON, python3.13, ../shared/tools/python313.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="$here/target"
out="$target/client-driver"
log() { echo "[client-driver] $*" >&2; }
die() { log "$*"; exit 2; }

servers=(python java)
transports=(pipe shm unix tcp http)
cells=()
for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    python|java) for t in "${transports[@]}"; do cells+=("$arg:$t"); done ;;
    pipe|shm|unix|tcp|http) for s in "${servers[@]}"; do cells+=("$s:$arg"); done ;;
    python:pipe|python:shm|python:unix|python:tcp|python:http|java:pipe|java:shm|java:unix|java:tcp|java:http) cells+=("$arg") ;;
    *) die "unknown argument '$arg' (servers: python java; transports: pipe shm unix tcp http; or SERVER:TRANSPORT)" ;;
  esac
done
if [[ ${#cells[@]} -eq 0 ]]; then
  for s in "${servers[@]}"; do for t in "${transports[@]}"; do cells+=("$s:$t"); done; done
fi

# ------------------------------------------------------------------ build: the jar, both CDS archives
jar="$target/conformance-worker.jar"
built="$target/.worker-built"   # shared with run-reference-suite.sh
stale=""
if [[ -f "$jar" && -f "$built" ]]; then
  stale="$(find "$root/pom.xml" "$root/rpc-core" "$root/rpc-transport-pipe" "$root/rpc-transport-http" "$here/pom.xml" "$here/src/main" \
    -newer "$built" -type f \( -name '*.java' -o -name 'pom.xml' -o -name '*.properties' \) -not -path '*/target/*' \
    -print -quit 2>/dev/null || true)"
fi
if [[ ! -f "$jar" || ! -f "$built" || -n "$stale" ]]; then
  log "building the worker and the driver (mvn -B -q -DskipTests package -pl conformance -am)"
  (cd "$root" && mvn -B -q -DskipTests package -pl conformance -am) >&2 || die "the build failed"
  touch "$built"
fi
"$here/bin/conformance-worker" --build-cds-archive >&2 || log "no worker class-data-sharing archive (slower start)"
"$here/bin/client-driver" --build-cds-archive >&2 || log "no driver class-data-sharing archive (slower start)"

# ------------------------------------------------------------------ the driver service
mkdir -p "$out"
service_pid=""
stop_service() {
  if [[ -n "$service_pid" ]]; then
    kill "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
}
trap stop_service EXIT
if [[ "${CLIENT_DRIVER_SERVICE:-}" == off ]]; then
  unset CLIENT_DRIVER_SERVICE
else
  secret="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
  CLIENT_DRIVER_SECRET="$secret" "$here/bin/client-driver" --serve > "$out/driver-service.port" 2> "$out/driver-service.log" &
  service_pid=$!
  port=""
  for _ in $(seq 1 100); do
    port="$(sed -n 's/^PORT:\([0-9][0-9]*\)$/\1/p' "$out/driver-service.port" 2>/dev/null || true)"
    [[ -n "$port" ]] && break
    kill -0 "$service_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n "$port" ]] || { cat "$out/driver-service.log" >&2; die "the driver service did not start"; }
  export CLIENT_DRIVER_SERVICE="$port:$secret"
  log "driver service on 127.0.0.1:$port (log: $out/driver-service.log)"
fi

# ------------------------------------------------------------------ Python, the pinned reference
# shellcheck source=python-env.sh
source "$here/python-env.sh"
ensure_venv

needs_reference=false
for cell in "${cells[@]}"; do [[ "$cell" == python:* ]] && needs_reference=true; done
if $needs_reference && [[ -z "${VGI_RPC_REFERENCE_TESTS:-}" ]]; then
  # the reference's HTTP test servers (tests/serve_conformance_http*.py) are not in its wheel
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
fi
export VGI_RPC_REFERENCE_TESTS="${VGI_RPC_REFERENCE_TESTS:-}"

# ------------------------------------------------------------------ one pytest run per cell
counts() {  # JUnit XML -> "passed failed skipped" (failed counts errors)
  "$vpy" - "$1" <<'PY'
import sys
import xml.etree.ElementTree as ElementTree

tests = failed = skipped = 0
try:
    root = ElementTree.parse(sys.argv[1]).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
except (OSError, ElementTree.ParseError):
    pass
print(tests - failed - skipped, failed, skipped)
PY
}

any_failed=0
for cell in "${cells[@]}"; do
  server="${cell%%:*}"
  transport="${cell#*:}"
  name="$server-$transport"
  if [[ "$server" == python ]]; then
    worker=("$vpy" "$here/src/test/python/reference_worker.py")
  else
    worker=("$here/bin/conformance-worker")
  fi
  log "$name: the shared suite through the client driver against the $server server over $transport (log: $out/$name.log)"
  rm -rf "$out/$name-workers" "$out/$name.xml"
  set +e
  PYTHONDONTWRITEBYTECODE=1 VGI_CONFORMANCE_SERVER="$server" CONFORMANCE_TRANSPORT="$transport" \
    CONFORMANCE_WORKER="$(printf '%q ' "${worker[@]}")" VGI_CLIENT_DRIVER="$here/bin/client-driver" \
    CONFORMANCE_EXCLUSIONS="$here/exclusions.txt" CONFORMANCE_LOG_DIR="$out/$name-workers" \
    "$vpy" -m pytest -p no:cacheprovider --timeout 120 -rfEs --junitxml="$out/$name.xml" \
    "$here/src/test/python/client_driver/test_client_driver_suite.py" > "$out/$name.log" 2>&1
  code=$?
  set -e
  read -r passed failed skipped < <(counts "$out/$name.xml")
  if [[ $code -ne 0 && $code -ne 1 ]]; then
    log "$name: pytest ended abnormally (exit status $code); see $out/$name.log"
    tail -20 "$out/$name.log" >&2
    failed=$((failed > 0 ? failed : 1))
  fi
  echo "client-driver $server $transport: $passed passed, $failed failed, $skipped skipped"
  if [[ $failed -gt 0 ]]; then
    any_failed=1
    grep -E '^(FAILED|ERROR) ' "$out/$name.log" | sed "s/^/[client-driver] $name: /" >&2 || true
  fi
done
exit $any_failed
