#!/usr/bin/env bash
# Runs the native-client lanes (issue 13): arrow-rpc's typed client (RpcClient with the Java
# declaration of the reference's ClientConformanceService, conformance/src/test/java/dev/arrowrpc/
# conformance/nativeclient/) against the reference's native-client worker,
# `python -m vgi_rpc.conformance.client_worker` from the pinned pip package (conformance/
# requirements.txt, in the virtualenv run-reference-suite.sh uses), over each transport:
#
#   http  --http 0 at the root prefix, --http 0 --prefix /vgi, and --prefix /vgi
#         --producer-turn-bytes 65536 (buffered producer init); the worker refuses any exchange
#         batch whose schema is not exactly TYPED_EXCHANGE_SCHEMA
#   pipe  --stdio, the worker as our subprocess
#   unix  --unix PATH
#   tcp   --tcp 127.0.0.1:0
#
# Each lane, on one persistent client: typed_exchange (an all-null row, a zero-row batch, a
# populated row with dictionary, timestamp, decimal, list and nested struct values, several batches
# on one open exchange), echo_bytes, producer_sequence and the other producers, describe (methods,
# shapes, protocol hash equal to our declaration's). Allocators are checked empty after each test.
#
#   conformance/run-native-client.sh [http|pipe|unix|tcp ...]     (default: all four)
#
# Stdout gets one line per transport,
#   native-client http: 40 passed, 0 failed
# (or `skipped (reason)` when no Python >= 3.13 can be found for the virtualenv); failures are
# detailed on stderr, with the worker's stderr prefixed [client-worker <transport>].
#
# Exit status: 0 when no test failed, 1 otherwise, 2 on a setup problem.
#
# Environment: VGI_PYTHON (as run-reference-suite.sh); ARROWRPC_NATIVE_PYTHON=/path/to/python uses
# an interpreter that already has vgi-rpc instead of the virtualenv. The same tests run under
# `mvn test` in the conformance module when conformance/target/venv exists (skipped otherwise).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="$here/target"
out="$target/native-client"
log() { echo "[native-client] $*" >&2; }
die() { log "$*"; exit 2; }

lanes=()
for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,32p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    http|pipe|unix|tcp) lanes+=("$arg") ;;
    *) die "unknown argument '$arg' (transports: http pipe unix tcp)" ;;
  esac
done
mkdir -p "$out"
props=(-Darrowrpc.nativeclient.scratch="$out")

if [[ -n "${ARROWRPC_NATIVE_PYTHON:-}" ]]; then
  props+=(-Darrowrpc.nativeclient.python="$ARROWRPC_NATIVE_PYTHON")
else
  # shellcheck source=python-env.sh
  source "$here/python-env.sh"
  # in a subshell, so that a missing Python skips the lanes (with the reason) instead of ending the run
  set +e
  (set -e; ensure_venv)
  venv_status=$?
  set -e
  if [[ $venv_status -eq 0 ]]; then
    props+=(-Darrowrpc.nativeclient.python="$target/venv/bin/python")
  else
    props+=(-Darrowrpc.nativeclient.python="$target/venv/bin/python-unavailable")
  fi
fi

log "building the client and the lanes (mvn -B -q -DskipTests package -pl conformance -am)"
(cd "$root" && mvn -B -q -DskipTests package dependency:build-classpath -pl conformance -am \
  -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt") >&2 || die "the build failed"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"; else java=java; fi
classpath="$here/target/test-classes:$here/target/classes:$(cat "$out/classpath.txt")"
set +e
"$java" -XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classpath" "${props[@]}" \
  dev.arrowrpc.conformance.nativeclient.NativeClientLanes "${lanes[@]}"
status=$?
set -e
exit "$status"
