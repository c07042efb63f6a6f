#!/usr/bin/env bash
# Usage: examples/run.sh [pipe|unix|tcp|http]   (default: pipe)
#
# Builds what the example needs, then runs the README's Quick Start: the calculator called through a
# typed proxy (a unary call, a producer stream, an exchange stream) over the transport named. Over
# pipes the worker is launched as a subprocess; over a Unix socket, TCP or HTTP the demo serves the
# calculator in-process and connects to it. Prints examples/expected-output.txt on every transport.
set -euo pipefail
transport="${1:-pipe}"
case "$transport" in
  pipe|unix|tcp|http) ;;
  *) echo "usage: $0 [pipe|unix|tcp|http]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
# the build writes to stderr, so stdout holds only what the demo prints
mvn -B -q -DskipTests install -pl examples -am >&2
# The flags Arrow needs on JDK 17 and newer (see the README's "JVM flags").
ARROW_FLAGS=(-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
exec java "${ARROW_FLAGS[@]}" -cp "examples/target/classes:examples/target/lib/*" \
  dev.arrowrpc.examples.CalculatorDemo "$transport"
