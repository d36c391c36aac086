// The Idempotency-Key protocol, with the lock in the database.
//
// 1. INSERT an `in_flight` record for (tenant, key) ON CONFLICT DO NOTHING, committed at once:
//    whoever inserts it runs the work; everyone else finds the record and gets a replay (done,
//    same fingerprint), 422 idempotency_key_reused (another fingerprint) or 409
//    idempotency_key_in_use (still in flight, unless its lease ran out).
// 2. The work and the record's completion commit in one transaction: a stored response always
//    has its resource, and a resource created under a key always has its stored response.
// 3. An error answer stores nothing: the record is deleted so a corrected retry runs.
import { createHash } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import { config, fault } from "./config";
import { type Tx, withTenant } from "./db/client";
import { idempotencyKeys } from "./db/schema";
import { ApiError } from "./http";

export const REPLAYED = "Idempotent-Replayed";
const STORED_HEADERS = ["content-type", "etag", "location"];

/** Method, path and canonical JSON body (keys sorted, no whitespace). */
export function fingerprint(method: string, path: string, body: unknown): string {
  return createHash("sha256").update(`${method} ${path}\n${canonical(body)}`).digest("hex");
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export interface Result {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

function respond(result: Result, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(result.body), {
    status: result.status,
    headers: { "content-type": "application/json", ...result.headers, ...extra },
  });
}

function replay(row: { status: number | null; body: string | null; headers: Record<string, string> | null }): Response {
  return new Response(row.body, { status: row.status ?? 200, headers: { ...row.headers, [REPLAYED]: "true" } });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Replay, refuse or run `work` (inside the tenant's transaction) under the key. */
export async function idempotent(
  tenant: string,
  key: string,
  fp: string,
  work: (tx: Tx) => Promise<Result>,
): Promise<Response> {
  const lock = !fault("no-inflight-lock");
  const leaseMs = config().inFlightLeaseMs;
  const existing = await withTenant(tenant, async (tx) => {
    if (lock) {
      const inserted = await tx
        .insert(idempotencyKeys)
        .values({ key, fingerprint: fp, state: "in_flight", lockedUntil: sql`clock_timestamp() + ${`${leaseMs} milliseconds`}::interval` })
        .onConflictDoNothing({ target: [idempotencyKeys.tenantId, idempotencyKeys.key] })
        .returning({ key: idempotencyKeys.key });
      if (inserted.length) return undefined;
    }
    const [row] = await tx.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key)).limit(1);
    if (!row) return undefined; // only without the lock: nobody has used the key yet
    if (row.fingerprint !== fp) {
      throw new ApiError("idempotency_key_reused", "This Idempotency-Key was used with a different request.");
    }
    if (row.state === "done") return row;
    // In flight: take it over only if its holder's lease ran out (the holder died).
    const taken = await tx
      .update(idempotencyKeys)
      .set({ lockedUntil: sql`clock_timestamp() + ${`${leaseMs} milliseconds`}::interval` })
      .where(and(eq(idempotencyKeys.key, key), eq(idempotencyKeys.state, "in_flight"), lt(idempotencyKeys.lockedUntil, sql`clock_timestamp()`)))
      .returning({ key: idempotencyKeys.key });
    if (taken.length) return undefined;
    throw new ApiError("idempotency_key_in_use", "A request with this Idempotency-Key is still being processed.", undefined, { "retry-after": "1" });
  });
  if (existing) return replay(existing);

  if (config().workDelayMs) await sleep(config().workDelayMs);
  try {
    const result = await withTenant(tenant, async (tx) => {
      const result = await work(tx);
      const headers = Object.fromEntries(
        Object.entries({ "content-type": "application/json", ...result.headers }).filter(([name]) => STORED_HEADERS.includes(name.toLowerCase())),
      );
      const done = { fingerprint: fp, state: "done", status: result.status, body: JSON.stringify(result.body), headers, lockedUntil: null };
      if (lock) {
        await tx.update(idempotencyKeys).set(done).where(eq(idempotencyKeys.key, key));
      } else {
        await tx.insert(idempotencyKeys).values({ key, ...done }).onConflictDoNothing();
      }
      return result;
    });
    return respond(result);
  } catch (error) {
    if (lock) {
      await withTenant(tenant, (tx) =>
        tx.delete(idempotencyKeys).where(and(eq(idempotencyKeys.key, key), eq(idempotencyKeys.state, "in_flight"))),
      );
    }
    throw error;
  }
}
