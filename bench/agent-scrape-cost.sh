#!/usr/bin/env bash
# What one scrape of the broker's JMX exporter agent allocates on the broker's heap: JFR's per-thread allocation
# counters of the agent's HTTP threads (prometheus-http-*), which do all of a scrape's work, over N scrapes of the
# running native stack's broker. Other threads of the broker are not counted.
#
# Usage: start the stack in another terminal (native/start), wait for "ready", then
#   bench/agent-scrape-cost.sh [SCRAPES]     (default 100; from anywhere in the repository)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scrapes=${1:-100}
if ! [[ $scrapes =~ ^[1-9][0-9]{0,3}$ ]]; then
  echo "agent-scrape-cost.sh: SCRAPES must be a number from 1 to 9999, got '$scrapes'" >&2
  exit 2
fi
for tool in jcmd jfr curl; do
  if ! command -v "$tool" > /dev/null; then
    echo "agent-scrape-cost.sh: $tool is not installed; on Debian: sudo apt-get install -y $([[ $tool == curl ]] && echo curl || echo openjdk-17-jdk-headless)" >&2
    exit 2
  fi
done
pid=$(pgrep -f 'io[.]github[.]cdcmonitoring[.]localstack[.]KafkaBrokerMain' | head -n 1 || true)
if [[ -z $pid ]]; then
  echo "agent-scrape-cost.sh: no native Kafka broker is running; start the stack first: native/start" >&2
  exit 2
fi
port=$(sed -n 's/^KAFKA_METRICS_PORT=//p' .env)
url="http://127.0.0.1:$port/metrics"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Warm up: the first scrapes load the agent's classes and compile its code.
for _ in $(seq 20); do curl -sf -o /dev/null "$url"; done
jcmd "$pid" JFR.start name=agent-scrape-cost settings=profile filename="$work/scrapes.jfr" > /dev/null
for _ in $(seq "$scrapes"); do curl -sf -o /dev/null "$url"; done
jcmd "$pid" JFR.stop name=agent-scrape-cost > /dev/null
# jdk.ThreadAllocationStatistics: each thread's allocated bytes so far, at the recording's start and end (JSON: exact
# byte counts; the text form rounds them to three digits).
jfr print --json --events jdk.ThreadAllocationStatistics "$work/scrapes.jfr" | awk -v scrapes="$scrapes" -v url="$url" '
  /"allocated": / { bytes = $2; sub(/,$/, "", bytes) }
  /"javaName": "prometheus-http/ { name = $2; if (!(name in first)) first[name] = bytes; last[name] = bytes }
  END { for (name in last) total += last[name] - first[name]
        printf "%d scrapes of %s: %.1f MiB allocated by the agent'"'"'s HTTP threads, %.2f MiB per scrape\n",
               scrapes, url, total / 1048576, total / 1048576 / scrapes }'
