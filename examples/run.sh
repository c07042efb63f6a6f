#!/usr/bin/env bash
# Builds what the example needs, then runs it: the calculator worker is launched as a
# subprocess and called through a typed proxy (unary, producer stream, exchange stream).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests install -pl examples -am
# The flags Arrow needs on JDK 17 and newer (see README).
ARROW_FLAGS=(-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
exec java "${ARROW_FLAGS[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "examples/target/classes:examples/target/lib/*" dev.arrowrpc.examples.CalculatorDemo
