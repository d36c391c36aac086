-- What the runtime roles may do. Both roles exist before migrating (scripts/bootstrap-db.sql);
-- neither owns a table, neither has BYPASSRLS.
GRANT USAGE ON SCHEMA public TO synth_app, synth_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON contacts, interactions, jobs, idempotency_keys
  TO synth_app;
-- The worker claims due jobs of every tenant, and touches nothing else.
GRANT SELECT, UPDATE ON jobs TO synth_worker;
CREATE POLICY worker_queue ON jobs TO synth_worker USING (true) WITH CHECK (true);
