// Configuration from the environment, read once per process.
import { randomBytes } from "node:crypto";

/** Switches that plant a defect, for the fault demonstrations in tests/nextjs. */
export type Fault = "no-inflight-lock";
const FAULTS: readonly Fault[] = ["no-inflight-lock"];

function parseTokens(value: string | undefined): Map<string, string> {
  if (!value) return new Map([["token-a", "a"], ["token-b", "b"], ["token-c", "c"]]);
  const tokens = new Map<string, string>();
  for (const item of value.split(",")) {
    const [token, tenant, ...rest] = item.trim().split("=");
    if (!token || !tenant || rest.length) {
      throw new Error(`NEXTJS_TOKENS item ${JSON.stringify(item)} is not TOKEN=TENANT; write NEXTJS_TOKENS='tokA=a,tokB=b'`);
    }
    tokens.set(token, tenant);
  }
  return tokens;
}

function parseFaults(value: string | undefined): Set<Fault> {
  const faults = new Set<Fault>();
  for (const item of (value ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    if (!(FAULTS as readonly string[]).includes(item)) {
      throw new Error(`NEXTJS_FAULTS: unknown fault ${JSON.stringify(item)}; known: ${FAULTS.join(", ")}`);
    }
    faults.add(item as Fault);
  }
  return faults;
}

function parseNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}=${raw} is not a non-negative number`);
  return value;
}

export interface Config {
  /** Bearer token -> tenant id. */
  tokens: Map<string, string>;
  faults: Set<Fault>;
  cursorSecret: Buffer;
  /** Milliseconds a create holds its idempotency lock before working (widens races in tests). */
  workDelayMs: number;
  /** How long an in-flight idempotency record blocks others before it may be taken over. */
  inFlightLeaseMs: number;
  worker: { enabled: boolean; pollMs: number; backoffBaseMs: number; failKinds: Set<string> };
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= {
    tokens: parseTokens(process.env.NEXTJS_TOKENS),
    faults: parseFaults(process.env.NEXTJS_FAULTS),
    cursorSecret: process.env.CURSOR_SECRET ? Buffer.from(process.env.CURSOR_SECRET, "utf8") : randomBytes(32),
    workDelayMs: parseNumber("NEXTJS_WORK_DELAY_MS", 0),
    inFlightLeaseMs: parseNumber("NEXTJS_INFLIGHT_LEASE_MS", 30_000),
    worker: {
      enabled: (process.env.NEXTJS_WORKER ?? "on") !== "off",
      pollMs: parseNumber("NEXTJS_WORKER_POLL_MS", 250),
      backoffBaseMs: parseNumber("NEXTJS_WORKER_BACKOFF_MS", 500),
      // Job kinds whose handler fails on purpose (to show retries and the dead letter).
      failKinds: new Set((process.env.NEXTJS_WORKER_FAIL_KINDS ?? "").split(",").filter(Boolean)),
    },
  };
  return cached;
}

export function fault(name: Fault): boolean {
  return config().faults.has(name);
}
