#!/usr/bin/env bash
# Proves the published coordinates, the BOM and the JVM flags the way a user meets them:
#   1. installs arrow-rpc's published artifacts (the BOM, the parent pom, rpc-core and the three
#      transports) and rpc-codegen (the annotation processor the consumer compiles with) into the
#      local Maven repository, as `mvn install` does until the first release;
#   2. builds examples/consumer, a standalone project with its own pom (no parent, not a module of
#      the build) that imports the BOM and compiles the examples module's Quick Start sources;
#   3. runs the Quick Start's CalculatorDemo on each transport the way the README tells users
#      (`mvn exec:exec -Dapp.args=<transport>`, which forks a JVM with the Arrow flags) and diffs
#      its stdout against examples/expected-output.txt;
#   4. lists what the consumer resolves, with the BOM and without it (examples/consumer/no-bom), and
#      fails if any com.fasterxml.jackson artifact resolves to another version than the BOM's.
# Every step runs even when an earlier check failed; the script exits non-zero if any check failed.
#
# Usage: examples/consumer/run.sh [pipe|unix|tcp|http|flight ...]   (default: all five)
# ARROWRPC_OFFLINE=1 runs Maven offline (-o), from what the local repository already holds.
set -euo pipefail
cd "$(dirname "$0")/../.."

CONSUMER=examples/consumer
EXPECTED=examples/expected-output.txt
OUT="$CONSUMER/target/run"
if (($# > 0)); then transports=("$@"); else transports=(pipe unix tcp http flight); fi
for t in "${transports[@]}"; do
  case "$t" in pipe|unix|tcp|http|flight) ;; *) echo "unknown transport: $t (pipe, unix, tcp, http, flight)" >&2; exit 2 ;; esac
done

MVN=(mvn -B -q)
if [[ "${ARROWRPC_OFFLINE:-0}" == 1 ]]; then MVN+=(-o); fi
failures=()
fail() { failures+=("$1"); echo "FAIL: $1"; }
# Maven's console (jansi) writes ANSI reset codes even in batch mode, around a forked program's
# output too: strip them from what is shown and compared.
strip_ansi() { sed $'s/\x1b\\[[0-9;]*m//g'; }
mvnq() { "${MVN[@]}" "$@" | strip_ansi; }

step_start=$SECONDS
mvnq -DskipTests install -pl bom,rpc-core,rpc-transport-pipe,rpc-transport-http,rpc-transport-flight,rpc-codegen -am
echo "consumer: installed the BOM, the parent pom, rpc-core, rpc-transport-pipe, rpc-transport-http, rpc-transport-flight, rpc-codegen ($((SECONDS - step_start)) s)"

step_start=$SECONDS
mvnq -f "$CONSUMER/pom.xml" clean package
mkdir -p "$OUT"
echo "consumer: built $CONSUMER with its own pom ($((SECONDS - step_start)) s)"

if [[ ! -f "$EXPECTED" ]]; then
  echo "consumer: $EXPECTED does not exist yet: checking only that each run exits with status 0"
fi
for t in "${transports[@]}"; do
  step_start=$SECONDS
  status=0
  timeout 300 "${MVN[@]}" -f "$CONSUMER/pom.xml" exec:exec -Dapp.args="$t" \
    >"$OUT/$t.raw" 2>"$OUT/$t.err" || status=$?
  strip_ansi <"$OUT/$t.raw" >"$OUT/$t.out"
  if ((status != 0)); then
    fail "CalculatorDemo $t exited with status $status"
    echo "its stdout, then the end of Maven's and its stderr:"
    cat "$OUT/$t.out"
    tail -n 40 "$OUT/$t.err"
  elif [[ -f "$EXPECTED" ]]; then
    if diff -u --label "$EXPECTED" --label "CalculatorDemo $t" "$EXPECTED" "$OUT/$t.out"; then
      echo "consumer: CalculatorDemo $t prints $EXPECTED ($((SECONDS - step_start)) s)"
    else
      fail "CalculatorDemo $t: stdout differs from $EXPECTED (diff above)"
    fi
  else
    echo "consumer: CalculatorDemo $t exited with status 0 ($((SECONDS - step_start)) s)"
  fi
done

# The Jackson version the BOM aligns: the version of the jackson-bom it imports. Since Jackson 2.20
# jackson-annotations carries only major.minor (2.22 beside 2.22.4), so that one may match either.
jackson=$(grep -A1 '<artifactId>jackson-bom</artifactId>' bom/pom.xml | sed -n 's:.*<version>\(.*\)</version>.*:\1:p')
if [[ -z "$jackson" ]]; then
  fail "cannot read the Jackson version from bom/pom.xml"
else
  for variant in "with the BOM:$CONSUMER/pom.xml" "without the BOM:$CONSUMER/no-bom/pom.xml"; do
    label=${variant%%:*}
    pom=${variant#*:}
    list="$(dirname "$pom")/target/dependencies.txt"
    if ! mvnq -f "$pom" dependency:collect -DoutputFile=target/dependencies.txt -DappendOutput=false; then
      fail "cannot list the dependencies of $pom"
      continue
    fi
    # lines look like: com.fasterxml.jackson.core:jackson-databind:jar:2.22.4:compile
    wrong=$(awk -F: -v want="$jackson" -v minor="${jackson%.*}" '
      $1 ~ /^ *com\.fasterxml\.jackson/ {
        group = $1; sub(/^ +/, "", group)
        if ($4 != want && !($2 == "jackson-annotations" && $4 == minor)) print "  " group ":" $2 " " $4
      }' "$list")
    found=$(grep -c 'com\.fasterxml\.jackson' "$list" || true)
    if [[ -n "$wrong" ]]; then
      fail "the consumer $label resolves Jackson to another version than the BOM's $jackson"
      echo "$wrong"
    else
      echo "consumer: $label, all $found Jackson artifacts resolve to the BOM's $jackson"
    fi
  done
fi

if ((${#failures[@]} > 0)); then
  echo "consumer: ${#failures[@]} check(s) failed:"
  printf '  %s\n' "${failures[@]}"
  exit 1
fi
echo "consumer: all checks passed"
