// Problem responses (RFC 9457, codes from the generated taxonomy), request ids and the
// wrapper every route handler goes through.
import { randomUUID } from "node:crypto";
import { type ErrorCode, taxonomy } from "./contracts";
import { rateLimitOf, take } from "./limits";
import { errorFields, log } from "./log";

export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** An error answer: a taxonomy code, what happened and, for validation, the field errors. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(`${code}: ${detail}`);
  }
}

export const PROBLEM_JSON = "application/problem+json";
// The contract's RequestId pattern (contracts/api.py): ids it refuses are replaced.
const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

export function requestIdOf(request: Request): string {
  const given = request.headers.get("x-request-id") ?? "";
  return REQUEST_ID.test(given) ? given : `req_${randomUUID().replaceAll("-", "")}`;
}

export function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

export function problem(error: ApiError, requestId: string): Response {
  return problemOf(error.code, error.detail, requestId, error.errors, error.headers);
}

function problemOf(
  code: ErrorCode | "method_not_allowed",
  detail: string,
  requestId: string,
  errors?: FieldError[],
  headers: Record<string, string> = {},
): Response {
  // 405 is answered by routing, before any operation; it is not in the example taxonomy.
  const entry = code === "method_not_allowed"
    ? { status: 405, title: "Method not allowed", type: "https://synth.dev/errors/method_not_allowed" }
    : taxonomy(code);
  const body: Record<string, unknown> = {
    type: entry.type, title: entry.title, status: entry.status, detail, instance: requestId, code,
  };
  if (errors) body.errors = errors;
  return new Response(JSON.stringify(body), {
    status: entry.status,
    headers: { "content-type": PROBLEM_JSON, ...headers },
  });
}

export interface Ctx {
  requestId: string;
  params: Record<string, string>;
}

type Handler = (request: Request, ctx: Ctx) => Promise<Response>;
type NextContext = { params?: Promise<Record<string, string | string[]> | undefined> };

/**
 * A Next.js route handler for one operation: request id, the contract's rate limit (if it
 * declares one), problem answers, one log line.
 */
export function operation(operationId: string, handler: Handler) {
  return async (request: Request, context: NextContext): Promise<Response> => {
    const started = performance.now();
    const requestId = requestIdOf(request);
    const raw = (await context?.params) ?? {};
    const params = Object.fromEntries(
      Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]),
    );
    const limit = rateLimitOf(operationId);
    let response: Response;
    try {
      const limitHeaders = limit ? await take(request, operationId, limit, requestId) : {};
      response = await handler(request, { requestId, params });
      for (const [name, value] of Object.entries(limitHeaders)) response.headers.set(name, value);
    } catch (error) {
      if (error instanceof ApiError) {
        response = problem(error, requestId);
      } else {
        log.error("request failed", { requestId, operationId, ...errorFields(error) });
        response = problem(new ApiError("internal_error", "The server failed."), requestId);
      }
    }
    response.headers.set("x-request-id", requestId);
    const url = new URL(request.url);
    log.info("request", {
      requestId, operationId, method: request.method, path: url.pathname,
      status: response.status, durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
    return response;
  };
}

/** The handler for methods a path does not support: 405 with Allow, as a problem. */
export function notAllowed(allow: string[]) {
  return async (request: Request): Promise<Response> => {
    const requestId = requestIdOf(request);
    const response = problemOf(
      "method_not_allowed", `${request.method} is not supported here; use ${allow.join(", ")}.`,
      requestId, undefined, { allow: allow.join(", ") },
    );
    response.headers.set("x-request-id", requestId);
    return response;
  };
}

/** Any path under /api that names no operation. */
export async function unknownPath(request: Request): Promise<Response> {
  const requestId = requestIdOf(request);
  const response = problem(new ApiError("not_found", "No such resource."), requestId);
  response.headers.set("x-request-id", requestId);
  return response;
}
