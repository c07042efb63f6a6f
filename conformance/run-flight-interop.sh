#!/usr/bin/env bash
# Runs the Flight interop checks of issue 15 against arrow-rpc's Flight server:
#
#   pyarrow.flight  conformance/flight_interop_test.py (only pyarrow and the standard library), a
#                   stock Flight client against FlightInteropServer (the Java ConformanceService and
#                   conformance.Secondary.v1 behind FlightRpcServer, started here on a free port,
#                   with an authenticating server, a TLS and a mutual-TLS one on the certificates
#                   made here with openssl in conformance/target/flight-interop/tls)
#   java            FlightClientLane: the typed Java client over DoExchange (its own server in-JVM)
#
#   conformance/run-flight-interop.sh
#
# Stdout ends with the two acceptance lines
#   pyarrow-flight: N passed, N failed, N skipped
#   java-client-over-flight: N passed, N failed
# Cases for what is not served yet are skipped, not passed. The server closes at the end and fails
# the run when its allocators (Flight's and the RpcServer's) are not empty. Server stderr goes to
# conformance/target/flight-interop/server.stderr.
#
# Exit status: 0 when both lines say 0 failed and the server closed clean, 1 otherwise, 2 on a
# setup problem. Environment: VGI_PYTHON (as run-reference-suite.sh; pyarrow is pinned in
# conformance/requirements-flight.txt and installed into the conformance virtualenv).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="$here/target"
out="$target/flight-interop"
log() { echo "[flight-interop] $*" >&2; }
die() { log "$*"; exit 2; }
[[ "${1:-}" == -h || "${1:-}" == --help ]] && { sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0; }
mkdir -p "$out"

# ------------------------------------------------------------------ python: pyarrow in the venv
# shellcheck source=python-env.sh
source "$here/python-env.sh"
ensure_venv
ensure_pyarrow

# ------------------------------------------------------------------ java: build, class path
log "building (mvn -B -q -DskipTests package -pl conformance -am) and the test class path"
(cd "$root" && mvn -B -q -DskipTests package dependency:build-classpath -pl conformance -am \
  -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt") >&2 || die "the build failed"
touch "$target/.worker-built"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"; else java=java; fi
classpath="$here/target/test-classes:$here/target/classes:$(cat "$out/classpath.txt")"
jvm=(-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classpath")

# ------------------------------------------------------------------ TLS certificates
# Self-signed, made fresh each run: the server's (for localhost and 127.0.0.1; also the root the
# clients trust) and a client's (also the authority the mutual-TLS server trusts).
tls="$out/tls"
rm -rf "$tls"; mkdir -p "$tls"
command -v openssl >/dev/null || die "openssl is needed to make the TLS test certificates"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$tls/server.key" -out "$tls/server.pem" \
  >/dev/null 2>&1 || die "openssl could not make the server certificate"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=flight interop client" \
  -addext "extendedKeyUsage=clientAuth" -keyout "$tls/client.key" -out "$tls/client.pem" \
  >/dev/null 2>&1 || die "openssl could not make the client certificate"

# ------------------------------------------------------------------ the server
# Its stdin is a pipe the script holds open: closing it stops the server, which then prints
# CLOSED (or LEAK lines) and exits.
rm -f "$out/server.stdin" "$out/server.stdout"
mkfifo "$out/server.stdin"
"$java" "${jvm[@]}" dev.arrowrpc.conformance.FlightInteropServer \
  --tls "$tls/server.pem" "$tls/server.key" --client-ca "$tls/client.pem" \
  <"$out/server.stdin" >"$out/server.stdout" 2>"$out/server.stderr" &
server=$!
exec 7>"$out/server.stdin"
stop_server() {
  exec 7>&- 2>/dev/null || true
  if kill -0 "$server" 2>/dev/null; then
    for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    kill "$server" 2>/dev/null || true
  fi
}
trap stop_server EXIT
port=""
for _ in $(seq 300); do
  # MTLS_PORT is the server's last port line
  port="$(sed -n 's/^PORT://p' "$out/server.stdout" 2>/dev/null || true)"
  [[ -n "$port" ]] && grep -q '^MTLS_PORT:' "$out/server.stdout" && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
[[ -n "$port" ]] || die "the Flight server did not start (see $out/server.stderr)"
auth_port="$(sed -n 's/^AUTH_PORT://p' "$out/server.stdout")"
tls_port="$(sed -n 's/^TLS_PORT://p' "$out/server.stdout")"
mtls_port="$(sed -n 's/^MTLS_PORT://p' "$out/server.stdout")"
[[ -n "$auth_port" && -n "$tls_port" && -n "$mtls_port" ]] || die "the secured Flight servers did not start"
log "FlightInteropServer on grpc://localhost:$port (auth :$auth_port, TLS :$tls_port, mutual TLS :$mtls_port)"

set +e
"$vpy" "$here/flight_interop_test.py" "grpc://localhost:$port" \
  --auth "grpc://localhost:$auth_port" --tls "grpc+tls://localhost:$tls_port" \
  --mtls "grpc+tls://localhost:$mtls_port" --ca "$tls/server.pem" \
  --client-cert "$tls/client.pem" --client-key "$tls/client.key"
python_status=$?

exec 7>&-
wait "$server"
server_status=$?
trap - EXIT
grep -E '^(LEAK|CLOSED)' "$out/server.stdout" >&2
[[ $server_status -eq 0 ]] || log "the Flight server exited with $server_status (see above and $out/server.stderr)"

"$java" "${jvm[@]}" dev.arrowrpc.conformance.FlightClientLane
java_status=$?
set -e

[[ $python_status -eq 0 && $server_status -eq 0 && $java_status -eq 0 ]] && exit 0
exit 1
