-- Optional inventory dataset: schema inventory with products, customers and orders (1,000 + 1,000 + 3,000 rows).
-- Loaded at first start when LOAD_INVENTORY=true (.env), or into a running stack with the psql command in the README.
-- A connector of its own captures it (register-inventory.json: topic prefix inventory, slot inventory_slot), registered
-- with the dataset (LOAD_INVENTORY=true, native/start --inventory): init-db.sql's inventory_publication covers every
-- table in this schema. Rows are generated deterministically, so the counts are always the same.

CREATE SCHEMA IF NOT EXISTS inventory;

CREATE TABLE inventory.products (
    id          SERIAL PRIMARY KEY,
    name        VARCHAR(255) NOT NULL,
    description VARCHAR(512),
    weight_kg   NUMERIC(8, 3),
    price       NUMERIC(10, 2) NOT NULL
);

CREATE TABLE inventory.customers (
    id         SERIAL PRIMARY KEY,
    first_name VARCHAR(255) NOT NULL,
    last_name  VARCHAR(255) NOT NULL,
    email      VARCHAR(255) NOT NULL UNIQUE
);

CREATE TABLE inventory.orders (
    id         SERIAL PRIMARY KEY,
    order_date DATE NOT NULL,
    purchaser  INT NOT NULL REFERENCES inventory.customers (id),
    product_id INT NOT NULL REFERENCES inventory.products (id),
    quantity   INT NOT NULL CHECK (quantity > 0)
);
CREATE INDEX orders_purchaser_idx ON inventory.orders (purchaser);
CREATE INDEX orders_product_id_idx ON inventory.orders (product_id);

INSERT INTO inventory.products (name, description, weight_kg, price)
SELECT (ARRAY['scooter', 'car battery', 'drill bits', 'hammer', 'rocks', 'jacket', 'spare tire', 'toolbox'])[1 + i % 8]
           || ' #' || i,
       'catalogue item ' || i,
       round((0.1 + (i % 97) * 0.25)::numeric, 3),
       round((1.99 + (i % 250) * 3.5)::numeric, 2)
FROM generate_series(1, 1000) AS i;

INSERT INTO inventory.customers (first_name, last_name, email)
SELECT (ARRAY['Sally', 'George', 'Edward', 'Anne', 'Maria', 'Ivan', 'Olga', 'Chen'])[1 + i % 8],
       (ARRAY['Thomas', 'Bailey', 'Walker', 'Kretchmar', 'Petrova', 'Smith', 'Garcia', 'Li'])[1 + (i / 8) % 8],
       'customer' || i || '@example.com'
FROM generate_series(1, 1000) AS i;

INSERT INTO inventory.orders (order_date, purchaser, product_id, quantity)
SELECT DATE '2024-01-01' + (i % 365),
       1 + (i * 7) % 1000,
       1 + (i * 13) % 1000,
       1 + i % 5
FROM generate_series(1, 3000) AS i;
