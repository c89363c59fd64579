#!/usr/bin/env bash
# Registers, or updates in place, a Kafka Connect connector from a {"name": ..., "config": {...}} file, the form of
# register-postgresql.json. Used by the compose stack's one-shot connector-init service and by the native test
# harness, so both go through the same path. It runs where the connector's database host resolves (inside compose,
# postgres) and needs psql there: from the host, use the README's curl commands or `docker compose run --rm
# connector-init`.
#
#   CONNECT_URL=http://connect:8083 register-connector.sh register-postgresql.json
#
# 1. Checks that the file is a JSON object and that Connect has its connector.class installed, then asks Connect to
#    validate the config (PUT /connector-plugins/<class>/config/validate). Debezium checks there that it can log in
#    and replicate, so a wrong password is rejected before anything is stored. Each rejected setting is one line
#    naming it.
# 2. Checks with psql, as the connector's own database user, that every table named in table.include.list exists and
#    is readable (Debezium accepts unknown tables and then silently captures nothing from them). Regular-expression
#    entries such as inventory\..* are not checked (neither shipped file has one: register-inventory.json names its
#    tables, so it is refused while the optional inventory dataset is not loaded).
# 3. Creates or updates it with PUT /connectors/<name>/config (idempotent: same file, same result).
# 4. Waits until the connector and all its tasks are RUNNING. If one FAILED, prints Connect's error, deletes a
#    connector this run created (nothing is left half-registered) and exits non-zero.
# 5. If the snapshot sends rows (a table named in table.include.list holds some and snapshot.mode copies data), waits
#    until Connect has committed a source offset that marks the snapshot done (GET /connectors/<name>/offsets). Until
#    then a restarted task finds no stored position and snapshots every table again - a Kafka broker killed within
#    the worker's first offset.flush.interval.ms did exactly that. If the snapshot outlasts REGISTER_WAIT_SECONDS, the
#    script says so and still exits 0: the connector runs, only that window stays open longer. Tables matched only by
#    a pattern (such as inventory\..*) are not looked at.
# Every request is retried while Connect cannot answer it yet - connection refused, no answer in time, HTTP 5xx
# (Connect's "Request timed out" while the worker joins its group) or 409 (rebalance in progress) - and all of it,
# retries and the wait for RUNNING, stays within REGISTER_WAIT_SECONDS (default 120) in total. Retrying is safe:
# every request the script makes is idempotent.
# Exit status: 0 registered and running, 1 rejected or failed, 2 usage or Connect unreachable.
set -euo pipefail

file=${1:-}
connect_url=${CONNECT_URL:-http://localhost:8083}
wait_seconds=${REGISTER_WAIT_SECONDS:-120}

die() { echo "register-connector: $1" >&2; exit "${2:-1}"; }

[[ -n "$file" ]] || die "usage: CONNECT_URL=http://host:8083 $0 <connector.json>" 2
[[ -r "$file" ]] || die "cannot read connector file $file" 2
command -v jq >/dev/null || die "jq is required" 2
command -v curl >/dev/null || die "curl is required" 2
[[ "$wait_seconds" =~ ^[0-9]+$ ]] || die "REGISTER_WAIT_SECONDS must be a whole number of seconds, got '$wait_seconds'" 2
deadline=$((SECONDS + wait_seconds))

# A file jq cannot parse would otherwise be reported below as a missing 'name'.
parse_error=$(jq -e 'type == "object"' "$file" 2>&1 >/dev/null) \
  || die "$file is not a JSON object: ${parse_error:-its top level is an array or a value}" 2
name=$(jq -er '.name | select(type == "string" and length > 0)' "$file") \
  || die "$file: field 'name' is missing or not a string" 2
config=$(jq -ec '.config | select(type == "object")' "$file") \
  || die "$file: field 'config' is missing or not an object" 2
class=$(jq -er '.["connector.class"] // empty' <<<"$config") \
  || die "$file: config.connector.class is missing" 2

# One request, retried until Connect answers it or the overall deadline passes. Prints the HTTP body to stdout.
# Returns 0 for 2xx; 1 for any other answer, or a 5xx/409 that lasts until the deadline (the body, Connect's message,
# is still printed); 2 if Connect could not be reached at all before the deadline. Callers run it in a command
# substitution, a subshell, where `exit 2` would leave only the subshell: they pass the status on with request_failed.
call() {
  local method=$1 path=$2 body=${3:-} out status rc args delay=1 remaining
  out=$(mktemp)
  while :; do
    remaining=$((deadline - SECONDS))
    (( remaining > 0 )) || remaining=1
    # One attempt never outlasts the overall deadline, nor Connect's own 90 s request timeout by much.
    args=(-sS -o "$out" -w '%{http_code}' --connect-timeout 5 --max-time $(( remaining < 95 ? remaining : 95 )) -X "$method")
    [[ -z "$body" ]] || args+=(-H 'Content-Type: application/json' --data-binary "$body")
    rc=0
    status=$(curl "${args[@]}" "$connect_url$path" 2>/dev/null) || rc=$?
    if (( rc == 0 )) && [[ "$status" == 2* ]]; then
      cat "$out"; rm -f "$out"; return 0
    fi
    if (( rc == 0 )) && [[ "$status" != 5* && "$status" != 409 ]]; then
      # A definite answer (400 bad config, 404, ...): retrying would not change it.
      cat "$out"; rm -f "$out"; echo "HTTP $status" >&2; return 1
    fi
    if (( SECONDS + delay >= deadline )); then
      if (( rc != 0 )); then
        rm -f "$out"
        echo "register-connector: cannot reach Kafka Connect at $connect_url (curl exit $rc) within ${wait_seconds}s" >&2
        return 2
      fi
      cat "$out"; rm -f "$out"; echo "HTTP $status, still after ${wait_seconds}s" >&2; return 1
    fi
    if (( rc != 0 )); then
      echo "register-connector: $method $path: Kafka Connect not reachable yet (curl exit $rc), retrying in ${delay}s" >&2
    else
      echo "register-connector: $method $path: HTTP $status $(jq -r '.message // empty' "$out" 2>/dev/null || true), retrying in ${delay}s" >&2
    fi
    sleep "$delay"
    delay=$(( delay < 8 ? delay * 2 : 10 ))
  done
}

# After `x=$(call ...)` failed with status $1: exit 2 if Connect was unreachable, else exit 1 with the message $2.
request_failed() {
  (( $1 == 2 )) && exit 2
  die "$2"
}

echo "register-connector: validating $name ($class) at $connect_url"
# Connect answers a validation for an unknown class with a message listing every installed plugin (several KB on one
# line): check the class first and name the field instead.
plugins=$(call GET "/connector-plugins?connectorsOnly=true") \
  || request_failed $? "Connect refused to list its connector plugins: $(jq -r '.message // .' <<<"$plugins" 2>/dev/null)"
if ! jq -e --arg class "$class" 'any(.[]; .class == $class)' <<<"$plugins" >/dev/null; then
  die "$file: config.connector.class $class is not installed in Kafka Connect at $connect_url (installed: $(jq -r '[.[].class] | join(", ")' <<<"$plugins"))"
fi
# Connect validates the name too, so it goes into the body.
validation=$(call PUT "/connector-plugins/$class/config/validate" "$(jq -c --arg name "$name" '. + {name: $name}' <<<"$config")") \
  || request_failed $? "Connect refused to validate $name: $validation"
# One line per rejected setting, naming it.
errors=$(jq -r --arg name "$name" '.configs[].value | select((.errors | length) > 0)
  | "register-connector: Connect rejected \(.name) of \($name): \(.errors | join("; ") | gsub("\n"; " "))"' <<<"$validation")
if [[ -n "$errors" ]]; then
  echo "$errors" >&2
  exit 1
fi

# Resolves a ${env:VAR} config-provider reference from this process's environment, as Connect would; prints the value.
resolve() {
  if [[ "$1" =~ ^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$ ]]; then
    local var=${BASH_REMATCH[1]}
    [[ -n "${!var:-}" ]] || die "database.password refers to \${env:$var}, but $var is not set here" 2
    printf '%s' "${!var}"
  else
    printf '%s' "$1"
  fi
}

# Whether the snapshot sends rows that a second snapshot would send again (step 5); set by the table check.
snapshot_rows=false
case $(jq -r '.["snapshot.mode"] // "initial"' <<<"$config") in
  no_data|never) snapshot_mode_copies=false ;;
  *) snapshot_mode_copies=true ;;
esac

tables=$(jq -r '.["table.include.list"] // empty' <<<"$config" | tr ',' '\n' | sed 's/^ *//; s/ *$//' \
  | grep -E '^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$' || true)
if [[ -n "$tables" ]]; then
  command -v psql >/dev/null || die "psql is required to check table.include.list" 2
  db_host=$(jq -r '.["database.hostname"]' <<<"$config")
  db_port=$(jq -r '.["database.port"] // "5432"' <<<"$config")
  db_name=$(jq -r '.["database.dbname"]' <<<"$config")
  db_user=$(jq -r '.["database.user"]' <<<"$config")
  db_password=$(resolve "$(jq -r '.["database.password"] // empty' <<<"$config")")
  missing=()
  snapshot_rows=false
  while read -r table; do
    readable=$(PGPASSWORD="$db_password" PGCONNECT_TIMEOUT=10 psql -X -q -t -A -h "$db_host" -p "$db_port" -U "$db_user" \
      -d "$db_name" -v table="$table" 2>&1 <<<"SELECT has_table_privilege(to_regclass(:'table'), 'SELECT');") \
      || die "cannot check table.include.list as $db_user on $db_host:$db_port/$db_name: $readable"
    if [[ "$readable" != t ]]; then
      missing+=("$table")
    elif [[ "$snapshot_rows" == false ]]; then
      # $table matched the identifier pattern above, so it is safe to place in the statement.
      any=$(PGPASSWORD="$db_password" PGCONNECT_TIMEOUT=10 psql -X -q -t -A -h "$db_host" -p "$db_port" -U "$db_user" \
        -d "$db_name" 2>&1 <<<"SELECT EXISTS (SELECT 1 FROM $table);") \
        || die "cannot read $table as $db_user on $db_host:$db_port/$db_name: $any"
      [[ "$any" != t ]] || snapshot_rows=true
    fi
  done <<<"$tables"
  if (( ${#missing[@]} > 0 )); then
    die "table.include.list of $name names tables that do not exist or that $db_user cannot read in database $db_name: ${missing[*]}"
  fi
fi

existed=false
rc=0
call GET "/connectors/$name" >/dev/null 2>&1 || rc=$?
case $rc in
  0) existed=true ;;
  2) die "cannot reach Kafka Connect at $connect_url within ${wait_seconds}s" 2 ;;
esac
response=$(call PUT "/connectors/$name/config" "$config") || request_failed $? "Connect rejected $name: $response"
if $existed; then echo "register-connector: updated $name"; else echo "register-connector: created $name"; fi

while :; do
  status=$(call GET "/connectors/$name/status" 2>/dev/null) || status='{}'
  connector_state=$(jq -r '.connector.state // "UNKNOWN"' <<<"$status" 2>/dev/null || echo UNKNOWN)
  task_states=$(jq -r '[.tasks[]?.state] | join(",")' <<<"$status" 2>/dev/null || true)
  failure=$(jq -r '[.connector | select(.state == "FAILED") | .trace // "connector failed"] +
                   [.tasks[]? | select(.state == "FAILED") | .trace // "task failed"] | first // empty' \
            <<<"$status" 2>/dev/null || true)
  if [[ -n "$failure" ]]; then
    echo "register-connector: $name failed to start:" >&2
    # The first line of Connect's trace is the cause; the stack follows in Connect's own log.
    grep -m 3 -v '^\s*at ' <<<"$failure" >&2 || true
    if ! $existed; then call DELETE "/connectors/$name" >/dev/null 2>&1 || true; echo "register-connector: removed $name again" >&2; fi
    exit 1
  fi
  if [[ "$connector_state" == RUNNING && -n "$task_states" && "$task_states" =~ ^(RUNNING,?)+$ ]]; then
    echo "register-connector: $name is RUNNING with tasks [$task_states]"
    break
  fi
  if (( SECONDS >= deadline )); then
    die "$name not RUNNING after ${wait_seconds}s (connector $connector_state, tasks [${task_states}])"
  fi
  # A task usually starts within a second of the PUT: a short step keeps the native stack's start (and every test
  # that registers) from waiting a whole second more than needed.
  sleep 0.2
done

if [[ "$snapshot_mode_copies" == false || "$snapshot_rows" == false ]]; then
  # Nothing snapshotted, nothing to send twice: no reason to wait for the first offset commit.
  exit 0
fi

# Debezium's offsets carry "snapshot" (true, or the snapshot's kind) while a snapshot runs, and
# "last_snapshot_record": true on the snapshot's last record; a streaming offset has neither. Either of the latter
# two means a restarted task resumes instead of snapshotting again.
while :; do
  offsets=$(call GET "/connectors/$name/offsets" 2>/dev/null) || offsets='{}'
  if jq -e '[.offsets[]?.offset | select((.snapshot // false | tostring) == "false"
                                         or (.last_snapshot_record // false | tostring) == "true")] | length > 0' \
       <<<"$offsets" >/dev/null 2>&1; then
    echo "register-connector: $name has committed its first offset after the snapshot"
    exit 0
  fi
  if (( SECONDS >= deadline )); then
    echo "register-connector: WARNING: $name runs, but no offset after its snapshot was committed within" \
      "${wait_seconds}s: a Kafka or Connect failure before that commit makes it snapshot every table again" >&2
    exit 0
  fi
  sleep 1
done
