// The Drizzle schema: the same tables as db/migrations/0001_init.up.sql (the SQL is the source
// of truth for constraints, indexes and policies; this file types the queries).
import { sql } from "drizzle-orm";
import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

// Timestamps stay strings end to end: JavaScript Dates would drop the microseconds that
// keyset cursors depend on.
const instant = (name: string) => timestamp(name, { withTimezone: true, mode: "string" });
const tenantId = () => text("tenant_id").notNull().default(sql`app_tenant()`);

export const contacts = pgTable("contacts", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantId(),
  name: text("name").notNull(),
  email: text("email"),
  phone: text("phone"),
  tags: text("tags").array().notNull().default(sql`'{}'`),
  createdAt: instant("created_at").notNull().default(sql`clock_timestamp()`),
  updatedAt: instant("updated_at").notNull().default(sql`clock_timestamp()`),
});

export const interactions = pgTable("interactions", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantId(),
  contactId: uuid("contact_id").notNull(),
  type: text("type").notNull(),
  occurredAt: instant("occurred_at").notNull(),
  occurredAtText: text("occurred_at_text").notNull(),
  summary: text("summary").notNull(),
  createdAt: instant("created_at").notNull().default(sql`clock_timestamp()`),
});

export const jobs = pgTable("jobs", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantId(),
  kind: text("kind").notNull(),
  status: text("status").notNull().default("queued"),
  attempts: integer("attempts").notNull().default(0),
  maxAttempts: integer("max_attempts").notNull(),
  lastError: text("last_error"),
  runAt: instant("run_at").notNull().default(sql`clock_timestamp()`),
  lockedUntil: instant("locked_until"),
  createdAt: instant("created_at").notNull().default(sql`clock_timestamp()`),
  updatedAt: instant("updated_at").notNull().default(sql`clock_timestamp()`),
});

export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    tenantId: tenantId(),
    key: text("key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    state: text("state").notNull(),
    status: integer("status"),
    body: text("body"),
    headers: jsonb("headers").$type<Record<string, string>>(),
    lockedUntil: instant("locked_until"),
    createdAt: instant("created_at").notNull().default(sql`clock_timestamp()`),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);

export type ContactRow = typeof contacts.$inferSelect;
export type InteractionRow = typeof interactions.$inferSelect;
export type JobRow = typeof jobs.$inferSelect;
