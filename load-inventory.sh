#!/bin/sh
# Runs from /docker-entrypoint-initdb.d at the database's first start, after init-db.sql: loads the optional inventory
# dataset when LOAD_INVENTORY=true in .env. To load it into a running stack instead, see the README.
set -eu
if [ "${LOAD_INVENTORY:-false}" = "true" ]; then
  echo "load-inventory.sh: loading /inventory/inventory.sql"
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -f /inventory/inventory.sql
else
  echo "load-inventory.sh: LOAD_INVENTORY is not true, the inventory dataset is not loaded"
fi
