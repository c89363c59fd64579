#!/usr/bin/env bash
# The pipeline benchmark of BENCHMARKS.md in one command: builds what it runs, then runs
# io.github.cdcmonitoring.bench.BenchmarkMain (module bench/), which measures the write ceiling (generator-vs-pgbench.sh),
# then the shipped connector, the same connector on Debezium's and Kafka's defaults, and the shipped connector on the
# cluster shape (three brokers, replication factor 3, two Connect workers), each on a native stack of its own, and
# rewrites the results section of BENCHMARKS.md, bench/plots/*.png and bench/plots/results.json.
#
# Usage (from anywhere in the repository; as root on Debian, like generator-vs-pgbench.sh):
#   bench/run.sh            the full run, about 12 minutes on 2 cores
#   bench/run.sh --quick    every step with tiny sizes, about 3 minutes (what BenchmarkSmokeTest runs)
#   bench/run.sh --out DIR --markdown FILE   write elsewhere (paths relative to the repository root)
# Set BENCH_SKIP_BUILD=1 to run what is already built. Run it on an otherwise idle machine: every figure is CPU-bound.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
  ./mvnw -q -pl bench -am package -DskipTests
fi
exec java -Xmx512m -cp "bench/target/classes:$(cat bench/target/runtime-classpath.txt)" \
  io.github.cdcmonitoring.bench.BenchmarkMain "$@"
