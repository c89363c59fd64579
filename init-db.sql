-- Schema and CDC roles for database testDB.
-- Run once at first start by the postgres image (docker-entrypoint-initdb.d, through psql, as the superuser, in the
-- database named by POSTGRES_DB) and by the native test harness in the same way. Uses psql's \getenv, so run it with
-- psql 15 or newer:
--   CDC_DB_PASSWORD=... MONITOR_DB_PASSWORD=... GENERATOR_DB_PASSWORD=... psql -v ON_ERROR_STOP=1 -d testDB -f init-db.sql
-- The postgres service's healthcheck turns healthy only once the roles and the publication below exist.

-- The role passwords come from the environment (CDC_DB_PASSWORD, MONITOR_DB_PASSWORD, GENERATOR_DB_PASSWORD in .env),
-- not from this file. All are checked before anything is created, so a missing one leaves no half-built database.
\getenv cdc_password CDC_DB_PASSWORD
\if :{?cdc_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'init-db.sql: environment variable CDC_DB_PASSWORD (the capture role password) is not set'; END $$;
\endif
\getenv monitor_password MONITOR_DB_PASSWORD
\if :{?monitor_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'init-db.sql: environment variable MONITOR_DB_PASSWORD (the monitoring role password) is not set'; END $$;
\endif
\getenv generator_password GENERATOR_DB_PASSWORD
\if :{?generator_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'init-db.sql: environment variable GENERATOR_DB_PASSWORD (the data generator role password) is not set'; END $$;
\endif

-- The generator's tables ---------------------------------------------------------------------------------------------
CREATE TABLE users (
    id         SERIAL PRIMARY KEY,
    name       VARCHAR(100),
    email      VARCHAR(100),
    created_at TIMESTAMP DEFAULT now()
);

CREATE TABLE orders (
    id           SERIAL PRIMARY KEY,
    user_id      INT REFERENCES users (id),
    product_name VARCHAR(100),
    quantity     INT,
    order_date   TIMESTAMP DEFAULT now()
);

-- Deleting a user looks up its orders; without this index each delete scans all orders.
CREATE INDEX orders_user_id_idx ON orders (user_id);

-- Optional inventory dataset (inventory.sql) lives in its own schema, captured by a connector of its own
-- (register-inventory.json). Creating the schema here, empty, lets that connector's publication below cover its
-- tables whenever they are loaded, at first start or later.
CREATE SCHEMA inventory;

-- Debezium heartbeat table ------------------------------------------------------------------------------------------
-- Each connector's heartbeat.action.query upserts its own row here (id 1 register-postgresql.json, id 2
-- register-inventory.json). The table is in both publications, so every heartbeat passes through each connector's
-- slot: each confirms a recent LSN even while its own tables are idle, and no slot pins old WAL.
CREATE TABLE debezium_heartbeat (
    id      INT PRIMARY KEY,
    beat_at TIMESTAMPTZ NOT NULL
);

-- Least-privilege capture role ----------------------------------------------------------------------------------------
-- Debezium logs in as cdc_capture, never as the superuser: it may replicate and read the captured tables, and write
-- only its heartbeat row.
CREATE ROLE cdc_capture WITH LOGIN REPLICATION PASSWORD :'cdc_password';
GRANT CONNECT ON DATABASE :"DBNAME" TO cdc_capture;
GRANT USAGE ON SCHEMA public, inventory TO cdc_capture;
GRANT SELECT ON users, orders TO cdc_capture;
GRANT SELECT, INSERT, UPDATE ON debezium_heartbeat TO cdc_capture;
-- Tables that inventory.sql creates later (as this same superuser) become readable by the capture role too.
ALTER DEFAULT PRIVILEGES IN SCHEMA inventory GRANT SELECT ON TABLES TO cdc_capture;

-- Monitoring role -----------------------------------------------------------------------------------------------------
-- postgres-exporter logs in as cdc_monitor: pg_monitor lets it read the statistics views and pg_replication_slots
-- (WAL retained by the slot); it gets no access to table data and cannot replicate.
CREATE ROLE cdc_monitor WITH LOGIN PASSWORD :'monitor_password' IN ROLE pg_monitor;

-- Data generator role -------------------------------------------------------------------------------------------------
-- The data generator writes as cdc_generator, not as the superuser: it may read and change the rows of users and orders
-- and draw their ids, nothing else (no DDL, no other table, no replication).
CREATE ROLE cdc_generator WITH LOGIN PASSWORD :'generator_password';
GRANT CONNECT ON DATABASE :"DBNAME" TO cdc_generator;
GRANT USAGE ON SCHEMA public TO cdc_generator;
GRANT SELECT, INSERT, UPDATE, DELETE ON users, orders TO cdc_generator;
GRANT USAGE ON SEQUENCE users_id_seq, orders_id_seq TO cdc_generator;

-- The publications are created here, by the table owner, so the connectors need no CREATE privilege (both
-- register-*.json files set publication.autocreate.mode=disabled). One per connector, one connector per schema:
-- inventory_publication (register-inventory.json) covers every table of schema inventory, also those inventory.sql
-- creates later (TABLES IN SCHEMA); debezium_publication (register-postgresql.json) the generator's tables. Both carry
-- the heartbeat table. debezium_publication comes last: the postgres service's healthcheck waits for it.
CREATE PUBLICATION inventory_publication
    FOR TABLE public.debezium_heartbeat, TABLES IN SCHEMA inventory;
CREATE PUBLICATION debezium_publication
    FOR TABLE public.users, public.orders, public.debezium_heartbeat;
