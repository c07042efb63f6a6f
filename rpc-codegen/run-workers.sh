#!/usr/bin/env bash
# The command line and the interface generator against real workers (issue 16's acceptance), after the
# README's build (`mvn -B verify`: it packages the conformance worker and the command-line jar):
#   1. bin/arrow-rpc describe --cmd conformance/bin/conformance-worker --format json must list every
#      method the Python reference's conformance worker lists (ConformanceService and
#      conformance.Secondary.v1): the two workers serve the same protocols;
#   2. bin/arrow-rpc generate --cmd "<the reference worker>" --package gen.conf --out DIR writes sources
#      that javac --release 17 compiles, with rpc-codegen's processor on the processor path, and the
#      protocol hash the processor computes from each interface (its descriptor's PROTOCOL_HASH) is the
#      one the reference published (the interface's PROTOCOL_HASH);
#   3. the opt-in tests that call through generated interfaces and the command line against the reference
#      worker (ReferenceWorkerTest, WorkerCliTest) run with VGI_REFERENCE_WORKER set.
# Prints "codegen-workers: N checks passed" and exits 0, or names the failed check and exits 1.
#   VGI_PYTHON=python3.13 rpc-codegen/run-workers.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export MAVEN_OPTS="${MAVEN_OPTS:-} -XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED"

# the reference's virtualenv (the pinned vgi-rpc) and our worker's jar, as the conformance scripts make them
conformance/run-reference-suite.sh --prepare >&2
reference="$root/conformance/target/venv/bin/vgi-rpc-conformance --describe"
[[ -x "$root/conformance/target/venv/bin/vgi-rpc-conformance" ]] \
  || { echo "codegen-workers: no vgi-rpc-conformance in conformance/target/venv" >&2; exit 1; }
export ARROW_RPC_NO_BUILD=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
checks=0
fail() { echo "codegen-workers: FAILED: $*" >&2; exit 1; }

# 1. describe our worker; every method the reference worker lists is in it, and the method sets match
bin/arrow-rpc describe --cmd conformance/bin/conformance-worker --format json > "$work/ours.json" \
  || fail "describe of conformance/bin/conformance-worker"
bin/arrow-rpc list --cmd "$reference" > "$work/reference.list" || fail "list of the reference worker"
conformance/target/venv/bin/python - "$work/ours.json" "$work/reference.list" <<'PY' || fail "describe of our worker"
import json, sys
ours = json.load(open(sys.argv[1]))
described = {(p["protocol"], m["name"]) for p in ours["protocols"] for m in p["methods"]}
listed = set()
for line in open(sys.argv[2]):
    name = line.split()[0]
    protocol, _, method = name.rpartition(".")
    if protocol != "vgi_rpc.Reflection.v1":
        listed.add((protocol, method))
wanted = {p for p in listed if p[0] in ("ConformanceService", "conformance.Secondary.v1")}
missing = sorted(wanted - described)
extra = sorted(p for p in described - listed if p[0] in ("ConformanceService", "conformance.Secondary.v1"))
if len(wanted) < 50 or missing or extra:
    sys.exit(f"reference lists {len(wanted)}; missing from ours: {missing}; not in the reference: {extra}")
print(f"describe: our worker lists all {len(wanted)} ConformanceService and Secondary methods", file=sys.stderr)
PY
checks=$((checks + 1))

# 2. generate from the reference worker and compile
bin/arrow-rpc generate --cmd "$reference" --package gen.conf --out "$work/gen" >&2 || fail "generate"
mapfile -t sources < <(find "$work/gen" -name '*.java')
(( ${#sources[@]} >= 2 )) || fail "generate wrote ${#sources[@]} sources, expected ConformanceService and Secondary"
classpath="$(ls rpc-core/target/rpc-core-*.jar | grep -v -e sources -e javadoc -e tests | head -1)"
(cd rpc-core && mvn -B -q -o -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile="$work/core.classpath" >&2)
classpath="$classpath:$(cat "$work/core.classpath")"
javac --release 17 -Xlint:all -Werror -cp "$classpath" -d "$work/classes" "${sources[@]}" >&2 \
  || fail "the generated sources do not compile"
checks=$((checks + 1))
# the processor needs rpc-core and its libraries, nothing of its module's own (those serve the command line)
processor="$(ls rpc-codegen/target/rpc-codegen-*.jar | grep -v -e sources -e javadoc -e cli | head -1)"
# -processing: the processor claims no annotation (others may read @RpcService too), which lint reports
javac --release 17 -Xlint:all,-processing -Werror -cp "$classpath" -processorpath "$processor:$classpath" \
  -d "$work/processed" -s "$work/descriptors" "${sources[@]}" >&2 \
  || fail "the generated sources do not compile with the processor"
hashes=0
for source in "${sources[@]}"; do
  name="$(basename "$source" .java)"
  published="$(sed -n 's/^ *String PROTOCOL_HASH = "\([0-9a-f]*\)";/\1/p' "$source")"
  computed="$(sed -n 's/^ *public static final String PROTOCOL_HASH = "\([0-9a-f]*\)";/\1/p' \
    "$work/descriptors/gen/conf/${name}_ArrowRpc.java" 2>/dev/null)"
  [[ -n "$published" && "$published" == "$computed" ]] \
    || fail "$name: the reference published protocol hash '$published', the processor computed '$computed'"
  hashes=$((hashes + 1))
done
echo "generate: the processor's compile-time protocol hash is the reference's for all $hashes protocols" >&2
checks=$((checks + 1))

# 3. calls through the generated interfaces and the command line, against the reference worker
VGI_REFERENCE_WORKER="$reference" mvn -B -q -o -Dstyle.color=never surefire:test -pl rpc-codegen \
  -Dtest='ReferenceWorkerTest,WorkerCliTest' -Dsurefire.failIfNoSpecifiedTests=false >&2 \
  || fail "ReferenceWorkerTest / WorkerCliTest against the reference worker"
for report in dev.arrowrpc.codegen.ReferenceWorkerTest dev.arrowrpc.codegen.cli.WorkerCliTest; do
  grep -q "Skipped: 0," "rpc-codegen/target/surefire-reports/$report.txt" 2>/dev/null \
    || fail "$report did not run every test (see rpc-codegen/target/surefire-reports/$report.txt)"
done
checks=$((checks + 1))
echo "codegen-workers: $checks checks passed"
