#!/usr/bin/env bash
# Usage: examples/run.sh [pipe|unix|tcp|http|flight]   (default: pipe)
#        examples/run.sh serve-flight [PORT]            (default port 8815)
#
# Builds what the example needs, then runs the README's Quick Start: the calculator called through a
# typed proxy (a unary call, a producer stream, an exchange stream) over the transport named. Over
# pipes the worker is launched as a subprocess; over a Unix socket, TCP, HTTP or Arrow Flight the demo
# serves the calculator in-process and connects to it. Prints examples/expected-output.txt on every
# transport. serve-flight serves the calculator over Arrow Flight until stopped (Ctrl-C), for stock
# Flight clients such as examples/python/calculator_flight.py.
set -euo pipefail
transport="${1:-pipe}"
main=dev.arrowrpc.examples.CalculatorDemo
args=("$transport")
case "$transport" in
  pipe|unix|tcp|http|flight) ;;
  serve-flight) main=dev.arrowrpc.examples.CalculatorFlightServer; args=("${2:-8815}") ;;
  *) echo "usage: $0 [pipe|unix|tcp|http|flight] | $0 serve-flight [PORT]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
# the build writes to stderr, so stdout holds only what the demo prints
mvn -B -q -DskipTests install -pl examples -am >&2
# The flags Arrow needs on JDK 17 and newer (see the README's "JVM flags").
ARROW_FLAGS=(-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
exec java "${ARROW_FLAGS[@]}" -cp "examples/target/classes:examples/target/lib/*" \
  "$main" "${args[@]}"
