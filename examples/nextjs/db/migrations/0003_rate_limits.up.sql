-- Rate-limit counters: a fixed window per (policy, caller), the caller being a tenant, a
-- credential's SHA-256 or a client address as the operation's limit says. One statement
-- (INSERT ... ON CONFLICT DO UPDATE ... RETURNING) counts a request, so concurrent requests
-- of one caller never lose a count. The rows are counters, not tenant data, and a caller is not
-- always a tenant: no row-level security here, and the app role may only touch this table.
CREATE TABLE rate_limit_windows (
  policy       text    NOT NULL,
  caller       text    NOT NULL,
  -- The window's start in whole seconds since the epoch, on the database's clock.
  window_start bigint  NOT NULL,
  served       integer NOT NULL,
  PRIMARY KEY (policy, caller, window_start)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limit_windows TO synth_app;
