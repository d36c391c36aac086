// Rate limits as the contract declares them (`semantics.rateLimit` of a generated operation):
// a fixed window per (policy, caller) counted in PostgreSQL, so every instance of the app
// shares one count. The caller is the tenant, the credential or the client address, as the
// limit's key says. A request past the limit gets 429 `rate_limited` with `Retry-After` (whole
// seconds, rounded up) and the `RateLimit` / `RateLimit-Policy` fields of the IETF httpapi
// draft; a served request carries those two fields as well (docs/rate-limits.md).
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { operations } from "./contracts";
import { db } from "./db/client";
import { ApiError } from "./http";
import { authenticate } from "./input";
import { log } from "./log";

export interface RateLimit {
  limit: number;
  window: number;
  key: "tenant" | "token" | "ip";
  name: string;
}

/** The limit the generated contract declares for an operation, if any. */
export function rateLimitOf(operationId: string): RateLimit | undefined {
  const contract = (operations as Record<string, { semantics: { rateLimit?: RateLimit } }>)[operationId];
  return contract?.semantics.rateLimit;
}

/** Whose count a request goes to. A credential is stored hashed: tokens are secrets. */
function callerOf(request: Request, limit: RateLimit): string {
  if (limit.key === "tenant") return `tenant:${authenticate(request)}`;
  if (limit.key === "token") {
    const credential = request.headers.get("authorization") ?? "";
    return `token:${createHash("sha256").update(credential).digest("hex")}`;
  }
  // `next start` sets X-Forwarded-For to the peer's address when a request has none; a client
  // can send its own, so an "ip" limit is only as good as the proxy in front that rewrites it.
  const forwarded = request.headers.get("x-forwarded-for") ?? "";
  return `ip:${forwarded.split(",")[0].trim()}`;
}

/**
 * Count one request of `operationId` against its limit: the headers a served answer carries,
 * or the 429 thrown. A request that fails authentication is answered 401 and not counted.
 */
export async function take(request: Request, operationId: string, limit: RateLimit, requestId: string): Promise<Record<string, string>> {
  const caller = callerOf(request, limit);
  const policy = `"${limit.name}";q=${limit.limit};w=${limit.window}`;
  // One statement counts the request on the database's clock, whichever instance received it.
  const result = await db().execute<{ served: number; window_start: string; t: number }>(sql`
    WITH now AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS t)
    INSERT INTO rate_limit_windows AS w (policy, caller, window_start, served)
    SELECT ${policy}, ${caller}, (floor(now.t / ${limit.window}) * ${limit.window})::bigint, 1 FROM now
    ON CONFLICT (policy, caller, window_start) DO UPDATE SET served = w.served + 1
    RETURNING w.served, w.window_start, (SELECT t FROM now) AS t`);
  const row = result.rows[0];
  const served = Number(row.served);
  const start = Number(row.window_start);
  const reset = Math.max(1, Math.ceil(start + limit.window - Number(row.t)));
  if (served === 1) {
    // A new window: the caller's earlier ones are spent.
    await db().execute(sql`
      DELETE FROM rate_limit_windows
      WHERE policy = ${policy} AND caller = ${caller} AND window_start < ${start}`);
  }
  const headers: Record<string, string> = {
    "ratelimit-policy": policy,
    ratelimit: `"${limit.name}";r=${Math.max(0, limit.limit - served)};t=${reset}`,
  };
  if (served > limit.limit) {
    log.warn("rate limited", {
      requestId, operationId, policy: limit.name, key: limit.key, served, retryAfter: reset,
    });
    throw new ApiError(
      "rate_limited",
      `More than ${limit.limit} requests in ${limit.window} s; retry after ${reset} s.`,
      undefined,
      { ...headers, "retry-after": String(reset) },
    );
  }
  return headers;
}
