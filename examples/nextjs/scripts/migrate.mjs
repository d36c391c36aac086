// Apply (or revert) the plain SQL migrations in db/migrations as the owner role.
//
//   node scripts/migrate.mjs up          apply every NNNN_name.up.sql not yet applied
//   node scripts/migrate.mjs down [N]    revert the last N applied (default 1; "all" for all)
//
// The connection is MIGRATE_DATABASE_URL. Each migration runs in its own transaction, with
// its row in schema_migrations, so a failed migration leaves nothing half-applied.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "db", "migrations");
const [command = "up", count = "1"] = process.argv.slice(2);
const url = process.env.MIGRATE_DATABASE_URL;
if (!url) {
  console.error("migrate: set MIGRATE_DATABASE_URL to the owner role's connection string");
  process.exit(2);
}

const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.(up|down)\.sql$/.test(f));
const versions = [...new Set(files.map((f) => f.split(".")[0]))].sort();

const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  await client.query(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
  );
  const applied = new Set(
    (await client.query("SELECT version FROM schema_migrations")).rows.map((r) => r.version),
  );
  if (command === "up") {
    for (const version of versions.filter((v) => !applied.has(v))) {
      await run(version, "up", "INSERT INTO schema_migrations (version) VALUES ($1)");
    }
  } else if (command === "down") {
    const done = versions.filter((v) => applied.has(v)).reverse();
    const n = count === "all" ? done.length : Number.parseInt(count, 10);
    for (const version of done.slice(0, n)) {
      await run(version, "down", "DELETE FROM schema_migrations WHERE version = $1");
    }
  } else {
    console.error(`migrate: unknown command ${command}; use up or down [N|all]`);
    process.exitCode = 2;
  }
} finally {
  await client.end();
}

async function run(version, direction, bookkeeping) {
  const sql = await readFile(path.join(dir, `${version}.${direction}.sql`), "utf8");
  await client.query("BEGIN");
  try {
    await client.query(sql);
    await client.query(bookkeeping, [version]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw new Error(`migration ${version}.${direction}.sql failed: ${error.message}`);
  }
  console.log(JSON.stringify({ level: "info", msg: "migrated", version, direction }));
}
