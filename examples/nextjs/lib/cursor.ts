// Opaque page cursors: the last key served, HMAC-signed and bound to a tenant and a list scope.
// A cursor is base64url(JSON payload) "." base64url(HMAC-SHA256); anything that does not
// verify (malformed, tampered, minted for another tenant or list) is 400 invalid_cursor.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { config } from "./config";
import { ApiError } from "./http";

export type Position = [string, string]; // [sort key as Postgres timestamptz text, id]

export function scopeDigest(tenant: string, scope: Record<string, unknown>): string {
  const canonical = JSON.stringify([tenant, Object.fromEntries(Object.entries(scope).sort())]);
  return createHash("sha256").update(canonical).digest("hex").slice(0, 32);
}

function mac(payload: Buffer): Buffer {
  return createHmac("sha256", config().cursorSecret).update(payload).digest();
}

export function mint(scope: string, position: Position): string {
  const payload = Buffer.from(JSON.stringify({ s: scope, p: position }));
  return `${payload.toString("base64url")}.${mac(payload).toString("base64url")}`;
}

const B64URL = /^[A-Za-z0-9_-]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function verify(cursor: string, scope: string): Position {
  const invalid = new ApiError("invalid_cursor", "The cursor is not valid for this list.");
  const [head, tail, ...rest] = cursor.split(".");
  if (head === undefined || tail === undefined || rest.length || !B64URL.test(head) || !B64URL.test(tail)) throw invalid;
  const payload = Buffer.from(head, "base64url");
  const given = Buffer.from(tail, "base64url");
  const expected = mac(payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid;
  let data: unknown;
  try {
    data = JSON.parse(payload.toString("utf8"));
  } catch {
    throw invalid;
  }
  const { s, p } = (data ?? {}) as { s?: unknown; p?: unknown };
  if (s !== scope || !Array.isArray(p) || p.length !== 2) throw invalid;
  const [at, id] = p as unknown[];
  if (typeof at !== "string" || at.length > 64 || typeof id !== "string" || !UUID.test(id)) throw invalid;
  return [at, id];
}
