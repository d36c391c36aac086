REVOKE ALL ON rate_limit_windows FROM synth_app;
DROP TABLE IF EXISTS rate_limit_windows;
