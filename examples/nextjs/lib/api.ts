// The ten operations of the example API. Tenant isolation is row-level security's job: no
// query below filters by tenant; each runs in a transaction with the tenant set (withTenant).
import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import { operations as ops } from "./contracts";
import { pgError, rfc3339, type Tx, withTenant } from "./db/client";
import { type ContactRow, contacts, type InteractionRow, interactions, type JobRow, jobs } from "./db/schema";
import { normalizeDateTime, toUtcInstant } from "./datetime";
import { ApiError, type Ctx, json } from "./http";
import { fingerprint, idempotent } from "./idempotency";
import { authenticate, body, idempotencyKey, pathParams, query } from "./input";
import { page } from "./pages";
import { fromDb, toDb } from "./text";

/** A list's query, its limit defaulted as the contract's pagination semantics say. */
function pageQuery<Q extends z.ZodType>(
  request: Request,
  op: { query: Q; semantics: { pagination: { limitParam: string; limit: { default: number } } } },
) {
  const { limitParam, limit } = op.semantics.pagination;
  const q = query(request, op.query, [limitParam]) as z.output<Q> & { limit?: number };
  return { ...q, limit: q.limit ?? limit.default };
}

const notFound = (what: string) => new ApiError("not_found", `No such ${what} in your tenant.`);
const emailTaken = () => new ApiError("email_taken", "Another contact in your tenant has this email.");

/** Run a write; the per-tenant unique email constraint becomes 409 email_taken. */
async function guardEmail<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (pgError(error).constraint === "contacts_tenant_email_key") throw emailTaken();
    throw error;
  }
}

/** Emails as the contract's validator normalizes them: the domain lower-cased, NFC. */
function normalizeEmail(email: string | null): string | null {
  if (email === null) return null;
  const at = email.lastIndexOf("@");
  return `${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}`.normalize("NFC");
}

function contactJson(row: ContactRow) {
  return ops.getContact.responses[200].schema.parse({
    id: row.id, name: fromDb(row.name), email: row.email, phone: row.phone, tags: row.tags,
    created_at: rfc3339(row.createdAt), updated_at: rfc3339(row.updatedAt),
  });
}

function interactionJson(row: InteractionRow) {
  return {
    id: row.id, contact_id: row.contactId, type: row.type, occurred_at: row.occurredAtText,
    summary: fromDb(row.summary), created_at: rfc3339(row.createdAt),
  };
}

function jobJson(row: JobRow) {
  return {
    id: row.id, kind: row.kind, status: row.status, attempts: row.attempts,
    max_attempts: row.maxAttempts, last_error: row.lastError,
    created_at: rfc3339(row.createdAt), updated_at: rfc3339(row.updatedAt),
  };
}

function etagOf(body: unknown): string {
  return `"${createHash("sha256").update(canonicalJson(body)).digest("hex").slice(0, 32)}"`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** RFC 9110 list matching; weak comparison (If-None-Match) ignores W/. */
function etagMatches(header: string, etag: string, weak: boolean): boolean {
  return header.split(",").some((part) => {
    let candidate = part.trim();
    if (candidate === "*") return true;
    if (weak && candidate.startsWith("W/")) candidate = candidate.slice(2);
    return candidate === etag;
  });
}

async function findContact(tx: Tx, id: string, lock = false): Promise<ContactRow | undefined> {
  const q = tx.select().from(contacts).where(eq(contacts.id, id)).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  return row;
}

// -- contacts -------------------------------------------------------------------------------

export async function createContact(request: Request, ctx: Ctx): Promise<Response> {
  const tenant = authenticate(request);
  const op = ops.createContact;
  const key = idempotencyKey(request, op.headers);
  const { raw, value } = await body(request, ops.createContact.body);
  const fp = fingerprint(request.method, new URL(request.url).pathname, raw);
  return idempotent(tenant, key, fp, async (tx) => {
    const [row] = await guardEmail(() =>
      tx.insert(contacts).values({
        name: toDb(value.name), email: normalizeEmail(value.email ?? null), phone: value.phone ?? null, tags: value.tags,
      }).returning(),
    );
    const location = `${new URL(request.url).pathname.replace(/\/+$/, "")}/${row!.id}`;
    return { status: 201, body: ops.createContact.responses[201].schema.parse(contactJson(row!)), headers: { location } };
  });
}

export async function listContacts(request: Request): Promise<Response> {
  const tenant = authenticate(request);
  const q = pageQuery(request, ops.listContacts);
  const result = await withTenant(tenant, (tx) =>
    page<ContactRow>(tx, { tenant, operationId: "listContacts", scope: { tag: q.tag ?? null, q: q.q ?? null }, limit: q.limit, cursor: q.cursor }, {
      table: contacts, sort: contacts.createdAt, id: contacts.id,
      where: [
        q.tag === undefined ? undefined : sql`${contacts.tags} @> ARRAY[${q.tag}]::text[]`,
        // Case-insensitive substring with full Unicode case mapping (ICU), as Python's lower().
        q.q === undefined ? undefined : sql`strpos(lower(${contacts.name} COLLATE "und-x-icu"), lower(${toDb(q.q)} COLLATE "und-x-icu")) > 0`,
      ],
    }, (row) => [row.createdAt, row.id]),
  );
  return json(ops.listContacts.responses[200].schema.parse({ items: result.rows.map(contactJson), next_cursor: result.next }), 200);
}

export async function getContact(request: Request, ctx: Ctx): Promise<Response> {
  const tenant = authenticate(request);
  const id = pathParams(ctx, ops.getContact.pathParams).contact_id.toLowerCase();
  const row = await withTenant(tenant, (tx) => findContact(tx, id));
  if (!row) throw notFound("contact");
  const contact = contactJson(row);
  const etag = etagOf(contact);
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch !== null && etagMatches(ifNoneMatch, etag, true)) {
    return new Response(null, { status: 304, headers: { etag } });
  }
  return json(contact, 200, { etag });
}

export async function updateContact(request: Request, ctx: Ctx): Promise<Response> {
  const tenant = authenticate(request);
  const id = pathParams(ctx, ops.updateContact.pathParams).contact_id.toLowerCase();
  // Only the fields the client sent change: a field left out is absent from `value` (the
  // contract gives it no default), and one sent as null is null, which clears it.
  const { value } = await body(request, ops.updateContact.body);
  const contact = await withTenant(tenant, async (tx) => {
    const row = await findContact(tx, id, true);
    if (!row) throw notFound("contact");
    const ifMatch = request.headers.get("if-match");
    if (ifMatch !== null && !etagMatches(ifMatch, etagOf(contactJson(row)), false)) {
      throw new ApiError("precondition_failed", "The contact changed since you read it.");
    }
    const changes: Partial<typeof contacts.$inferInsert> = { updatedAt: sql`clock_timestamp()` as unknown as string };
    if (value.name !== undefined) changes.name = toDb(value.name);
    if (value.email !== undefined) changes.email = normalizeEmail(value.email);
    if (value.phone !== undefined) changes.phone = value.phone;
    if (value.tags !== undefined) changes.tags = value.tags;
    const [updated] = await guardEmail(() => tx.update(contacts).set(changes).where(eq(contacts.id, id)).returning());
    return contactJson(updated!);
  });
  return json(ops.updateContact.responses[200].schema.parse(contact), 200, { etag: etagOf(contact) });
}

export async function deleteContact(request: Request, ctx: Ctx): Promise<Response> {
  const tenant = authenticate(request);
  const id = pathParams(ctx, ops.deleteContact.pathParams).contact_id.toLowerCase();
  const deleted = await withTenant(tenant, (tx) => tx.delete(contacts).where(eq(contacts.id, id)).returning({ id: contacts.id }));
  if (!deleted.length) throw notFound("contact");
  return new Response(null, { status: 204 });
}

// -- interactions ---------------------------------------------------------------------------

export async function createInteraction(request: Request, ctx: Ctx): Promise<Response> {
  const tenant = authenticate(request);
  const op = ops.createInteraction;
  const contactId = pathParams(ctx, op.pathParams).contact_id.toLowerCase();
  const key = idempotencyKey(request, op.headers);
  const { raw, value } = await body(request, ops.createInteraction.body);
  const fp = fingerprint(request.method, new URL(request.url).pathname, raw);
  const occurred = normalizeDateTime(value.occurred_at);
  return idempotent(tenant, key, fp, async (tx) => {
    if (!(await findContact(tx, contactId))) throw notFound("contact");
    const [row] = await tx.insert(interactions).values({
      contactId, type: value.type, occurredAt: toUtcInstant(value.occurred_at), occurredAtText: occurred,
      summary: toDb(value.summary),
    }).returning();
    return { status: 201, body: ops.createInteraction.responses[201].schema.parse(interactionJson(row!)) };
  });
}

export async function listInteractions(request: Request, ctx: Ctx): Promise<Response> {
  const tenant = authenticate(request);
  const contactId = pathParams(ctx, ops.listInteractions.pathParams).contact_id.toLowerCase();
  const q = pageQuery(request, ops.listInteractions);
  const result = await withTenant(tenant, async (tx) => {
    if (!(await findContact(tx, contactId))) throw notFound("contact");
    return page<InteractionRow>(tx, { tenant, operationId: "listInteractions", scope: { contact_id: contactId, type: q.type ?? null }, limit: q.limit, cursor: q.cursor }, {
      table: interactions, sort: interactions.occurredAt, id: interactions.id,
      where: [eq(interactions.contactId, contactId), q.type === undefined ? undefined : eq(interactions.type, q.type)],
    }, (row) => [row.occurredAt, row.id]);
  });
  return json(ops.listInteractions.responses[200].schema.parse({ items: result.rows.map(interactionJson), next_cursor: result.next }), 200);
}

// -- jobs -----------------------------------------------------------------------------------

export async function createJob(request: Request, ctx: Ctx): Promise<Response> {
  const tenant = authenticate(request);
  const op = ops.createJob;
  const key = idempotencyKey(request, op.headers);
  const { raw, value } = await body(request, ops.createJob.body);
  const fp = fingerprint(request.method, new URL(request.url).pathname, raw);
  return idempotent(tenant, key, fp, async (tx) => {
    const [row] = await tx.insert(jobs).values({ kind: value.kind, maxAttempts: value.max_attempts }).returning();
    return { status: 202, body: ops.createJob.responses[202].schema.parse(jobJson(row!)) };
  });
}

export async function listJobs(request: Request): Promise<Response> {
  const tenant = authenticate(request);
  const q = pageQuery(request, ops.listJobs);
  const result = await withTenant(tenant, (tx) =>
    page<JobRow>(tx, { tenant, operationId: "listJobs", scope: { status: q.status ?? null }, limit: q.limit, cursor: q.cursor }, {
      table: jobs, sort: jobs.createdAt, id: jobs.id,
      where: [q.status === undefined ? undefined : eq(jobs.status, q.status)],
    }, (row) => [row.createdAt, row.id]),
  );
  return json(ops.listJobs.responses[200].schema.parse({ items: result.rows.map(jobJson), next_cursor: result.next }), 200);
}

export async function getJob(request: Request, ctx: Ctx): Promise<Response> {
  const tenant = authenticate(request);
  const id = pathParams(ctx, ops.getJob.pathParams).job_id.toLowerCase();
  const [row] = await withTenant(tenant, (tx) => tx.select().from(jobs).where(and(eq(jobs.id, id))).limit(1));
  if (!row) throw notFound("job");
  return json(ops.getJob.responses[200].schema.parse(jobJson(row)), 200);
}
