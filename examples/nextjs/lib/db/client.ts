// Connection pools and the one way to touch tenant data: a transaction with the tenant set.
import { sql } from "drizzle-orm";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "./schema";

export type Db = NodePgDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

function pool(envName: string): pg.Pool {
  const connectionString = process.env[envName];
  if (!connectionString) throw new Error(`${envName} is not set: a postgresql:// connection string`);
  // UTC sessions, so timestamps come back as "... +00" text.
  return new pg.Pool({ connectionString, max: 10, options: "-c TimeZone=UTC" });
}

const globals = globalThis as unknown as { synthDb?: Db; synthWorkerDb?: Db };

/** The application's database: the role that neither owns the tables nor bypasses RLS. */
export function db(): Db {
  globals.synthDb ??= drizzle(pool("DATABASE_URL"), { schema });
  return globals.synthDb;
}

/** The worker's database: a role that may claim any tenant's jobs and nothing else. */
export function workerDb(): Db {
  globals.synthWorkerDb ??= drizzle(pool("WORKER_DATABASE_URL"), { schema });
  return globals.synthWorkerDb;
}

/**
 * Run `work` in a transaction whose row-level-security tenant is `tenant`.
 * `set_config(..., true)` is SET LOCAL: it ends with the transaction, so a pooled
 * connection never carries one request's tenant into the next.
 */
export async function withTenant<T>(tenant: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db().transaction(async (tx) => {
    await tx.execute(sql`SELECT set_config('app.tenant_id', ${tenant}, true)`);
    return work(tx);
  });
}

/** Postgres's text form of a timestamptz in UTC ("2024-05-01 12:00:00.5+00") as RFC 3339. */
export function rfc3339(value: string): string {
  const match = /^(\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(?:\+00(?::?00)?|Z)$/.exec(value);
  if (!match) throw new Error(`unexpected timestamp text ${JSON.stringify(value)}`);
  return `${match[1]}T${match[2]}.${(match[3] ?? "").padEnd(6, "0")}Z`;
}

/** The Postgres error code and constraint of a failed query, if it is one. */
export function pgError(error: unknown): { code?: string; constraint?: string } {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: unknown; constraint?: unknown; cause?: unknown };
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) {
      return { code: e.code, constraint: typeof e.constraint === "string" ? e.constraint : undefined };
    }
    current = e.cause;
  }
  return {};
}
