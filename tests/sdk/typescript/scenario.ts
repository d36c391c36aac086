// Every operation of the example API through the generated TypeScript client, against a
// running reference server: `node scenario.js BASE_URL`. Prints one JSON line of results.
import {
  ApiError,
  Client,
  EmailTaken,
  IdempotencyKeyReused,
  InvalidBody,
  InvalidCursor,
  NotFound,
  NotModified,
  PreconditionFailed,
  Unauthenticated,
  ValidationFailed,
  responseHeaders,
  responseMeta,
} from "../sdk/typescript/src/index.js";
import { createContactResponseHeaders } from "../sdk/typescript/src/zod/index.js";

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`failed: ${what}`);
}

async function rejects<E extends Error>(cls: new (...args: never[]) => E, run: () => Promise<unknown>): Promise<E> {
  try {
    await run();
  } catch (error) {
    if (error instanceof cls) return error;
    throw new Error(`expected ${cls.name}, got ${String(error)}`);
  }
  throw new Error(`expected ${cls.name}, nothing was thrown`);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function main(baseUrl: string): Promise<void> {
  const a = new Client({ baseUrl, token: "token-a" });
  const b = new Client({ baseUrl, token: "token-b" });
  const anonymous = new Client({ baseUrl });
  const called = new Set<string>();

  // createContact: generated key, replay, reused key, email_taken, a body Zod refuses
  const ada = await a.createContact({ name: "Ada", email: "ada@example.com", tags: ["vip"] });
  called.add("createContact");
  const meta = responseMeta(ada);
  check(meta !== undefined && meta.status === 201 && !meta.idempotentReplayed, "created");
  const key = meta.idempotencyKey;
  check(key !== null && /^[0-9a-f-]{36}$/.test(key), "a generated idempotency key");
  const again = await a.createContact({ name: "Ada", email: "ada@example.com", tags: ["vip"] }, { idempotencyKey: key });
  check(again.id === ada.id && responseMeta(again)?.idempotentReplayed === true, "replayed");
  // The declared Location, parsed with its Zod schema, on the answer and on its replay
  const location: string = responseHeaders(createContactResponseHeaders, ada).location;
  check(location.endsWith(`/contacts/${ada.id}`), "a Location naming the new contact");
  check(responseHeaders(createContactResponseHeaders, again).location === location, "the replay's Location");
  const reused = await rejects(IdempotencyKeyReused, () => a.createContact({ name: "Other" }, { idempotencyKey: key }));
  check(reused.problem.code === "idempotency_key_reused" && reused.status === 422, "reused key");
  const taken = await rejects(EmailTaken, () => a.createContact({ name: "Ada II", email: "ada@example.com" }));
  check(taken instanceof ApiError && taken.problem.status === 409, "email taken");
  await rejects(InvalidBody, () => a.createContact({ name: "x", tags: ["vip", "vip"] }));

  // listContacts and iterContacts
  for (let i = 0; i < 4; i++) await a.createContact({ name: `Bob ${i}`, tags: ["team"] });
  const first = await a.listContacts({ limit: 2 });
  called.add("listContacts");
  check(first.items.length === 2 && first.next_cursor !== null, "a first page");
  const names = (await collect(a.iterContacts({ limit: 2 }))).map((c) => c.name);
  check(names.join(",") === "Bob 3,Bob 2,Bob 1,Bob 0,Ada", `walked ${names.join(",")}`);
  check((await collect(a.iterContacts({ tag: "vip" }))).length === 1, "tag filter");
  await rejects(InvalidCursor, () => a.listContacts({ cursor: "not-a-cursor" }));
  const invalid = await rejects(ValidationFailed, () => a.listContacts({ limit: 1000 }));
  check((invalid.problem.errors ?? []).length > 0, "field errors");

  // getContact and updateContact: ETag, If-None-Match, If-Match
  const got = await a.getContact(ada.id);
  called.add("getContact");
  const etag = responseMeta(got)?.etag;
  check(typeof etag === "string" && etag.length > 0, "an ETag");
  const notModified = await rejects(NotModified, () => a.getContact(ada.id, { ifNoneMatch: etag }));
  check(notModified.etag === etag, "304 carries the ETag");
  const updated = await a.updateContact(ada.id, { phone: "+15555550100" }, { ifMatch: etag });
  called.add("updateContact");
  check(updated.phone === "+15555550100" && updated.email === "ada@example.com", "only phone changed");
  await rejects(PreconditionFailed, () => a.updateContact(ada.id, { name: "Stale" }, { ifMatch: etag }));

  // interactions
  for (const [i, type] of (["call", "note", "call"] as const).entries()) {
    const at = new Date(Date.UTC(2024, 4, 1, 12 + i)).toISOString();
    const created = await a.createInteraction(ada.id, { type, occurred_at: at, summary: `#${i}` });
    check(created.contact_id === ada.id, "interaction of ada");
  }
  called.add("createInteraction");
  const timeline = (await collect(a.iterInteractions(ada.id, { limit: 2 }))).map((i) => i.summary);
  check(timeline.join(",") === "#2,#1,#0", `timeline ${timeline.join(",")}`);
  const notes = await a.listInteractions(ada.id, { type: "note" });
  called.add("listInteractions");
  check(notes.items.length === 1 && notes.next_cursor === null, "type filter");

  // jobs
  const job = await a.createJob({ kind: "export_contacts" });
  called.add("createJob");
  check(responseMeta(job)?.status === 202 && job.max_attempts === 3, "job accepted");
  check((await a.getJob(job.id)).id === job.id, "job read");
  called.add("getJob");
  const jobs = await collect(a.iterJobs({ limit: 1 }));
  check(jobs.length === 1 && jobs[0]?.id === job.id, "jobs walked");
  const queued = await a.listJobs({ status: "queued" });
  called.add("listJobs");
  check(queued.items.every((j) => j.status === "queued"), "status filter");

  // tenants, authentication, delete
  await rejects(NotFound, () => b.getContact(ada.id));
  check((await collect(b.iterContacts())).length === 0, "b sees none of a's contacts");
  await rejects(Unauthenticated, () => anonymous.listJobs());
  await a.deleteContact(ada.id);
  called.add("deleteContact");
  await rejects(NotFound, () => a.getContact(ada.id));

  console.log(JSON.stringify({ ok: true, operations: [...called].sort() }));
}

main(process.argv[2] ?? "").catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exit(1);
});
