#!/usr/bin/env bash
# Runs the README's pyarrow example against the calculator served over Arrow Flight:
#   1. builds the examples (mvn install -pl examples -am, as examples/run.sh does);
#   2. starts CalculatorFlightServer on a free loopback port;
#   3. runs examples/python/calculator_flight.py with pyarrow (the version conformance/
#      requirements-flight.txt pins, in the conformance virtualenv; Python >= 3.13 found as
#      conformance/python-env.sh finds it, e.g. $VGI_PYTHON) and diffs its stdout against
#      examples/python/expected-output.txt.
# Exit status 0 when the output matches, 1 when it differs or the client failed, 2 on a setup problem.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/examples/target/python"
log() { echo "[pyarrow-example] $*" >&2; }
die() { log "$*"; exit 2; }
mkdir -p "$out"

# the virtualenv helpers expect the conformance directory in $here and $target
(
  here="$root/conformance" target="$root/conformance/target"
  # shellcheck source=../../conformance/python-env.sh
  source "$root/conformance/python-env.sh"
  ensure_venv
  ensure_pyarrow
) || die "no Python with pyarrow"
vpy="$root/conformance/target/venv/bin/python"

(cd "$root" && mvn -B -q -DskipTests install -pl examples -am) >&2 || die "the build failed"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"; else java=java; fi
# The flags Arrow needs on JDK 17 and newer (see the README's "JVM flags").
ARROW_FLAGS=(-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
"$java" "${ARROW_FLAGS[@]}" -cp "$root/examples/target/classes:$root/examples/target/lib/*" \
  dev.arrowrpc.examples.CalculatorFlightServer 0 >"$out/server.stdout" 2>"$out/server.stderr" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
location=""
for _ in $(seq 300); do
  location="$(sed -n 's/^serving //p' "$out/server.stdout" 2>/dev/null || true)"
  [[ -n "$location" ]] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
[[ -n "$location" ]] || die "the Flight server did not start (see $out/server.stderr)"
log "CalculatorFlightServer on $location"

status=0
"$vpy" "$here/calculator_flight.py" "$location" >"$out/client.stdout" || status=$?
if ((status != 0)); then
  log "calculator_flight.py exited with status $status"
  cat "$out/client.stdout"
  exit 1
fi
if diff -u --label examples/python/expected-output.txt --label calculator_flight.py \
    "$here/expected-output.txt" "$out/client.stdout"; then
  echo "pyarrow-example: calculator_flight.py prints examples/python/expected-output.txt"
else
  echo "pyarrow-example: the output differs from examples/python/expected-output.txt (diff above)"
  exit 1
fi
