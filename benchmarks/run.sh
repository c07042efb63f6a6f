#!/usr/bin/env bash
# Runs the arrow-rpc benchmarks: raw-channel baselines, every workload over every transport, and
# the reference implementations' conformance workers as peers, all in one run.
#
#   benchmarks/run.sh [--quick | --full | --charts] [--pin none|split|same] [--no-peers] [--out FILE]
#
#   --quick   (default) a smoke check in under 3 minutes on 2 cores; writes benchmarks/target/quick.md
#   --full    the real run (about 18 minutes); writes benchmarks/results/latest.md
#   Both modes run the Flight rows: the `flight` transport and the Flight targets of issue 15 against
#   a bare FlightProducer (quick: a small budget and a 1M-row DoGet; BENCH_TRANSPORTS=flight alone).
#   Both modes also run the targets of issue 17 (ShmPoolBench): the 1M-row echo over a worker with a
#   shared-memory segment, interleaved with the same echo over the pipe and a memory copy of the same
#   bytes; noop() through a WorkerPool proxy against a dedicated worker, pinned (quick: on one CPU;
#   full: on one CPU, across CPUs and unpinned). They need the subprocess pipe transport selected.
#   --call-cost  only the per-call cost row of issue 16 (in process: noop, small, 10 parameters;
#             reflection vs generated code; time and bytes per call on each side), then the same rows
#             with both threads on one CPU and each side's code alone (SideCost); about 1.5 minutes;
#             writes benchmarks/target/call-cost.md
#   --charts  runs nothing: re-draws the charts of benchmarks/results/latest.md (or of --out FILE)
#   Every run also draws its charts beside its report: NAME-latency.svg, NAME-throughput.svg and
#   NAME-peers.svg (NAME: the report's file name without .md), from the report's tables.
#   --pin     none (default): let the scheduler place every process;
#             split: the client JVM on CPU 0, every worker on CPU 1 (each round trip crosses CPUs);
#             same: everything on CPU 0 (no cross-CPU wake-ups, but JIT and GC share the one CPU)
#   --no-peers  skip the Python/Go/Java conformance workers
#
# Environment: VGI_PYTHON (a Python >= 3.13), VGI_GO_WORKER or VGI_GO_PEER (a built Go conformance
# worker; VGI_GO_LABEL names it in the tables), VGI_RPC_GO_VERSION (overrides the pin in conformance/go-peer.version), BENCH_WORKLOADS and
# BENCH_TRANSPORTS (comma-separated filters), BENCH_JAVA_OPTS and BENCH_WORKER_JAVA_OPTS (extra
# JVM options for the client and for the benchmark's worker JVMs, e.g. to record a JFR profile).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

MODE=quick
PIN=none
PEERS=true
OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) MODE=quick ;;
    --full) MODE=full ;;
    --charts) MODE=charts ;;
    --call-cost) MODE=call-cost ;;
    --pin) PIN="$2"; shift ;;
    --no-peers) PEERS=false ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if [[ -z "$OUT" ]]; then
  if [[ "$MODE" == full || "$MODE" == charts ]]; then OUT="$ROOT/benchmarks/results/latest.md"; else OUT="$ROOT/benchmarks/target/quick.md"; fi
fi
log() { echo "[run.sh] $*" >&2; }

# ---- build (incremental; a few seconds when .ci/run's mvn verify has built the project) ----
# -DskipTests, not -Dmaven.test.skip: the transports depend on rpc-core's test jar, which the latter does not build
mvn -B -q -DskipTests package -pl benchmarks -am
if [[ "$MODE" == charts ]]; then
  [[ -f "$OUT" ]] || { echo "no report at $OUT" >&2; exit 2; }
  exec java -cp benchmarks/target/classes dev.arrowrpc.bench.charts.SvgCharts "$OUT"
fi
if [[ "$MODE" == call-cost ]]; then
  cost_java=(java -XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED
    --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -Xms256m -Xmx1g -XX:+UseParallelGC
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${BENCH_JAVA_OPTS:-}
    -cp "benchmarks/target/classes:benchmarks/target/lib/*")
  cost_args=("${CALL_COST_WARM:-20000}" "${CALL_COST_CALLS:-5000}" "${CALL_COST_ROUNDS:-7}")
  report="$ROOT/benchmarks/target/call-cost.md"
  "${cost_java[@]}" dev.arrowrpc.bench.CallCost "${cost_args[@]}" "$report"
  if [[ -n "${BENCH_JAVA_OPTS:-}" && "$BENCH_JAVA_OPTS" == *callcost.only* ]]; then
    exit 0 # one row, for profiling: no report to extend
  fi
  # the same rows with both threads on one CPU: the hand-off is a context switch with warm caches,
  # not a wake-up of another (possibly idle, cold) virtual CPU, so the ratios are the code's
  if command -v taskset > /dev/null && (( $(nproc) > 1 )); then
    log "call-cost: the same rows on one CPU (taskset -c 0)"
    taskset -c 0 "${cost_java[@]}" dev.arrowrpc.bench.CallCost "${cost_args[@]}" "$ROOT/benchmarks/target/call-cost-one-cpu.md" > /dev/null
    { echo; echo "### The same rows, client and server threads on one CPU (\`taskset -c 0\`)"; echo
      grep '^|' "$ROOT/benchmarks/target/call-cost-one-cpu.md"; } >> "$report"
  fi
  if (( $(nproc) > 1 )); then
    log "call-cost: call by call with the pipe's polling off"
    "${cost_java[@]}" -Darrowrpc.pipe.spinMicros=0 -Dcallcost.pairsOnly=true dev.arrowrpc.bench.CallCost \
      "${cost_args[@]}" "$ROOT/benchmarks/target/call-cost-blocking.md" > /dev/null
    cat "$ROOT/benchmarks/target/call-cost-blocking.md" >> "$report"
  fi
  log "call-cost: each side's code alone (SideCost)"
  { echo; echo "### Each side's code alone (\`SideCost\`: one thread per side, recorded requests and answers)"
    echo; echo '```'; "${cost_java[@]}" dev.arrowrpc.bench.SideCost 96000 5; echo '```'; } >> "$report"
  sed -n '/^### The same rows/,$p' "$report"
  exit 0
fi
mkdir -p benchmarks/target/work
: > benchmarks/target/work/workers.log

# ---- peers -------------------------------------------------------------------------------
PEER_PROPS=()
VGI_RPC_VERSION=0.52.2
PY_REASON="not measured"
if [[ "$PEERS" == true ]]; then
  # Python reference worker: pip package vgi-rpc[http,conformance]==$VGI_RPC_VERSION in a venv kept
  # across runs. Quick mode never builds an interpreter (that takes minutes); full mode may.
  PY=""
  # a candidate counts only if it runs and is >= 3.13 (a pyenv shim on the PATH may name a version
  # that is not selected, and then fails)
  for cand in "${VGI_PYTHON:-}" "$HOME/.cache/arrow-rpc/python3.13/bin/python3.13" "$(command -v python3.13 || true)"; do
    if [[ -n "$cand" && -x "$cand" ]] \
        && "$cand" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else 1)' >/dev/null 2>&1; then
      PY="$cand"; break
    fi
  done
  if [[ -z "$PY" && "$MODE" == full && -x "$ROOT/../shared/tools/python313.sh" ]]; then
    PY="$("$ROOT/../shared/tools/python313.sh" || true)"
  fi
  if [[ -n "$PY" ]]; then
    VENV="$HOME/.cache/arrow-rpc/bench-venv-vgi-rpc-$VGI_RPC_VERSION"
    if [[ ! -x "$VENV/bin/vgi-rpc-conformance" ]]; then
      log "installing vgi-rpc[http,conformance]==$VGI_RPC_VERSION into $VENV"
      rm -rf "$VENV"
      if ! { "$PY" -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check \
          "vgi-rpc[http,conformance]==$VGI_RPC_VERSION"; } >&2; then
        PY_REASON="pip install vgi-rpc==$VGI_RPC_VERSION failed"
        rm -rf "$VENV"
      fi
    fi
    if [[ -x "$VENV/bin/vgi-rpc-conformance" ]]; then
      PEER_PROPS+=("-Dbench.python=$VENV/bin/vgi-rpc-conformance"
        "-Dbench.pythonVersion=vgi-rpc $VGI_RPC_VERSION ($("$VENV/bin/python" -c 'import platform; print("CPython", platform.python_version())'))")
    fi
  else
    PY_REASON="no Python >= 3.13 here (set VGI_PYTHON, or run --full to build one)"
  fi
  PEER_PROPS+=("-Dbench.pythonReason=$PY_REASON")

  # Go reference worker: go install through the module proxy, pinned.
  # The pin is the project's (conformance/go-peer.version, shared with the conformance client matrix).
  GO_PIN="$(grep -v '^#' conformance/go-peer.version 2>/dev/null | grep -m1 . || true)"
  GO_MODULE="${GO_PIN%@*}"
  [[ -n "$GO_MODULE" ]] || GO_MODULE=github.com/Query-farm/vgi-rpc-go/conformance/cmd/vgi-rpc-conformance-go
  GO_VERSION="${VGI_RPC_GO_VERSION:-${GO_PIN##*@}}"
  [[ -n "$GO_VERSION" && "$GO_VERSION" != "$GO_PIN" ]] || GO_VERSION=v0.25.0
  GO_BIN="${VGI_GO_WORKER:-${VGI_GO_PEER:-}}"
  if [[ -z "$GO_BIN" && -x conformance/target/go-bin/vgi-rpc-conformance-go ]]; then
    GO_BIN="$ROOT/conformance/target/go-bin/vgi-rpc-conformance-go"
  fi
  GO_REASON="not installed"
  if [[ -z "$GO_BIN" ]] && command -v go >/dev/null; then
    GOBIN_DIR="$HOME/.cache/arrow-rpc/bench-go-$GO_VERSION"
    if [[ -x "$GOBIN_DIR/vgi-rpc-conformance-go" ]]; then
      GO_BIN="$GOBIN_DIR/vgi-rpc-conformance-go"
    elif [[ "$MODE" == full ]]; then
      log "go install $GO_MODULE@$GO_VERSION"
      if out="$(GOBIN="$GOBIN_DIR" timeout 300 go install "$GO_MODULE@$GO_VERSION" 2>&1)"; then
        GO_BIN="$GOBIN_DIR/vgi-rpc-conformance-go"
      else
        GO_REASON="go install $GO_MODULE@$GO_VERSION failed: $(echo "$out" | grep -m1 -oE '[0-9]{3} [A-Za-z ]+|not available|cannot find.*' || echo "${out##*$'\n'}")"
        log "$GO_REASON"
      fi
    else
      GO_REASON="not installed (quick mode does not go install; run --full, or set VGI_GO_WORKER)"
    fi
  elif [[ -z "$GO_BIN" ]]; then
    GO_REASON="no Go toolchain here"
  fi
  if [[ -n "$GO_BIN" ]]; then
    # the column names the build: the pinned module, or what VGI_GO_LABEL says of a worker given by path
    if [[ -n "${VGI_GO_WORKER:-${VGI_GO_PEER:-}}" ]]; then GO_LABEL="${VGI_GO_LABEL:-Go (worker from VGI_GO_WORKER)}"
    else GO_LABEL="Go vgi-rpc-go $GO_VERSION"; fi
    PEER_PROPS+=("-Dbench.go=$GO_BIN" "-Dbench.goName=$GO_LABEL")
  fi
  PEER_PROPS+=("-Dbench.goReason=$GO_REASON")

  # The project's own conformance worker, when its module is built.
  # Its launcher stops at C1 and uses SerialGC for a quick first call; measure it in steady state,
  # with the compiler and collector the benchmark worker uses.
  if [[ -x conformance/bin/conformance-worker && -f conformance/target/conformance-worker.jar ]]; then
    PEER_PROPS+=("-Dbench.javaConformance=$ROOT/conformance/bin/conformance-worker")
    export CONFORMANCE_WORKER_JAVA_OPTS="${CONFORMANCE_WORKER_JAVA_OPTS:--XX:TieredStopAtLevel=4 -XX:-UseSerialGC -XX:+UseParallelGC -Xms256m -Xmx2g}"
  fi
fi

# ---- pinning -----------------------------------------------------------------------------
CLIENT_PREFIX=()
PIN_PROPS=()
case "$PIN" in
  none) PIN_PROPS+=("-Dbench.pin=none (scheduler's choice)") ;;
  split) CLIENT_PREFIX=(taskset -c 0); PIN_PROPS+=("-Dbench.workerCpus=1" "-Dbench.pin=split: client JVM on CPU 0, workers on CPU 1 (taskset)") ;;
  same) CLIENT_PREFIX=(taskset -c 0); PIN_PROPS+=("-Dbench.workerCpus=0" "-Dbench.pin=same: client JVM and workers all on CPU 0 (taskset)") ;;
  *) echo "--pin takes none, split or same" >&2; exit 2 ;;
esac

# the commit measured, for the report's header (and the charts' captions)
COMMIT="$(git rev-parse --short=12 HEAD 2>/dev/null || true)"
if [[ -n "$COMMIT" ]] && ! git diff --quiet HEAD -- 2>/dev/null; then COMMIT="$COMMIT with uncommitted changes"; fi

ARROW_FLAGS=(-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
# shellcheck disable=SC2086
exec "${CLIENT_PREFIX[@]}" java "${ARROW_FLAGS[@]}" -Xms256m -Xmx2g -XX:+UseParallelGC \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${BENCH_JAVA_OPTS:-} \
  -Dbench.mode="$MODE" -Dbench.out="$OUT" -Dbench.commit="$COMMIT" \
  -Dbench.workloads="${BENCH_WORKLOADS:-}" -Dbench.transports="${BENCH_TRANSPORTS:-}" \
  -Dbench.workerJvmOpts="${BENCH_WORKER_JAVA_OPTS:-}" \
  -Dbench.peers="$PEERS" -Dbench.logDir="$ROOT/benchmarks/target/work" \
  -Dbench.socketDir="${TMPDIR:-/tmp}/arrowrpc-bench" \
  -Dbench.analysis="$ROOT/benchmarks/results/analysis.md" \
  "${PIN_PROPS[@]}" "${PEER_PROPS[@]}" \
  -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.arrowrpc.bench.BenchMain
