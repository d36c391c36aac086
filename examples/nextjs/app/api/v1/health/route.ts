// Readiness, outside the contract: the database answers as the application role.
import { sql } from "drizzle-orm";
import { db } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  await db().execute(sql`SELECT 1`);
  return Response.json({ ok: true });
}
