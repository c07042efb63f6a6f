#!/usr/bin/env bash
# Profiles one call shape of SideCost (each side's code alone, on one thread) with async-profiler and
# prints, per side, the frames with the most CPU samples. A development tool: it fetches async-profiler
# (tools.profiler:async-profiler on Maven Central, a jar holding the native agent) into benchmarks/target
# on first use; nothing of it is a dependency of the project. See benchmarks/README.md ("Profiling").
#
#   benchmarks/profile.sh [SHAPE] [CALLS] [ROUNDS]
#     SHAPE   noop, small, mixed or mixed~ (default mixed)
#     CALLS   calls per round (default 400000), ROUNDS (default 10)
# Writes benchmarks/target/profile-SHAPE.collapsed (collapsed stacks: one line per stack and its samples).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SHAPE="${1:-mixed}"
CALLS="${2:-400000}"
ROUNDS="${3:-10}"
VERSION=3.0
[[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] || { echo "profile.sh: Linux x86-64 only" >&2; exit 2; }

mvn -B -q -DskipTests package -pl benchmarks -am
dir="benchmarks/target/profiler"
agent="$dir/linux-x64/libasyncProfiler.so"
if [[ ! -f "$agent" ]]; then
  mkdir -p "$dir"
  mvn -B -q dependency:copy -Dartifact="tools.profiler:async-profiler:$VERSION" -DoutputDirectory="$dir"
  (cd "$dir" && unzip -q -o "async-profiler-$VERSION.jar" 'linux-x64/*')
fi
out="benchmarks/target/profile-${SHAPE//\~/-changing}.collapsed"
java -agentpath:"$ROOT/$agent=start,event=cpu,interval=397us,file=$ROOT/$out,collapsed" \
  -XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dsidecost.only="$SHAPE" \
  -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.arrowrpc.bench.SideCost "$CALLS" "$ROUNDS"
for side in serverCost clientCost; do
  echo
  java -cp benchmarks/target/classes dev.arrowrpc.bench.CollapsedStacks "$out" "SideCost.$side"
done
