#!/usr/bin/env bash
# Runs the conformance worker as three HTTP replicas behind nginx and checks that streams do not
# care which replica serves each turn.
#
#   conformance/run-behind-nginx.sh
#
# Topology: three workers (--http --port 0) sharing one random signing key, each with its own
# access log, and an nginx on a free loopback port balancing round-robin over them, with
# proxy_next_upstream error timeout non_idempotent so a dead replica's turn goes to a live one.
# A fourth worker with another key stands outside the balancer. Checks, one line each on stdout:
#   - the reference's Python client (vgi-rpc-test from the pinned suite) through nginx: 0 failed,
#     and the same outcome per test as the direct http run when that report exists;
#   - the Java client (dev.arrowrpc.conformance.LoadBalancerCheck, typed proxy over HttpRpc):
#     producer, exchange and accumulating streams spread over >= 2 replicas (read from the access
#     logs by stream_id) with exact rows; a token minted by the foreign-key worker refused by the
#     replicas behind nginx (400, signature verification failed); a replica SIGKILLed mid-stream
#     while the stream completes exactly on the others.
# Then "behind-nginx: N passed, N failed". Exit status 0 when all passed, 1 when a check failed,
# 2 on a setup problem. Everything (nginx config, pid, logs, access logs, reports) goes to
# conformance/target/nginx/.
#
# Installs nginx from Debian's packages when it is missing (as root: apt-get install nginx-light,
# else nginx). The virtualenv and the worker come from run-reference-suite.sh --prepare (Python
# >= 3.13 as that script finds it, e.g. $VGI_PYTHON).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$here/target"
work="$target/nginx"
log() { echo "[behind-nginx] $*" >&2; }
die() { log "$*"; exit 2; }

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
log "nginx: $("$nginx_bin" -v 2>&1)"

# ------------------------------------------------------------------ virtualenv and worker
"$here/run-reference-suite.sh" --prepare || die "run-reference-suite.sh --prepare failed"
venv="$target/venv"
vpy="$venv/bin/python"
jar="$target/conformance-worker.jar"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"; else java="java"; fi

rm -rf "$work"
mkdir -p "$work/logs" "$work/tmp"

random_key() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }
free_port() { "$vpy" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ------------------------------------------------------------------ processes, cleaned up on exit
pids=()
nginx_pid=""
cleanup() {
  if [[ -n "$nginx_pid" ]]; then
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  for pid in ${pids[@]+"${pids[@]}"}; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in ${pids[@]+"${pids[@]}"}; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# Starts a worker; $1 = name, $2 = signing key, then environment assignments for it.
start_worker() {
  local name="$1" key="$2"
  shift 2
  env "$@" "$here/bin/conformance-worker" --http --port 0 --token-key "$key" \
    --access-log "$work/$name-access.jsonl" > "$work/$name.out" 2> "$work/$name.err" &
  pids+=($!)
}

# Waits for a worker's PORT line; $1 = name, $2 = pid; prints the port.
worker_port() {
  local name="$1" pid="$2" line=""
  for _ in $(seq 1200); do
    line="$(head -1 "$work/$name.out" 2>/dev/null || true)"
    [[ "$line" =~ ^PORT:[0-9]+$ ]] && { echo "${line#PORT:}"; return 0; }
    kill -0 "$pid" 2>/dev/null || { cat "$work/$name.err" >&2; die "$name exited before printing its port"; }
    sleep 0.05
  done
  die "$name printed no port within 60 s"
}

key="$(random_key)"
rogue_key="$(random_key)"
# one cancel-probe file for the replicas, as the reference's workers share one across processes:
# the runner's cancel tests read counters that other replicas bumped
probe_file="$work/cancel-probe.json"
for i in 1 2 3; do
  start_worker "replica$i" "$key" VGI_RPC_CONFORMANCE_PROBE_FILE="$probe_file"
done
start_worker rogue "$rogue_key"
ports=()
for i in 1 2 3; do
  ports+=("$(worker_port "replica$i" "${pids[$((i - 1))]}")")
done
rogue_port="$(worker_port rogue "${pids[3]}")"
log "replicas on ports ${ports[*]} (one key); the foreign-key worker on $rogue_port"

front_port="$(free_port)"
user_line=""
[[ "$(id -u)" == 0 ]] && user_line="user root;"   # workers as root: they write under target/
cat > "$work/nginx.conf" <<EOF
# Generated by conformance/run-behind-nginx.sh: three conformance workers behind one front end.
$user_line
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 256; }
http {
  log_format turns '\$time_iso8601 "\$request" \$status upstream=\$upstream_addr upstream_status=\$upstream_status';
  access_log $work/logs/access.log turns;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;

  upstream conformance {
    # round-robin; no stickiness: every stream turn carries its state in signed tokens
    server 127.0.0.1:${ports[0]} max_fails=1 fail_timeout=30s;
    server 127.0.0.1:${ports[1]} max_fails=1 fail_timeout=30s;
    server 127.0.0.1:${ports[2]} max_fails=1 fail_timeout=30s;
    keepalive 16;
  }

  server {
    listen 127.0.0.1:$front_port;
    client_max_body_size 512m;     # above the workers' 256 MiB request limit
    client_body_buffer_size 16m;

    location / {
      proxy_pass http://conformance;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      # a dead replica's turn goes to a live one (POSTs included: a turn is replayable, its
      # state is in the request's token)
      proxy_next_upstream error timeout non_idempotent;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 2s;
      proxy_send_timeout 300s;
      proxy_read_timeout 300s;
      proxy_buffering off;
    }
  }
}
EOF
"$nginx_bin" -p "$work" -c "$work/nginx.conf" -e "$work/logs/error.log" -t 2> "$work/logs/config-test.log" \
  || { cat "$work/logs/config-test.log" >&2; die "nginx refused the configuration"; }
"$nginx_bin" -p "$work" -c "$work/nginx.conf" -e "$work/logs/error.log" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 200); do (exec 3<> "/dev/tcp/127.0.0.1/$front_port") 2>/dev/null && break; sleep 0.05; done
kill -0 "$nginx_pid" 2>/dev/null || { cat "$work/logs/error.log" >&2; die "nginx did not start"; }
front="http://127.0.0.1:$front_port"
log "nginx on $front (config $work/nginx.conf)"

results="$work/checks.txt"
: > "$results"

# ------------------------------------------------------------------ the reference's Python client
log "reference-client: vgi-rpc-test --url $front"
set +e
"$venv/bin/vgi-rpc-test" --url "$front" --format json --timeout 30 --output "$work/reference-client.json" \
  2> "$work/reference-client.log"
runner_status=$?
set -e
"$vpy" - "$work/reference-client.json" "$target/conformance/http.json" "$runner_status" >> "$results" <<'PY' || true
import json
import sys
from pathlib import Path

report_path, direct_path, status = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
if not report_path.exists():
    print(f"FAIL reference-client: vgi-rpc-test wrote no report (exit {status})")
    sys.exit(0)
report = json.loads(report_path.read_text())
counts = f"{report['passed']} passed, {report['failed']} failed, {report['skipped']} skipped"
failed = [r["name"] for r in report["results"] if not r["passed"]]
problems = [f"failed: {', '.join(failed)}"] if failed else []
same = ""
if direct_path.exists():
    outcome = lambda rep: {r["name"]: (r["passed"], r["skipped"]) for r in rep["results"]}
    direct = outcome(json.loads(direct_path.read_text()))
    differ = sorted(n for n in direct.keys() | outcome(report).keys() if direct.get(n) != outcome(report).get(n))
    if differ:
        problems.append(f"outcomes differ from the direct http run: {', '.join(differ)}")
    else:
        same = "; same outcome per test as the direct http run"
if status not in (0, 1):
    problems.append(f"runner exit {status}")
verdict = "FAIL" if problems else "PASS"
print(f"{verdict} reference-client: vgi-rpc-test (Python client) through nginx: {counts}{same}"
      + (f" ({'; '.join(problems)})" if problems else ""))
PY
tail -1 "$results"

# ------------------------------------------------------------------ the Java client
log "java client: LoadBalancerCheck"
set +e
"$java" -XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.jboss.logging.provider=slf4j \
  -cp "$jar" dev.arrowrpc.conformance.LoadBalancerCheck --url "$front" --rogue-url "http://127.0.0.1:$rogue_port" \
  --replica "${pids[0]}:$work/replica1-access.jsonl" \
  --replica "${pids[1]}:$work/replica2-access.jsonl" \
  --replica "${pids[2]}:$work/replica3-access.jsonl" | tee -a "$results"
check_status=${PIPESTATUS[0]}
set -e
if [[ "$check_status" != 0 ]] && ! grep -q '^FAIL ' "$results"; then
  echo "FAIL java-client: LoadBalancerCheck exited $check_status" | tee -a "$results"
fi

refused="$(grep -c 'Connection refused' "$work/logs/error.log" || true)"
log "nginx passed $refused request(s) on from the killed replica to a live one (see $work/logs/error.log)"

passed="$(grep -c '^PASS ' "$results" || true)"
failed="$(grep -c '^FAIL ' "$results" || true)"
echo "behind-nginx: $passed passed, $failed failed"
[[ "$failed" == 0 ]]
