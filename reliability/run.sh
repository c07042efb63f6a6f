#!/usr/bin/env bash
# The reliability harness: hostile input, slow clients, faults and load against the conformance
# worker over stdio, a Unix socket, TCP and HTTP (see reliability/README.md).
#
#   reliability/run.sh [--quick | --full] [--seed N] [--surfaces pipe,unix,tcp,http] [--no-load | --load-only]
#
# --quick (the default, run by CI) makes at least 1,000 cases per surface; --full at least 10,000.
# The last two lines are `total: cases=N hangs=H crashes=C leaks=L` and `reliability: N passed, N
# failed`; the exit status is non-zero unless every case passed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
export MAVEN_OPTS="${MAVEN_OPTS:-} -XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED"
offline=()
if [[ "${RELIABILITY_OFFLINE:-}" == 1 ]]; then offline=(-o); fi
if [[ "${RELIABILITY_SKIP_BUILD:-}" != 1 ]]; then
  (cd "$root" && mvn -B -q "${offline[@]}" -DskipTests package -pl conformance,reliability -am)
fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# the Arrow flags (README "JVM flags"); the harness's HTTP client (the JDK's, which keeps an idle
# connection 1,200 s and never resends a POST) drops idle connections after 20 s, before the worker's
# 60 s idle timeout closes them: otherwise a call that takes a connection idle since an earlier
# scenario (the TCP load runs 60 s between the HTTP ones) can meet the server's close ("header parser
# received no bytes"), a client-side race that says nothing of the server
exec "$java_bin" --add-opens=java.base/java.nio=ALL-UNNAMED -XX:+IgnoreUnrecognizedVMOptions \
  --enable-native-access=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dreliability.root="$root" \
  -Djdk.httpclient.keepalive.timeout=20 \
  -jar "$here/target/reliability.jar" "$@"
