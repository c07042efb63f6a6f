#!/usr/bin/env bash
# Runs the client matrix: arrow-rpc's typed client (the JUnit contract ConformanceClientContract)
# calls every ConformanceService method against three conformance workers, each over each transport:
#
#   python  the reference's own worker, vgi-rpc-conformance from the pinned pip package
#           (conformance/requirements.txt, in the virtualenv run-reference-suite.sh uses)
#   go      the Go implementation's worker, vgi-rpc-conformance-go, `go install`ed at the version
#           pinned in conformance/go-peer.version into conformance/target/go-bin
#   java    this project's worker, conformance/bin/conformance-worker
#
#   conformance/run-client-matrix.sh [PEER|TRANSPORT|PEER:TRANSPORT ...]
#
# Peers: python go java; transports: pipe unix tcp http (default: every combination). A bare peer or
# transport selects its row or column. Stdout gets one line per cell,
#   python unix: 50 passed, 0 failed
#   go pipe: skipped (reason)
# then a total; failures are detailed on stderr, worker stderr goes to
# conformance/target/client-matrix/<peer>-<transport>.stderr. A cell whose peer is missing (no
# Python 3.13, a Go worker that cannot be installed) or does not serve the transport is skipped
# with the reason and does not fail the run.
#
# Exit status: 0 when no test failed in any cell that ran, 1 otherwise, 2 on a setup problem.
#
# Environment: VGI_PYTHON (as run-reference-suite.sh); VGI_GO_PEER=/path/to/vgi-rpc-conformance-go
# uses a ready binary instead of installing one; ARROWRPC_MATRIX_ONLY=test1,test2 runs only those
# contract tests (debugging).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="$here/target"
out="$target/client-matrix"
log() { echo "[client-matrix] $*" >&2; }
die() { log "$*"; exit 2; }

peers=(python go java)
transports=(pipe unix tcp http)
cells=()
for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    python|go|java) for t in "${transports[@]}"; do cells+=("$arg:$t"); done ;;
    pipe|unix|tcp|http) for p in "${peers[@]}"; do cells+=("$p:$arg"); done ;;
    *:*)
      [[ " ${peers[*]} " == *" ${arg%%:*} "* && " ${transports[*]} " == *" ${arg#*:} "* ]] \
        || die "unknown cell '$arg' (peers: ${peers[*]}; transports: ${transports[*]})"
      cells+=("$arg") ;;
    *) die "unknown argument '$arg' (peers: ${peers[*]}; transports: ${transports[*]})" ;;
  esac
done
if [[ ${#cells[@]} -eq 0 ]]; then
  for p in "${peers[@]}"; do for t in "${transports[@]}"; do cells+=("$p:$t"); done; done
fi
wants() { [[ " ${cells[*]} " == *" $1:"* ]]; }
mkdir -p "$out"
props=(-Darrowrpc.matrix.scratch="$out")

# ------------------------------------------------------------------ python: the pinned reference
if wants python; then
  # shellcheck source=python-env.sh
  source "$here/python-env.sh"
  # in a subshell, so that a missing Python skips the python cells instead of ending the run
  set +e
  (set -e; ensure_venv)
  venv_status=$?
  set -e
  if [[ $venv_status -eq 0 ]]; then
    props+=(-Darrowrpc.matrix.command.python="$target/venv/bin/vgi-rpc-conformance")
  else
    props+=(-Darrowrpc.matrix.unavailable.python="no virtualenv with the pinned vgi-rpc (Python >= 3.13 needed; see stderr)")
  fi
fi

# ------------------------------------------------------------------ go: the pinned Go worker
if wants go; then
  pin="$(grep -v '^\s*#' "$here/go-peer.version" | grep -m1 .)"
  gobin="$target/go-bin"
  binary="$gobin/vgi-rpc-conformance-go"
  if [[ -n "${VGI_GO_PEER:-}" ]]; then
    [[ -x "$VGI_GO_PEER" ]] || die "VGI_GO_PEER=$VGI_GO_PEER is not an executable"
    props+=(-Darrowrpc.matrix.command.go="$VGI_GO_PEER")
    log "go: $VGI_GO_PEER (VGI_GO_PEER)"
  elif [[ -x "$binary" && "$(cat "$gobin/.installed" 2>/dev/null)" == "$pin" ]]; then
    props+=(-Darrowrpc.matrix.command.go="$binary")
    log "go: $binary ($pin)"
  elif ! command -v go >/dev/null; then
    props+=(-Darrowrpc.matrix.unavailable.go="no go toolchain on PATH to install $pin")
  else
    log "go: installing $pin into $gobin"
    mkdir -p "$gobin"
    rm -f "$gobin/.installed"
    if GOBIN="$gobin" timeout 300 go install "$pin" > "$out/go-install.log" 2>&1; then
      echo "$pin" > "$gobin/.installed"
      props+=(-Darrowrpc.matrix.command.go="$binary")
    else
      # the module proxy's refusal reads "reading https://proxy...: 403 Forbidden / server response: ..."
      reason="$(grep -v '^go: downloading' "$out/go-install.log" | tail -n 3 | tr '\n\t' '  ' \
        | sed -E 's/.*reading https?:\/\/[^ ]*: (.*)/the module proxy answered \1/; s/ +/ /g; s/ $//')"
      log "go: install failed (log: $out/go-install.log)"
      props+=(-Darrowrpc.matrix.unavailable.go="go install $pin failed: ${reason:-see $out/go-install.log}")
    fi
  fi
fi

# ------------------------------------------------------------------ java: the worker, and the contract
# One Maven run builds the worker (as run-reference-suite.sh does), compiles the contract and writes
# the test class path; the CDS archive must come from the java that runs the worker.
log "building the worker and the client contract (mvn -B -q -DskipTests package -pl conformance -am)"
(cd "$root" && mvn -B -q -DskipTests package dependency:build-classpath -pl conformance -am \
  -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt") >&2 || die "the build failed"
touch "$target/.worker-built"
"$here/bin/conformance-worker" --build-cds-archive >&2 || log "no class-data-sharing archive (slower start)"
props+=(-Darrowrpc.matrix.command.java="$here/bin/conformance-worker")
if [[ -n "${ARROWRPC_MATRIX_ONLY:-}" ]]; then
  props+=(-Darrowrpc.matrix.only="$ARROWRPC_MATRIX_ONLY")
fi

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"; else java=java; fi
classpath="$here/target/test-classes:$here/target/classes:$(cat "$out/classpath.txt")"
set +e
"$java" -XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classpath" "${props[@]}" \
  dev.arrowrpc.conformance.ClientMatrix "${cells[@]}"
status=$?
set -e
exit "$status"
