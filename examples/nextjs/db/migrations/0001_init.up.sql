-- The example API's tables. Every row belongs to one tenant; row-level security keeps each
-- transaction inside the tenant set with `SET LOCAL app.tenant_id` (set_config(..., true)).
-- Run by the owner role; the application connects as :app_role, which neither owns these
-- tables nor bypasses RLS, and the job worker as :worker_role, which sees only `jobs`.

CREATE FUNCTION app_tenant() RETURNS text
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '') $$;

CREATE TABLE contacts (
  id         uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  tenant_id  text        NOT NULL DEFAULT app_tenant(),
  name       text        NOT NULL,
  email      text,
  phone      text,
  tags       text[]      NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT contacts_tenant_id_key UNIQUE (tenant_id, id),
  -- Emails are unique per tenant, never across tenants (that would leak one tenant's data
  -- to another through 409s).
  CONSTRAINT contacts_tenant_email_key UNIQUE (tenant_id, email)
);
-- Keyset pagination: ORDER BY created_at DESC, id DESC within a tenant.
CREATE INDEX contacts_page_idx ON contacts (tenant_id, created_at DESC, id DESC);
CREATE INDEX contacts_tags_idx ON contacts USING gin (tags);

CREATE TABLE interactions (
  id          uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  tenant_id   text        NOT NULL DEFAULT app_tenant(),
  contact_id  uuid        NOT NULL,
  type        text        NOT NULL CHECK (type IN ('email', 'call', 'meeting', 'note')),
  occurred_at timestamptz NOT NULL,
  -- As the client wrote it (normalized): the instant above orders, this text is echoed.
  occurred_at_text text   NOT NULL,
  summary     text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- The parent must be in the same tenant: a child can never point across tenants.
  CONSTRAINT interactions_contact_fkey FOREIGN KEY (tenant_id, contact_id)
    REFERENCES contacts (tenant_id, id) ON DELETE CASCADE
);
-- Keyset pagination: a contact's timeline by occurred_at DESC, id DESC.
CREATE INDEX interactions_page_idx
  ON interactions (tenant_id, contact_id, occurred_at DESC, id DESC);

CREATE TABLE jobs (
  id           uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  tenant_id    text        NOT NULL DEFAULT app_tenant(),
  kind         text        NOT NULL CHECK (kind IN ('export_contacts', 'recompute_scores')),
  status       text        NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'dead_lettered')),
  attempts     integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts integer     NOT NULL CHECK (max_attempts BETWEEN 1 AND 10),
  last_error   text,
  run_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  locked_until timestamptz,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX jobs_page_idx ON jobs (tenant_id, created_at DESC, id DESC);
CREATE INDEX jobs_status_page_idx ON jobs (tenant_id, status, created_at DESC, id DESC);
-- The worker's queue: due jobs that are waiting or waiting for a retry.
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE status IN ('queued', 'failed');

-- Idempotency records: one per (tenant, key). A row is inserted `in_flight` before the work
-- runs (INSERT ... ON CONFLICT DO NOTHING is the lock), then completed with the response.
CREATE TABLE idempotency_keys (
  tenant_id    text        NOT NULL DEFAULT app_tenant(),
  key          text        NOT NULL,
  fingerprint  text        NOT NULL,
  state        text        NOT NULL CHECK (state IN ('in_flight', 'done')),
  status       integer,
  body         text,
  headers      jsonb,
  locked_until timestamptz,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (tenant_id, key)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['contacts', 'interactions', 'jobs', 'idempotency_keys'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    -- FORCE: the owner is subject to the policies too.
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant()) '
      'WITH CHECK (tenant_id = app_tenant())', t);
  END LOOP;
END $$;
