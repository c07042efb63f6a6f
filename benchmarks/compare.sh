#!/usr/bin/env bash
# Compares another build of arrow-rpc (A, e.g. a clone checked out at a base commit) with this
# tree (B) in one sitting: ROUNDS rounds, each one quick benchmark run of each build, alternating
# which build goes first (A B, B A, A B, ...), every run a fresh JVM with the same flags.
# Writes benchmarks/target/compare.md: per workload and transport, each build's median of its
# runs' medians, the B/A ratio of each round's pair (median and range) and the allocation per call.
#
#   benchmarks/compare.sh BASE_DIR [--rounds N] [--build-base]
#
#   BASE_DIR      a checkout of arrow-rpc whose benchmarks are built (benchmarks/target/classes and
#                 benchmarks/target/lib), e.g. `git worktree add /tmp/base <commit>` then
#                 `mvn -B -q -DskipTests package -pl benchmarks -am` there (or pass --build-base)
#   --rounds N    rounds (default 6)
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
BUILD_BASE=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift ;;
    --build-base) BUILD_BASE=true ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "unknown argument: $1" >&2; exit 2 ;;
    *) BASE="$(cd "$1" && pwd)" ;;
  esac
  shift
done
[[ -n "$BASE" ]] || { echo "usage: benchmarks/compare.sh BASE_DIR [--rounds N] [--build-base]" >&2; exit 2; }
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
label() { (cd "$1" && git log -1 --format='%h %s' 2>/dev/null | cut -c1-60) || echo "$1"; }

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
  (cd "$dir" && java "${ARROW_FLAGS[@]}" -Xms256m -Xmx2g -XX:+UseParallelGC \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${BENCH_JAVA_OPTS:-} \
    -Dbench.mode=quick -Dbench.out="$out" \
    -Dbench.workloads="${BENCH_WORKLOADS:-noop,echo_stream_1m}" \
    -Dbench.transports="${BENCH_TRANSPORTS:-in-process pipe,subprocess pipe}" \
    -Dbench.workerJvmOpts="${BENCH_WORKER_JAVA_OPTS:-}" -Dbench.peers=false \
    -Dbench.logDir="$dir/benchmarks/target/work" -Dbench.socketDir="${TMPDIR:-/tmp}/arrowrpc-bench" \
    "-Dbench.pin=none (scheduler's choice)" \
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
java -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.arrowrpc.bench.Compare \
  "$ROOT/benchmarks/target/compare.md" "$(label "$BASE")" "$(label "$ROOT")" "${REPORTS[@]}"
log "written to benchmarks/target/compare.md (runs in benchmarks/target/compare/)"
