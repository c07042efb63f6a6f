#!/usr/bin/env bash
# Compares another build of arrow-rpc (A, e.g. a clone checked out at a base commit) with this
# tree (B) in one sitting: ROUNDS rounds, each one quick benchmark run of each build, alternating
# which build goes first (A B, B A, A B, ...), every run a fresh JVM with the same flags.
# Writes benchmarks/target/compare.md: per workload and transport, each build's median of its
# runs' medians, the B/A ratio of each round's pair (median and range), the same ratio with each
# median taken relative to the raw-channel operation its run interleaved with it (over the
# subprocess pipe: a ping-pong, a copy; it cancels much of the load's swing), and the allocation
# per call; then allocation and time per call in steady state, thread by thread (AllocationProbe).
#
#   benchmarks/compare.sh BASE_DIR [--rounds N] [--pin none|same|split] [--build-base]
#
#   BASE_DIR      a checkout of arrow-rpc whose benchmarks are built (benchmarks/target/classes and
#                 benchmarks/target/lib), e.g. `git worktree add /tmp/base <commit>` then
#                 `mvn -B -q -DskipTests package -pl benchmarks -am` there (or pass --build-base)
#   --rounds N    rounds (default 6)
#   --pin         as for run.sh: none (default), same (every process on CPU 0: no cross-CPU
#                 wake-ups, the steadiest per-call latency on a busy machine), split (client on
#                 CPU 0, workers on CPU 1)
#   --build-base  build BASE_DIR's benchmarks first (mvn package, never install)
#
# Environment: BENCH_WORKLOADS (default noop,echo_stream_1m), BENCH_TRANSPORTS (default
# "in-process pipe,subprocess pipe"), BENCH_JAVA_OPTS, BENCH_WORKER_JAVA_OPTS, MVN_FLAGS (e.g. -o).
# Each build runs its own harness (its benchmarks module), so builds with different APIs compare;
# the harnesses must produce the same workload tables (they have since issue 6).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

BASE=""
ROUNDS=6
PIN=none
BUILD_BASE=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift ;;
    --pin) PIN="$2"; shift ;;
    --build-base) BUILD_BASE=true ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    -*) echo "unknown argument: $1" >&2; exit 2 ;;
    *) BASE="$(cd "$1" && pwd)" ;;
  esac
  shift
done
[[ -n "$BASE" ]] || { echo "usage: benchmarks/compare.sh BASE_DIR [--rounds N] [--pin none|same|split] [--build-base]" >&2; exit 2; }
CLIENT_PREFIX=()
case "$PIN" in
  none) PIN_PROPS=("-Dbench.pin=none (scheduler's choice)") ;;
  same) CLIENT_PREFIX=(taskset -c 0); PIN_PROPS=("-Dbench.workerCpus=0" "-Dbench.pin=same: client JVM and workers all on CPU 0 (taskset)") ;;
  split) CLIENT_PREFIX=(taskset -c 0); PIN_PROPS=("-Dbench.workerCpus=1" "-Dbench.pin=split: client JVM on CPU 0, workers on CPU 1 (taskset)") ;;
  *) echo "--pin takes none, same or split" >&2; exit 2 ;;
esac
log() { echo "[compare.sh] $*" >&2; }

# shellcheck disable=SC2086
mvn -B -q ${MVN_FLAGS:-} -DskipTests package -pl benchmarks -am
if [[ "$BUILD_BASE" == true ]]; then
  # shellcheck disable=SC2086
  (cd "$BASE" && mvn -B -q ${MVN_FLAGS:-} -DskipTests package -pl benchmarks -am)
fi
for dir in "$BASE" "$ROOT"; do
  if [[ ! -d "$dir/benchmarks/target/classes" || ! -d "$dir/benchmarks/target/lib" ]]; then
    echo "$dir: benchmarks not built (mvn -B -q -DskipTests package -pl benchmarks -am there)" >&2
    exit 2
  fi
done
# a build's name: its directory and commit (with "+ changes" when its tree differs from the commit)
label() {
  local commit dirty=""
  commit="$(git -C "$1" log -1 --format=%h 2>/dev/null)" || { echo "$1"; return; }
  git -C "$1" diff --quiet HEAD -- 2>/dev/null || dirty=" + changes"
  echo "$1 at $commit$dirty"
}

OUT_DIR="$ROOT/benchmarks/target/compare"
rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR"
ARROW_FLAGS=(-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)

# one quick run of the build in $1, its report written to $2
run_one() {
  local dir="$1" out="$2"
  mkdir -p "$dir/benchmarks/target/work"
  # shellcheck disable=SC2086
  (cd "$dir" && "${CLIENT_PREFIX[@]}" java "${ARROW_FLAGS[@]}" -Xms256m -Xmx2g -XX:+UseParallelGC \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${BENCH_JAVA_OPTS:-} \
    -Dbench.mode=quick -Dbench.out="$out" \
    -Dbench.workloads="${BENCH_WORKLOADS:-noop,echo_stream_1m}" \
    -Dbench.transports="${BENCH_TRANSPORTS:-in-process pipe,subprocess pipe}" \
    -Dbench.workerJvmOpts="${BENCH_WORKER_JAVA_OPTS:-}" -Dbench.peers=false \
    -Dbench.logDir="$dir/benchmarks/target/work" -Dbench.socketDir="${TMPDIR:-/tmp}/arrowrpc-bench" \
    "${PIN_PROPS[@]}" \
    -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.arrowrpc.bench.BenchMain) \
    > "$out.log" 2>&1 || { log "run failed, see $out.log"; tail -5 "$out.log" >&2; exit 1; }
}

REPORTS=()
for ((r = 1; r <= ROUNDS; r++)); do
  if ((r % 2 == 1)); then order=(A B); else order=(B A); fi
  for build in "${order[@]}"; do
    log "round $r/$ROUNDS: $build"
    if [[ "$build" == A ]]; then run_one "$BASE" "$OUT_DIR/A-$r.md"; else run_one "$ROOT" "$OUT_DIR/B-$r.md"; fi
  done
  REPORTS+=("$OUT_DIR/A-$r.md" "$OUT_DIR/B-$r.md")
done

# steady-state allocation per call, thread by thread: AllocationProbe compiled against each build's
# harness (it uses only classes every harness since issue 6 has), after a warm-up long enough for the JIT
ALLOC="$OUT_DIR/allocation.md"
{
  echo
  echo "Allocation (and mean time) per call in steady state, \`AllocationProbe\`'s third round: noop after"
  echo "100000 warm-up calls, rounds of 100000; the 1M-row echo after 20, rounds of 20. \`main\` is the"
  echo "client thread, \`arrowrpc-pipe-server-*\` the server's; 'in all' counts every thread of the client JVM:"
  echo
  echo '```'
} > "$ALLOC"
for build in A B; do
  if [[ "$build" == A ]]; then dir="$BASE"; else dir="$ROOT"; fi
  mkdir -p "$OUT_DIR/probe-$build"
  javac -nowarn -d "$OUT_DIR/probe-$build" -cp "$dir/benchmarks/target/classes:$dir/benchmarks/target/lib/*" \
    "$ROOT/benchmarks/src/main/java/dev/arrowrpc/bench/AllocationProbe.java"
  for run in "noop 100000 100000 in-process" "noop 100000 100000 subprocess" \
      "echo_stream_1m 20 20 in-process" "echo_stream_1m 20 20 subprocess"; do
    log "allocation: $build, $run"
    # shellcheck disable=SC2086
    line="$(cd "$dir" && "${CLIENT_PREFIX[@]}" java "${ARROW_FLAGS[@]}" -Xms256m -Xmx2g -XX:+UseParallelGC \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${BENCH_JAVA_OPTS:-} "${PIN_PROPS[@]}" \
      -Dbench.logDir="$dir/benchmarks/target/work" \
      -cp "$OUT_DIR/probe-$build:benchmarks/target/classes:benchmarks/target/lib/*" \
      dev.arrowrpc.bench.AllocationProbe $run 2>>"$OUT_DIR/allocation.log" | tail -1)"
    echo "$build: ${line#round 3: }" >> "$ALLOC"
  done
done
echo '```' >> "$ALLOC"

java -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.arrowrpc.bench.Compare \
  "$ROOT/benchmarks/target/compare.md" "$(label "$BASE")" "$(label "$ROOT") (pin: $PIN)" "${REPORTS[@]}"
cat "$ALLOC" | tee -a "$ROOT/benchmarks/target/compare.md"
log "written to benchmarks/target/compare.md (runs in benchmarks/target/compare/)"
