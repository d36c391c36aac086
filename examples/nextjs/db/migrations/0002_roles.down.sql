DROP POLICY IF EXISTS worker_queue ON jobs;
REVOKE ALL ON contacts, interactions, jobs, idempotency_keys FROM synth_app, synth_worker;
REVOKE USAGE ON SCHEMA public FROM synth_app, synth_worker;
