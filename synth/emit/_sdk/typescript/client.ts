// $provenance
/**
 * $title: a typed client on the generated Zod contracts (this package's `./zod` entry point).
 *
 * Request bodies are checked with their Zod schema before they are sent and responses are
 * parsed with theirs; problem responses throw the class of their error code; idempotent
 * operations send a fresh `Idempotency-Key` unless you give one; `iter*` methods follow
 * cursors across pages. `responseMeta(value)` gives the status, ETag, idempotency and headers
 * of the response a value came from; `responseHeaders(operations.createThingResponseHeaders,
 * value)` the headers its contract declares, parsed with their Zod schema.
 */

import { z } from "zod";
import * as schemas from "$zod/schemas.js";

export const BASE_PATH = "/api";  // slot: base_path
// How the token is sent: "bearer" (Authorization: Bearer TOKEN), "header" (AUTH_NAME: TOKEN,
// an API key) or "cookie" (Cookie: AUTH_NAME=TOKEN, a session).
const AUTH_STYLE: string = "bearer";  // slot: auth_style
const AUTH_NAME: string = "Authorization";  // slot: auth_name
const PROBLEM_JSON = "application/problem+json";

/** Base of every error this client throws. */
export class SdkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A problem response (RFC 9457); `problem` is its parsed body. */
export class ApiError extends SdkError {
  static readonly code: string = "";
  static readonly status: number = 0;
  static readonly retryable: boolean = false;
  readonly problem: schemas.Problem;
  readonly response: Response;

  constructor(problem: schemas.Problem, response: Response) {
    super(`${problem.status} ${problem.code}: ${problem.detail ?? problem.title}`);
    this.problem = problem;
    this.response = response;
  }

  get code(): string {
    return this.problem.code;
  }

  get status(): number {
    return this.response.status;
  }
}

/** 304 Not Modified: the representation you hold (its ETag) is current. */
export class NotModified extends SdkError {
  readonly etag: string | null;
  readonly response: Response;

  constructor(response: Response) {
    super("304 Not Modified");
    this.response = response;
    this.etag = response.headers.get("etag");
  }
}

/** A response the contract does not describe (status, media type or body). */
export class UnexpectedResponse extends SdkError {
  readonly response: Response;

  constructor(response: Response, message: string) {
    super(`${response.url}: ${message}`);
    this.response = response;
  }
}

/** A request body its Zod schema refuses; nothing was sent. */
export class InvalidBody extends SdkError {
  readonly issues: z.core.$ZodIssue[];

  constructor(error: z.ZodError) {
    super(`the request body does not match its schema: ${error.message}`);
    this.issues = error.issues;
  }
}

// slot: error_classes


/** Error code → the class thrown for it; codes not listed throw `ApiError`. */
export const ERRORS: Readonly<Record<string, typeof ApiError>> = {
  // slot: error_table
};

/** What a response said besides its body. */
export interface ResponseMeta {
  status: number;
  etag: string | null;
  idempotentReplayed: boolean;
  idempotencyKey: string | null;
  /** Every header received (`headers.get("location")`). */
  headers: Headers;
}

const metas = new WeakMap<object, ResponseMeta>();

/** Status, ETag and idempotency of the response `value` was parsed from. */
export function responseMeta(value: object): ResponseMeta | undefined {
  return metas.get(value);
}

/**
 * The headers the contract declares on the response `value` came from, parsed with `schema`
 * (an operation's `...ResponseHeaders` from the Zod contracts: names in lower case, numbers
 * read from their text); throws `UnexpectedResponse` when a required one is missing or does
 * not match. `value` may be the error a call threw (an `ApiError` or `NotModified`): an
 * error response's headers have their own export, `rateThingResponseHeaders429`.
 */
export function responseHeaders<S extends z.ZodType>(schema: S, value: object): z.output<S> {
  const meta =
    value instanceof ApiError || value instanceof NotModified
      ? { status: value.response.status, headers: value.response.headers }
      : metas.get(value);
  if (meta === undefined) throw new SdkError("this value was not parsed from a response");
  const received: Record<string, string> = {};
  meta.headers.forEach((text, name) => {
    received[name.toLowerCase()] = text;
  });
  const parsed = schema.safeParse(received);
  if (!parsed.success) {
    throw new UnexpectedResponse(new Response(null, { status: meta.status, headers: meta.headers }),
      `the response headers do not match: ${parsed.error.message}`);
  }
  return parsed.data;
}

/** A body type: the schema's input, or the partial output where the input is unknown (a pipe). */
export type Body<S extends z.ZodType> = unknown extends z.input<S> ? Partial<z.output<S>> : z.input<S>;

export interface ClientOptions {
  /** The server's URL; the API's base path is appended. */
  baseUrl: string;
  token?: string | undefined;
  basePath?: string | undefined;
  headers?: Record<string, string> | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  /** A 429 is sent again after its `Retry-After`, at most this many times (default 2; 0: never). */
  rateLimitRetries?: number | undefined;
}

/** The longest `Retry-After` the client waits out, in milliseconds. */
const MAX_RETRY_AFTER_MS = 30_000;

/** How long to wait before sending a request refused with 429 again (1 s when unreadable). */
function retryAfterMs(response: Response): number {
  const value = (response.headers.get("retry-after") ?? "").trim();
  if (/^[0-9]+$/.test(value)) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  const when = Date.parse(value);
  if (Number.isNaN(when)) return 1000;
  return Math.min(Math.max(0, when - Date.now()), MAX_RETRY_AFTER_MS);
}

interface Call {
  method: string;
  path: string;
  status: number;
  query?: Record<string, unknown>;
  headers?: Record<string, string | undefined>;
  body?: unknown;
  /** How `body` is sent when not as JSON: an HTML form, or multipart with file parts. */
  form?: "urlencoded" | "multipart";
}

function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * A form body: each field as text (JSON's spelling for numbers and booleans), a list as the
 * repeated field, a `Blob` or `File` as a file part; absent and null fields are left out.
 * fetch sets the `Content-Type` (with the multipart boundary) from the object.
 */
function formBody(body: unknown, kind: "urlencoded" | "multipart"): FormData | URLSearchParams {
  const form = kind === "multipart" ? new FormData() : new URLSearchParams();
  for (const [name, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      if (item instanceof Blob && form instanceof FormData) form.append(name, item);
      else form.append(name, typeof item === "string" ? item : JSON.stringify(item));
    }
  }
  return form;
}

function checked<S extends z.ZodType>(schema: S, body: Body<S>): Body<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw new InvalidBody(result.error);
  // The caller's own fields are sent, not the parsed output: defaults stay the server's.
  return body;
}

async function problemError(response: Response): Promise<SdkError> {
  const media = (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
  if (media !== PROBLEM_JSON) {
    return new UnexpectedResponse(response, `a ${response.status} response that is '${media}'`);
  }
  const parsed = schemas.Problem.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    return new UnexpectedResponse(response, `a problem body that is not a Problem: ${parsed.error.message}`);
  }
  const cls = ERRORS[parsed.data.code] ?? ApiError;
  return new cls(parsed.data, response);
}

/** The client: one method per operation of $title. */
export class Client {
  private readonly base: string;
  private readonly defaults: Record<string, string>;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly rateLimitRetries: number;

  constructor(options: ClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, "") + (options.basePath ?? BASE_PATH);
    this.defaults = { Accept: `application/json, ${PROBLEM_JSON}`, ...options.headers };
    if (options.token !== undefined) {
      if (AUTH_STYLE === "bearer") this.defaults["Authorization"] = `Bearer ${options.token}`;
      else if (AUTH_STYLE === "cookie") this.defaults["Cookie"] = `${AUTH_NAME}=${options.token}`;
      else this.defaults[AUTH_NAME] = options.token;
    }
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.rateLimitRetries = options.rateLimitRetries ?? 2;
  }

  private async exchange(call: Call): Promise<Response> {
    const url = new URL(this.base + call.path);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value === undefined || value === null) continue;
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
    }
    const headers: Record<string, string> = { ...this.defaults };
    for (const [name, value] of Object.entries(call.headers ?? {})) {
      if (value !== undefined) headers[name] = value;
    }
    const init: RequestInit = { method: call.method, headers };
    if (call.body !== undefined && call.form !== undefined) {
      init.body = formBody(call.body, call.form);
    } else if (call.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(call.body);
    }
    let response = await this.fetchImpl(url, init);
    // A 429 was not acted on: sending it again after the announced delay is safe.
    for (let retry = 0; response.status === 429 && retry < this.rateLimitRetries; retry++) {
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, retryAfterMs(response)));
      response = await this.fetchImpl(url, init);
    }
    if (response.status === call.status) return response;
    if (response.status >= 400) throw await problemError(response);
    await response.body?.cancel();
    if (response.status === 304) throw new NotModified(response);
    throw new UnexpectedResponse(response, `expected status ${call.status}, got ${response.status}`);
  }

  private async send<S extends z.ZodType>(call: Call, schema: S): Promise<z.output<S>> {
    const response = await this.exchange(call);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new UnexpectedResponse(response, `the ${call.status} body does not match: ${parsed.error.message}`);
    }
    if (typeof parsed.data === "object" && parsed.data !== null) {
      metas.set(parsed.data, {
        status: response.status,
        etag: response.headers.get("etag"),
        idempotentReplayed: response.headers.get("idempotent-replayed") === "true",
        idempotencyKey: call.headers?.["$idempotency_header"] ?? null,
        headers: response.headers,
      });
    }
    return parsed.data;
  }

  private async sendEmpty(call: Call): Promise<void> {
    const response = await this.exchange(call);
    await response.body?.cancel();
  }
  // slot: methods
}
