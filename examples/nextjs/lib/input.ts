// Reading a request: the bearer token's tenant, the Idempotency-Key, and the body, path and
// query validated by the generated Zod schemas, with failures as the taxonomy's problems.
import type { z } from "zod";
import { config } from "./config";
import { ApiError, type FieldError } from "./http";

export function authenticate(request: Request): string {
  const header = request.headers.get("authorization") ?? "";
  const space = header.indexOf(" ");
  const scheme = space < 0 ? header : header.slice(0, space);
  const token = space < 0 ? "" : header.slice(space + 1).trim();
  const tenant = scheme.toLowerCase() === "bearer" ? config().tokens.get(token) : undefined;
  if (tenant === undefined) {
    const detail = header ? "Unknown bearer token." : "Send Authorization: Bearer <token>.";
    throw new ApiError("unauthenticated", detail, undefined, { "www-authenticate": "Bearer" });
  }
  return tenant;
}

/** The Idempotency-Key: 400 when absent, else checked by the operation's `headers` schema. */
export function idempotencyKey(request: Request, headers: z.ZodType): string {
  const key = request.headers.get("idempotency-key");
  if (key === null) {
    throw new ApiError("idempotency_key_missing", "This operation requires an Idempotency-Key header.");
  }
  validate(headers, { "idempotency-key": key }, "header", "The Idempotency-Key header is invalid.");
  return key;
}

/** The body as parsed JSON (400 invalid_request when it is not JSON) and as validated. */
export async function body<S extends z.ZodType>(request: Request, schema: S): Promise<{ raw: unknown; value: z.output<S> }> {
  const text = await request.text();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ApiError("invalid_request", "The body is not parseable JSON.");
  }
  // JSON.parse takes lone surrogates ("\ud800"), which are not Unicode text; strict JSON
  // parsers (and the Python contract) refuse them.
  if (hasLoneSurrogate(raw)) throw new ApiError("invalid_request", "The body is not parseable JSON.");
  return { raw, value: validate(schema, raw, "body", "The body does not match the schema.") };
}

/** Path parameters validated by the operation's `pathParams` schema. */
export function pathParams<S extends z.ZodType>(ctx: { params: Record<string, string> }, schema: S): z.output<S> {
  return validate(schema, ctx.params, "path", "The path parameters do not match the schema.");
}

const INTEGER = /^[+-]?[0-9]{1,30}$/;

/** Query parameters: integers checked in their text form, then the operation's schema. */
export function query<S extends z.ZodType>(request: Request, schema: S, integers: readonly string[]): z.output<S> {
  const params = new URL(request.url).searchParams;
  const raw: Record<string, unknown> = {};
  for (const [name, value] of params) {
    if (name in raw) continue; // the first of repeated parameters, as Starlette reads them
    if (integers.includes(name)) {
      if (!INTEGER.test(value)) {
        throw new ApiError("validation_failed", `The query parameter ${name} is invalid.`, [
          { loc: ["query", name], msg: "Input should be a valid integer", type: "int_parsing" },
        ]);
      }
      raw[name] = Number.parseInt(value, 10);
    } else {
      raw[name] = value;
    }
  }
  return validate(schema, raw, "query", "The query parameters do not match the schema.");
}

function validate<S extends z.ZodType>(schema: S, value: unknown, where: string | (string | number)[], detail: string): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const prefix = Array.isArray(where) ? where : [where];
  throw new ApiError("validation_failed", detail, result.error.issues.flatMap((issue) => fieldErrors(issue, prefix)));
}

type Issue = z.core.$ZodIssue;

/** A Zod issue as pydantic-style `{loc, msg, type}` entries. */
function fieldErrors(issue: Issue, prefix: (string | number)[]): FieldError[] {
  const loc = [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({ loc: [...loc, key], msg: "Extra inputs are not permitted", type: "extra_forbidden" }));
    case "invalid_type":
      if (issue.input === undefined) return [{ loc, msg: "Field required", type: "missing" }];
      return [{ loc, msg: issue.message, type: `${issue.expected === "int" ? "int" : issue.expected}_type` }];
    case "too_small":
      return [{ loc, msg: issue.message, type: issue.origin === "string" ? "string_too_short" : issue.origin === "array" ? "too_short" : "greater_than_equal" }];
    case "too_big":
      return [{ loc, msg: issue.message, type: issue.origin === "string" ? "string_too_long" : issue.origin === "array" ? "too_long" : "less_than_equal" }];
    case "invalid_format":
      return [{ loc, msg: issue.message, type: issue.format === "regex" ? "string_pattern_mismatch" : "value_error" }];
    case "invalid_value":
      return [{ loc, msg: issue.message, type: "enum" }];
    case "invalid_union": {
      const nested = issue.errors.flat().flatMap((inner) => fieldErrors(inner, loc));
      return nested.length ? nested : [{ loc, msg: issue.message, type: "union" }];
    }
    default:
      return [{ loc, msg: issue.message, type: "value_error" }];
  }
}

function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === "string") return !value.isWellFormed();
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (value && typeof value === "object") {
    return Object.entries(value).some(([k, v]) => !k.isWellFormed() || hasLoneSurrogate(v));
  }
  return false;
}
