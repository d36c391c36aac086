// The TypeScript helpers that emitted Zod schemas call, one top-level declaration each.
//
// synth.zod._runtime splits this file at blank lines into declarations; a module imports
// (or, standalone, inlines) only the helpers it uses, with the helpers those call, which are
// found by the names their code mentions. Keep one declaration per block, led by its doc
// comment and with no blank line inside, since each block is copied into generated modules.

import { z } from "zod";

/** The JSON type of a parsed value ("integer" is reported as "number"). */
export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value === "object" ? "object" : typeof value;
}

/** A JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON equality: numbers by value, objects by keys regardless of order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Length in Unicode code points, as JSON Schema and pydantic count it. */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** At least `n` code points (Zod's .min() counts UTF-16 units). */
export function minLength(n: number): z.core.$ZodCheck<string> {
  return z.refine((s: string) => codePoints(s) >= n, `expected at least ${n} characters`);
}

/** At most `n` code points (Zod's .max() counts UTF-16 units). */
export function maxLength(n: number): z.core.$ZodCheck<string> {
  return z.refine((s: string) => codePoints(s) <= n, `expected at most ${n} characters`);
}

/** An integral number of any size (z.int() stops at 2^53). */
export function integer(): z.core.$ZodCheck<number> {
  return z.refine((n: number) => Number.isInteger(n), "expected an integer");
}

/**
 * `value` is a multiple of `step`: exact for integers and decimal fractions, as JSON Schema
 * means it; with pydantic's relative tolerance when `lenient` (float fields).
 */
export function multipleOf(step: number, lenient = false): z.core.$ZodCheck<number> {
  return z.refine((value: number) => {
    if (Number.isInteger(step) && Number.isInteger(value)) {
      return Number.isSafeInteger(value) ? value % step === 0 : BigInt(value) % BigInt(step) === 0n;
    }
    if (lenient) {
      const rem = value % step;
      const tolerance = Math.abs(value) / 1e9;
      return Math.abs(rem) <= tolerance || Math.abs(rem - step) <= tolerance;
    }
    const quotient = value / step;
    if (!Number.isFinite(quotient)) return false;
    const [digits, scale] = decimal(step);
    const [vDigits, vScale] = decimal(value);
    const common = Math.max(scale, vScale);
    const a = vDigits * 10n ** BigInt(common - vScale);
    const b = digits * 10n ** BigInt(common - scale);
    return b !== 0n && a % b === 0n;
  }, `expected a multiple of ${step}`);
}

/** The exact decimal of a double's shortest representation: [digits, scale]. */
export function decimal(value: number): [bigint, number] {
  const [mantissa = "0", exp = "0"] = value.toExponential().split("e");
  const [whole, fraction = ""] = mantissa.split(".");
  const digits = BigInt(whole + fraction);
  const scale = fraction.length - Number(exp);
  return scale >= 0 ? [digits, scale] : [digits * 10n ** BigInt(-scale), 0];
}

/** No two items are equal as JSON values. */
export function uniqueItems<T extends readonly unknown[]>(): z.core.$ZodCheck<T> {
  return z.refine(
    (items: T) => items.every((item, i) => items.findIndex((o) => deepEqual(o, item)) === i),
    "expected unique items",
  );
}

/** Between `min` and `max` items (tuples, where .min()/.max() do not exist). */
export function itemCount<T extends readonly unknown[]>(min: number, max: number): z.core.$ZodCheck<T> {
  return z.refine((items: T) => items.length >= min && items.length <= max, `expected ${min} to ${max} items`);
}

/** Equal (as JSON) to one of `values`; for enum and const values that are not primitives. */
export function oneOfValues<T>(values: readonly unknown[]): z.core.$ZodCheck<T> {
  return z.refine((v: T) => values.some((o) => deepEqual(o, v)), "expected one of the allowed values");
}

/** Copy a failed sub-parse's issues onto `ctx`, prefixed by `path`. */
export function forward(
  ctx: z.core.$RefinementCtx<unknown>,
  error: z.ZodError,
  path: PropertyKey[] = [],
): void {
  for (const issue of error.issues) {
    ctx.addIssue({ code: "custom", message: issue.message, path: [...path, ...issue.path] });
  }
}

/** Every schema accepts the value. */
export function allOf<T>(schemas: readonly z.ZodType[]): z.core.$ZodCheck<T> {
  return z.superRefine((v: T, ctx) => {
    for (const schema of schemas) {
      const result = schema.safeParse(v);
      if (!result.success) forward(ctx, result.error);
    }
  });
}

/** At least one schema accepts the value. */
export function anyOf<T>(schemas: readonly z.ZodType[]): z.core.$ZodCheck<T> {
  return z.refine((v: T) => schemas.some((s) => s.safeParse(v).success), "expected a value matching anyOf");
}

/** Exactly one schema accepts the value. */
export function oneOf<T>(schemas: readonly z.ZodType[]): z.core.$ZodCheck<T> {
  return z.refine(
    (v: T) => schemas.filter((s) => s.safeParse(v).success).length === 1,
    "expected a value matching exactly one of oneOf",
  );
}

/** The schema rejects the value. */
export function not<T>(schema: z.ZodType): z.core.$ZodCheck<T> {
  return z.refine((v: T) => !schema.safeParse(v).success, "expected a value that does not match 'not'");
}

/** `then` applies when `if` accepts the value, `else` otherwise. */
export function ifThenElse<T>(
  condition: z.ZodType,
  then: z.ZodType | undefined,
  otherwise: z.ZodType | undefined,
): z.core.$ZodCheck<T> {
  return z.superRefine((v: T, ctx) => {
    const branch = condition.safeParse(v).success ? then : otherwise;
    const result = branch?.safeParse(v);
    if (result && !result.success) forward(ctx, result.error);
  });
}

/** Apply the schema for the value's JSON type; values of other types pass. */
export function byType(branches: {
  null?: z.ZodType;
  boolean?: z.ZodType;
  number?: z.ZodType;
  string?: z.ZodType;
  array?: z.ZodType;
  object?: z.ZodType;
}): z.ZodType<unknown> {
  return z.unknown().superRefine((v, ctx) => {
    const schema = branches[jsonType(v) as keyof typeof branches];
    const result = schema?.safeParse(v);
    if (result && !result.success) forward(ctx, result.error);
  });
}

/** Each key is present (for properties whose schema would accept a missing value). */
export function requiredKeys<T>(keys: readonly string[]): z.core.$ZodCheck<T> {
  return z.superRefine((v: T, ctx) => {
    for (const key of keys) {
      if (isObject(v) && !Object.hasOwn(v, key)) ctx.addIssue({ code: "custom", message: "required", path: [key] });
    }
  });
}

/** Between `min` and `max` properties. */
export function propertyCount<T>(min: number, max: number): z.core.$ZodCheck<T> {
  return z.refine((v: T) => {
    const n = isObject(v) ? Object.keys(v).length : 0;
    return n >= min && n <= max;
  }, `expected ${min} to ${max} properties`);
}

/** Every key is accepted by `names`. */
export function propertyNames<T>(names: z.ZodType): z.core.$ZodCheck<T> {
  return z.superRefine((v: T, ctx) => {
    for (const key of isObject(v) ? Object.keys(v) : []) {
      if (!names.safeParse(key).success) ctx.addIssue({ code: "custom", message: "invalid key", path: [key] });
    }
  });
}

/** Keys matching a pattern meet its schema; other unknown keys meet `additional`. */
export function patternProperties<T>(
  known: readonly string[],
  patterns: readonly (readonly [RegExp, z.ZodType])[],
  additional: z.ZodType | undefined,
): z.core.$ZodCheck<T> {
  return z.superRefine((v: T, ctx) => {
    if (!isObject(v)) return;
    for (const [key, value] of Object.entries(v)) {
      let matched = known.includes(key);
      for (const [pattern, schema] of patterns) {
        if (!pattern.test(key)) continue;
        matched = true;
        const result = schema.safeParse(value);
        if (!result.success) forward(ctx, result.error, [key]);
      }
      if (!matched && additional) {
        const result = additional.safeParse(value);
        if (!result.success) forward(ctx, result.error, [key]);
      }
    }
  });
}

/** Own properties (never inherited ones such as `toString`) meet their schemas. */
export function ownProperties<T>(schemas: Readonly<Record<string, z.ZodType>>): z.core.$ZodCheck<T> {
  return z.superRefine((v: T, ctx) => {
    if (!isObject(v)) return;
    for (const [key, schema] of Object.entries(schemas)) {
      if (!Object.hasOwn(v, key)) continue;
      const result = schema.safeParse(v[key]);
      if (!result.success) forward(ctx, result.error, [key]);
    }
  });
}

/** When a key is present, its dependent keys are too. */
export function dependentRequired<T>(deps: Readonly<Record<string, readonly string[]>>): z.core.$ZodCheck<T> {
  return z.refine((v: T) => {
    if (!isObject(v)) return true;
    return Object.entries(deps).every(
      ([key, needed]) => !Object.hasOwn(v, key) || needed.every((n) => Object.hasOwn(v, n)),
    );
  }, "expected dependent properties");
}

/** When a key is present, the whole object meets its schema. */
export function dependentSchemas<T>(deps: Readonly<Record<string, z.ZodType>>): z.core.$ZodCheck<T> {
  return z.superRefine((v: T, ctx) => {
    if (!isObject(v)) return;
    for (const [key, schema] of Object.entries(deps)) {
      if (!Object.hasOwn(v, key)) continue;
      const result = schema.safeParse(v);
      if (!result.success) forward(ctx, result.error);
    }
  });
}

/** Items at each position meet that position's schema; later items meet `rest`. */
export function prefixItems<T extends readonly unknown[]>(
  prefix: readonly z.ZodType[],
  rest: z.ZodType | undefined,
): z.core.$ZodCheck<T> {
  return z.superRefine((items: T, ctx) => {
    items.forEach((item, i) => {
      const schema = i < prefix.length ? prefix[i] : rest;
      const result = schema?.safeParse(item);
      if (result && !result.success) forward(ctx, result.error, [i]);
    });
  });
}

/** Between `min` and `max` items meet `schema`. */
export function contains<T extends readonly unknown[]>(
  schema: z.ZodType,
  min: number,
  max: number,
): z.core.$ZodCheck<T> {
  return z.refine((items: T) => {
    const n = items.filter((item) => schema.safeParse(item).success).length;
    return n >= min && n <= max;
  }, "expected matching items (contains)");
}

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** A calendar date YYYY-MM-DD, year 1 to 9999, as pydantic accepts it. */
export function isDate(text: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** An RFC 3339 date-time with offset; no leap second and year 1 to 9999, as pydantic. */
export function isDateTime(text: string): boolean {
  const m = /^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?(?:[Zz]|[+-]([0-9]{2}):([0-9]{2}))$/.exec(text);
  if (!m || !isDate(m[1] ?? "")) return false;
  const [h, min, s] = [Number(m[2]), Number(m[3]), Number(m[4])];
  const [oh, om] = [Number(m[5] ?? 0), Number(m[6] ?? 0)];
  return h <= 23 && min <= 59 && s <= 59 && oh <= 23 && om <= 59;
}

/** A time of day HH:MM[:SS[.fraction]] with optional offset, as pydantic accepts it. */
export function isTime(text: string): boolean {
  const m = /^([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]{1,6})?)?(?:[Zz]|[+-]([0-9]{2}):?([0-9]{2}))?$/.exec(text);
  if (!m) return false;
  const [h = 0, min = 0, s = 0, oh = 0, om = 0] = [m[1], m[2], m[3] ?? "0", m[4] ?? "0", m[5] ?? "0"].map(Number);
  return h <= 23 && min <= 59 && s <= 59 && oh <= 23 && om <= 59;
}

/** An ISO 8601 duration (PnYnMnDTnHnMnS or PnW). */
export function isDuration(text: string): boolean {
  return /^-?P(?:(?:[0-9]+(?:[.,][0-9]+)?Y)?(?:[0-9]+(?:[.,][0-9]+)?M)?(?:[0-9]+(?:[.,][0-9]+)?D)?(?:T(?:[0-9]+(?:[.,][0-9]+)?H)?(?:[0-9]+(?:[.,][0-9]+)?M)?(?:[0-9]+(?:[.,][0-9]+)?S)?)?|[0-9]+W)$/.test(text)
    && !/^-?PT?$/.test(text) && !text.endsWith("T");
}

/** A hyphenated UUID of any version and variant (pydantic does not check the variant). */
export function isUuid(text: string): boolean {
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(text);
}

/** An email address roughly as email-validator accepts it (see DEVIATIONS.md). */
export function isEmail(text: string): boolean {
  const at = text.lastIndexOf("@");
  if (at < 1 || codePoints(text) > 254) return false;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  const atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\u0080-\\u{10FFFF}-]+";
  if (!new RegExp(`^${atom}(?:\\.${atom})*$`, "u").test(local) || local.length > 64) return false;
  const labels = domain.split(".");
  const last = labels[labels.length - 1] ?? "";
  return labels.length >= 2
    && labels.every((l) => /^[A-Za-z0-9\u0080-\u{10FFFF}](?:[A-Za-z0-9\u0080-\u{10FFFF}-]{0,61}[A-Za-z0-9\u0080-\u{10FFFF}])?$/u.test(l))
    && !/^[0-9]+$/.test(last)
    // email-validator refuses special-use domains (RFC 6761 and friends).
    && !["arpa", "invalid", "local", "localhost", "onion", "test"].includes(last.toLowerCase());
}

/** An absolute URI with a scheme, as the WHATWG URL parser (and pydantic's Rust url) takes it. */
export function isUri(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(text) && URL.canParse(text);
}

/** An absolute URI as RFC 3986 writes it (what `format: uri` means in a JSON Schema): ASCII
 *  only, no space, `%` only before two hex digits, one `#` at most. */
export function isRfc3986Uri(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?[\]]|%[0-9A-Fa-f]{2})*(?:#(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?$/.test(text);
}

/** Dotted-quad IPv4 without leading zeros, as Python's ipaddress accepts it. */
export function isIpv4(text: string): boolean {
  return /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/.test(text);
}

/** An IPv6 address (optionally ending in dotted IPv4), as Python's ipaddress accepts it. */
export function isIpv6(text: string): boolean {
  let body = text;
  const zone = body.indexOf("%");
  if (zone >= 0) {
    if (zone === body.length - 1 || /[%/]/.test(body.slice(zone + 1))) return false;
    body = body.slice(0, zone);
  }
  let groups = 8;
  const lastColon = body.lastIndexOf(":");
  if (body.slice(lastColon + 1).includes(".")) {
    if (!isIpv4(body.slice(lastColon + 1))) return false;
    body = body.slice(0, lastColon + 1) + "0";
    groups = 7;
  }
  const halves = body.split("::");
  if (halves.length > 2) return false;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const head = parse(halves[0] ?? "");
  const tail = halves.length === 2 ? parse(halves[1] ?? "") : [];
  if (![...head, ...tail].every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const n = head.length + tail.length;
  return halves.length === 2 ? n <= groups - 1 : n === groups;
}

/**
 * The number `text` spells as Pydantic (v2, lax) reads a path, query, header or form value for
 * an `integer` or a `number` field, else the text: a handler's Zod takes exactly the text the
 * contract's model takes. Around it, the Unicode White_Space that Rust's `trim` strips (not
 * JavaScript's `trim`: that strips U+FEFF and keeps U+0085). An integer: ASCII digits, a sign,
 * `_` between digits, a fraction of zeros only (`+4`, ` 4`, `1_000`, `4.0`; not `4e0`, `0x4`,
 * `٤`). A number: the decimal forms too (`.5`, `5.`, `4e0`), `_` anywhere but at either end or
 * twice in a row. Pydantic also takes `inf` and `nan` for a number; JSON has neither, and Zod's
 * number refuses them.
 */
export function numberText(text: string, kind: "integer" | "number"): number | string {
  const space = "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*";
  if (kind === "integer") {
    const m = new RegExp(`^${space}([+-]?[0-9](?:_?[0-9])*)(?:\\.0+)?${space}$`).exec(text);
    return m?.[1] === undefined ? text : Number(m[1].replaceAll("_", ""));
  }
  const decimal = "[+-]?(?:[0-9_]+\\.?[0-9_]*|\\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?";
  const core = new RegExp(`^${space}(${decimal})${space}$`).exec(text)?.[1];
  if (core === undefined || /^_|_$|__/.test(core)) return text;
  const plain = core.replaceAll("_", "");
  const [mantissa = "", exponent] = plain.split(/[eE]/);
  return /[0-9]/.test(mantissa) && (exponent === undefined || /[0-9]/.test(exponent))
    ? Number(plain)
    : text;
}

/** Path, query and header values arrive as text: parse numbers and booleans first. */
export function fromText<T extends z.ZodType>(schema: T, kind: "integer" | "number" = "number") {
  return z.preprocess((v) => {
    if (typeof v !== "string") return v;
    if (v === "true" || v === "false") return v === "true";
    return numberText(v, kind);
  }, schema);
}

/**
 * A form body (the `FormData` or `URLSearchParams` a handler reads) as the object `schema`
 * takes: the fields in `lists` as lists (a repeated field), the others as their one value, and
 * the text of the fields in `parsed` read as numbers and booleans first. Objects pass as they are.
 */
export function formBody<T extends z.ZodType>(
  schema: T,
  lists: readonly string[],
  parsed: readonly string[],
) {
  const read = (v: unknown) => {
    if (typeof v !== "string") return v;
    if (v === "true" || v === "false") return v === "true";
    return numberText(v, "number");
  };
  return z.preprocess((form) => {
    const fields = new Map<string, unknown[]>();
    const add = (value: unknown, key: string) => {
      const values = fields.get(key) ?? [];
      fields.set(key, [...values, parsed.includes(key) ? read(value) : value]);
    };
    if (form instanceof URLSearchParams) form.forEach(add);
    else if (form instanceof FormData) form.forEach(add);
    else return form;
    const out: Record<string, unknown> = {};
    fields.forEach((values, key) => {
      out[key] = lists.includes(key) || values.length > 1 ? values : values[0];
    });
    return out;
  }, schema);
}

/** A string format check; the message names the format so deviations can be traced. */
export function format(name: string, test: (text: string) => boolean): z.core.$ZodCheck<string> {
  return z.refine((s: string) => test(s), `synth:format:${name}`);
}

/** What a schema evaluated on a value: keys or indices, or `true` for all of them. */
export type Ev = (value: unknown) => Set<string | number> | true;

/** Evaluates nothing. */
export const evNone: Ev = () => new Set();

/** Evaluates every key or item (additionalProperties, items, nested unevaluated*). */
export const evAll: Ev = () => true;

/** Evaluates the listed property names (properties). */
export function evNames(names: readonly string[]): Ev {
  return () => new Set(names);
}

/** Evaluates the keys matching a pattern (patternProperties). */
export function evPatterns(patterns: readonly RegExp[]): Ev {
  return (v) => new Set(isObject(v) ? Object.keys(v).filter((k) => patterns.some((p) => p.test(k))) : []);
}

/** Evaluates the first `n` items (prefixItems). */
export function evPrefix(n: number): Ev {
  return () => new Set(Array.from({ length: n }, (_, i) => i));
}

/** Evaluates the items that `schema` accepts (contains). */
export function evContains(schema: z.ZodType): Ev {
  return (v) => new Set(Array.isArray(v) ? v.flatMap((item, i) => (schema.safeParse(item).success ? [i] : [])) : []);
}

/** `ev` counts only when `schema` accepts the value (anyOf and oneOf branches). */
export function evWhen(schema: z.ZodType, ev: Ev): Ev {
  return (v) => (schema.safeParse(v).success ? ev(v) : new Set());
}

/** `then` (with `if`) when `condition` accepts the value, `otherwise` when not. */
export function evIf(condition: z.ZodType, then: Ev, otherwise: Ev): Ev {
  return (v) => (condition.safeParse(v).success ? then(v) : otherwise(v));
}

/** `ev` counts only when `key` is present (dependentSchemas). */
export function evDependent(key: string, ev: Ev): Ev {
  return (v) => (isObject(v) && Object.hasOwn(v, key) ? ev(v) : new Set());
}

/** Everything any part evaluates. */
export function evUnion(parts: readonly Ev[]): Ev {
  return (v) => {
    const out = new Set<string | number>();
    for (const part of parts) {
      const seen = part(v);
      if (seen === true) return true;
      for (const k of seen) out.add(k);
    }
    return out;
  };
}

/** Keys that `ev` did not evaluate meet `schema`. */
export function unevaluatedProperties<T>(ev: Ev, schema: z.ZodType): z.core.$ZodCheck<T> {
  return z.superRefine((v: T, ctx) => {
    if (!isObject(v)) return;
    const seen = ev(v);
    if (seen === true) return;
    for (const [key, value] of Object.entries(v)) {
      if (seen.has(key)) continue;
      const result = schema.safeParse(value);
      if (!result.success) forward(ctx, result.error, [key]);
    }
  });
}

/** Items that `ev` did not evaluate meet `schema`. */
export function unevaluatedItems<T>(ev: Ev, schema: z.ZodType): z.core.$ZodCheck<T> {
  return z.superRefine((v: T, ctx) => {
    if (!Array.isArray(v)) return;
    const seen = ev(v);
    if (seen === true) return;
    v.forEach((item, i) => {
      if (seen.has(i)) return;
      const result = schema.safeParse(item);
      if (!result.success) forward(ctx, result.error, [i]);
    });
  });
}
