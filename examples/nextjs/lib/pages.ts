// Keyset pagination: ORDER BY sort DESC, id DESC; the cursor carries the last row's key.
import { and, desc, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import { mint, type Position, scopeDigest, verify } from "./cursor";
import type { Tx } from "./db/client";

export interface PageRequest {
  tenant: string;
  operationId: string;
  scope: Record<string, unknown>;
  limit: number;
  cursor: string | undefined;
}

export interface Keyset {
  table: PgTable;
  sort: AnyPgColumn;
  id: AnyPgColumn;
  where: (SQL | undefined)[];
}

/** One page of rows and the cursor of the next (null on the last page). */
export async function page<Row extends Record<string, unknown>>(
  tx: Tx,
  request: PageRequest,
  keyset: Keyset,
  key: (row: Row) => Position,
): Promise<{ rows: Row[]; next: string | null }> {
  const digest = scopeDigest(request.tenant, { op: request.operationId, ...request.scope });
  const after = request.cursor === undefined ? undefined : verify(request.cursor, digest);
  const conditions = [...keyset.where];
  if (after) {
    conditions.push(sql`(${keyset.sort}, ${keyset.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  }
  const rows = (await tx
    .select()
    .from(keyset.table)
    .where(and(...conditions))
    .orderBy(desc(keyset.sort), desc(keyset.id))
    .limit(request.limit + 1)) as Row[];
  const items = rows.slice(0, request.limit);
  const last = items.at(-1);
  const next = rows.length > request.limit && last ? mint(digest, key(last)) : null;
  return { rows: items, next };
}
