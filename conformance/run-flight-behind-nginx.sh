#!/usr/bin/env bash
# Runs arrow-rpc's Flight server as two upstreams behind nginx (grpc_pass) and checks that calls
# spread over both and survive one being killed between calls (issue 15).
#
#   conformance/run-flight-behind-nginx.sh
#
# Topology: two FlightInteropServer processes (the Java ConformanceService and Secondary behind
# FlightRpcServer, plaintext, each on a free port) and an nginx on free loopback ports with HTTP/2
# listeners and grpc_pass round-robin over both. Every Flight call is one gRPC stream (the typed
# client's calls are one DoExchange each, streams included), so a call lands whole on one upstream.
#
# Checks, one line each on stdout (PASS/FAIL name: detail), by dev.arrowrpc.conformance.
# FlightBalancerCheck (conformance test class path) reading nginx's access log ($upstream_addr,
# $connection), one record per call:
#   - the typed client (FlightRpc to nginx): unary calls, producer streams and exchange streams each
#     spread over both upstreams with exact results; a stock FlightClient's DoGet (JSON ticket) and
#     DoAction (JSON body) too; large messages (6 MiB unary, 16 x 64k-row producer, 3 MiB exchange
#     batches each way);
#   - a second front end that ends each client connection after 3 calls (GOAWAY) and after 1 s idle:
#     new typed and stock clients make 12 calls over several connections, none fails;
#   - SIGKILL of the upstream next in the rotation, between calls: the next call meets it, is passed
#     on to the live one, and the next 12 calls of every kind all succeed exactly on the live one;
#   - the clients' allocators empty after close; then (here) the live server closes with its
#     allocators empty (CLOSED on its stdout).
# Then "flight-behind-nginx: N passed, N failed". Exit status 0 when all passed, 1 when a check
# failed, 2 on a setup problem. Everything (nginx config, pid, logs, server output, class path) goes
# to conformance/target/flight-nginx/. Takes about 35 s, 20 of them the Maven build.
#
# What a gRPC front end needs for Flight (found here; the generated nginx.conf says it again):
#   - client_max_body_size 0: a DoExchange is ONE request body for the whole call, every turn of a
#     stream included; nginx's default 1m cuts a call past 1 MiB of client data with HTTP 413, which
#     the client sees as UNKNOWN "HTTP status code 413".
#   - client_body_timeout, grpc_read_timeout, grpc_send_timeout (60 s by default) bound the quiet
#     time inside one call: a lockstep exchange whose client (or a producer whose server) pauses
#     longer is reset (the client sees INTERNAL, RST_STREAM). Set them above the longest pause.
#   - Retries: grpc_next_upstream error timeout, without non_idempotent (nginx has no "unavailable"
#     value). nginx passes a call on only when it never reached the upstream (connection refused,
#     connect timeout); it never re-sends a gRPC call once written to an upstream (the body is
#     streamed, not buffered), so no call runs twice.
#   - No upstream keepalive pool: each call opens its own upstream connection, so a killed upstream
#     leaves no cached connection that a call could be written to before nginx sees the death (such
#     a call fails with 502, UNAVAILABLE to the client, and is not retried). With "keepalive N" the
#     checks pass too (nginx drops the dead connections as they close), but that window exists.
#   - Nothing in the Flight client: the :authority is rewritten by nginx (to the upstream group's
#     name) and the server ignores it; nginx's GOAWAYs (keepalive_requests, 1000 calls by default,
#     and keepalive_timeout) are absorbed by gRPC's reconnect, as the recycling check shows.
#   - A call cut mid-stream (its upstream dies while the call is open) fails: the client sees
#     TransportError (INTERNAL, RST_STREAM from nginx). Only that call is lost: the typed client
#     (FlightRpc) carries each call on a DoExchange of its own (ByteTransport.callScoped), so its next
#     call opens a new one and goes to a live upstream.
#
# Installs nginx from Debian's packages when it is missing (as root: apt-get install nginx-light,
# else nginx); needs nginx's http_v2 and grpc modules (Debian 12's nginx has both).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="$here/target"
work="$target/flight-nginx"
log() { echo "[flight-behind-nginx] $*" >&2; }
die() { log "$*"; exit 2; }
[[ "${1:-}" == -h || "${1:-}" == --help ]] && { sed -n '2,54p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0; }

# ------------------------------------------------------------------ nginx
nginx_bin="$(command -v nginx || true)"
[[ -n "$nginx_bin" || ! -x /usr/sbin/nginx ]] || nginx_bin=/usr/sbin/nginx
if [[ -z "$nginx_bin" ]]; then
  [[ "$(id -u)" == 0 ]] || die "nginx is missing: install it (e.g. apt-get install nginx-light) or run this as root"
  log "installing nginx from Debian's packages"
  apt-get update -qq >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >&2 \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >&2 \
    || die "could not install nginx"
  nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
  [[ -x "$nginx_bin" ]] || die "nginx was installed but is not on PATH nor in /usr/sbin"
fi
"$nginx_bin" -V 2>&1 | grep -q -- '--with-http_v2_module' || die "$nginx_bin has no http_v2 module"
log "nginx: $("$nginx_bin" -v 2>&1)"

rm -rf "$work"
mkdir -p "$work/logs" "$work/tmp"

# ------------------------------------------------------------------ java: build, class path
log "building (mvn -B -q -DskipTests package -pl conformance -am) and the test class path"
(cd "$root" && mvn -B -q -DskipTests package dependency:build-classpath -pl conformance -am \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath.txt") >&2 || die "the build failed"
touch "$target/.worker-built"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"; else java=java; fi
classpath="$here/target/test-classes:$here/target/classes:$(cat "$work/classpath.txt")"
jvm=(-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classpath")

# ------------------------------------------------------------------ processes, cleaned up on exit
servers=()
nginx_pid=""
cleanup() {
  { exec 7>&- 8>&-; } 2>/dev/null || true
  if [[ -n "$nginx_pid" ]]; then
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  for pid in ${servers[@]+"${servers[@]}"}; do
    kill "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# Each server's stdin is a pipe the script holds open (fd 7 and 8): closing it stops the server,
# which then prints CLOSED (or LEAK lines) and exits.
start_server() {
  local name="$1"
  mkfifo "$work/$name.stdin"
  "$java" "${jvm[@]}" dev.arrowrpc.conformance.FlightInteropServer \
    7>&- 8>&- <"$work/$name.stdin" >"$work/$name.stdout" 2>"$work/$name.stderr" &
  servers+=($!)
  disown $!   # no "Killed" job notice when the check SIGKILLs it; stopped by pid, judged by its stdout
}
start_server server1
exec 7>"$work/server1.stdin"
start_server server2
exec 8>"$work/server2.stdin"

# Waits for a server's PORT line; $1 = name, $2 = pid; prints the port.
server_port() {
  local name="$1" pid="$2" port=""
  for _ in $(seq 600); do
    port="$(sed -n 's/^PORT://p' "$work/$name.stdout" 2>/dev/null || true)"
    [[ -n "$port" ]] && { echo "$port"; return 0; }
    kill -0 "$pid" 2>/dev/null || { cat "$work/$name.stderr" >&2; die "$name exited before printing its port"; }
    sleep 0.1
  done
  die "$name printed no port within 60 s"
}
port1="$(server_port server1 "${servers[0]}")"
port2="$(server_port server2 "${servers[1]}")"
log "FlightInteropServer upstreams on 127.0.0.1:$port1 (pid ${servers[0]}) and 127.0.0.1:$port2 (pid ${servers[1]})"

# ------------------------------------------------------------------ nginx on a free port
# A port nothing listens on, below the kernel's ephemeral range (32768+); nginx's bind is the real test (retried).
pick_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  die "found no free port"
}
user_line=""
[[ "$(id -u)" == 0 ]] && user_line="user root;"   # the worker writes temp files under target/
write_config() {
  cat > "$work/nginx.conf" <<EOF
# Generated by conformance/run-flight-behind-nginx.sh: two Flight servers behind one gRPC front end.
$user_line
worker_processes 1;   # one round-robin state: calls alternate between the upstreams
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 256; }
http {
  # one line per gRPC call, written when the call ends; fields separated by |
  log_format calls '\$msec|\$request_method|\$uri|\$status|\$sent_trailer_grpc_status|\$upstream_addr|\$upstream_status|\$connection|\$server_port';
  access_log $work/logs/access.log calls;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;

  upstream flight {
    # round-robin; a refused connection takes an upstream out of the rotation for 30 s.
    # No keepalive pool: each call opens its own upstream connection, so a killed upstream leaves
    # no cached connection that a call could be written to (and then fail, not retryable).
    server 127.0.0.1:$port1 max_fails=1 fail_timeout=30s;
    server 127.0.0.1:$port2 max_fails=1 fail_timeout=30s;
  }

  server {
    listen 127.0.0.1:$front_port http2;   # cleartext HTTP/2 (gRPC clients speak it with prior knowledge)
    client_max_body_size 0;    # a DoExchange/DoPut is one request body for the whole stream: no cap
    client_body_timeout 300s;  # between two reads of a client's stream
    keepalive_timeout 300s;
    keepalive_requests 100000; # calls per client connection before nginx sends GOAWAY

    location / {
      grpc_pass grpc://flight;
      # Retry only what never reached an upstream: a refused or timed-out connect. nginx never
      # re-sends a gRPC call once written to an upstream (its body is streamed, not buffered), and
      # without non_idempotent it would not re-send a POST that an upstream received anyway.
      grpc_next_upstream error timeout;
      grpc_next_upstream_tries 2;
      grpc_connect_timeout 2s;
      grpc_send_timeout 300s;    # between two writes to an upstream (long, quiet streams)
      grpc_read_timeout 300s;    # between two reads from an upstream
    }
  }

  # The recycling front end: the same upstreams, but nginx ends each client connection (GOAWAY)
  # after 3 calls and after 1 s idle, as a balancer does after keepalive_requests (1000 by default)
  # or keepalive_timeout: the clients must move to a new connection without failing a call.
  server {
    listen 127.0.0.1:$recycling_port http2;
    client_max_body_size 0;
    keepalive_requests 3;
    keepalive_timeout 1s;
    location / {
      grpc_pass grpc://flight;
      grpc_next_upstream error timeout;
      grpc_next_upstream_tries 2;
      grpc_connect_timeout 2s;
    }
  }
}
EOF
}
front_port=""
for attempt in 1 2 3 4 5; do
  front_port="$(pick_port)"
  recycling_port="$(pick_port)"
  [[ "$recycling_port" != "$front_port" ]] || recycling_port="$(pick_port)"
  write_config
  "$nginx_bin" -p "$work" -c "$work/nginx.conf" -e "$work/logs/error.log" -t 2> "$work/logs/config-test.log" \
    || { cat "$work/logs/config-test.log" >&2; die "nginx refused the configuration"; }
  "$nginx_bin" -p "$work" -c "$work/nginx.conf" -e "$work/logs/error.log" -g 'daemon off;' 7>&- 8>&- &
  nginx_pid=$!
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$front_port") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$recycling_port") 2>/dev/null \
      && break
    kill -0 "$nginx_pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -0 "$nginx_pid" 2>/dev/null && break
  wait "$nginx_pid" 2>/dev/null || true
  nginx_pid=""
  log "nginx did not start on ports $front_port, $recycling_port (attempt $attempt)"
done
[[ -n "$nginx_pid" ]] || { cat "$work/logs/error.log" >&2; die "nginx did not start"; }
front="grpc://127.0.0.1:$front_port"
recycling="grpc://127.0.0.1:$recycling_port"
log "nginx on $front and $recycling (recycling client connections; config $work/nginx.conf)"

# ------------------------------------------------------------------ the checks
results="$work/checks.txt"
: > "$results"
log "java: FlightBalancerCheck"
set +e
"$java" "${jvm[@]}" dev.arrowrpc.conformance.FlightBalancerCheck --url "$front" --recycling-url "$recycling" \
  --access-log "$work/logs/access.log" \
  --upstream "${servers[0]}@127.0.0.1:$port1" --upstream "${servers[1]}@127.0.0.1:$port2" \
  2> "$work/check.stderr" 7>&- 8>&- | tee -a "$results"
check_status=${PIPESTATUS[0]}
set -e
if [[ "$check_status" != 0 ]] && ! grep -q '^FAIL ' "$results"; then
  echo "FAIL java-check: FlightBalancerCheck exited $check_status (see $work/check.stderr)" | tee -a "$results"
fi

# the live server(s): close stdin; each prints CLOSED (both allocators empty, exit 0) or LEAK lines
alive=()
for i in 0 1; do
  kill -0 "${servers[$i]}" 2>/dev/null && alive+=("$i")   # the other one the check SIGKILLed
done
exec 7>&- 8>&-
closed=() unclean=()
for i in ${alive[@]+"${alive[@]}"}; do
  pid="${servers[$i]}" name="server$((i + 1))"
  for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    unclean+=("$name (still running 15 s after its stdin closed)")
  elif grep -q '^CLOSED' "$work/$name.stdout"; then
    closed+=("$name")
  else
    unclean+=("$name ($(grep -E '^LEAK' "$work/$name.stdout" | tr '\n' ' ' || true)see $work/$name.stderr)")
  fi
done
if [[ ${#unclean[@]} == 0 && ${#closed[@]} -ge 1 ]]; then
  echo "PASS live-server-closed-clean: ${closed[*]} closed with its Flight and RpcServer allocators empty" | tee -a "$results"
else
  echo "FAIL live-server-closed-clean: closed clean: ${closed[*]:-none}; not: ${unclean[*]:-none}" | tee -a "$results"
fi

passed_on="$(grep -c 'connect() failed (111: Connection refused)' "$work/logs/error.log" || true)"
log "nginx passed $passed_on call(s) on from the killed upstream to the live one (see $work/logs/error.log)"

passed="$(grep -c '^PASS ' "$results" || true)"
failed="$(grep -c '^FAIL ' "$results" || true)"
echo "flight-behind-nginx: $passed passed, $failed failed"
[[ "$failed" == 0 ]]
