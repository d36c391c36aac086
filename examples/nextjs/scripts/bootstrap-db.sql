-- Run once per cluster as a superuser: the roles and the database. Passwords come from psql
-- variables (-v owner_password=... -v app_password=... -v worker_password=...).
CREATE ROLE synth_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE synth_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
CREATE ROLE synth_worker LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD :'worker_password';
CREATE DATABASE synth OWNER synth_owner;
\connect synth
ALTER SCHEMA public OWNER TO synth_owner;
