// The only module that knows the layout of the generated Zod contracts (<repo>/generated/zod,
// imported through the "@contracts" path alias). Handlers take every schema from here: the
// per-operation contract objects (path params, query, headers, body, responses per status)
// and the error taxonomy.
import {
  createContact, createInteraction, createJob, deleteContact, ERRORS, type ErrorCode,
  getContact, getJob, listContacts, listInteractions, listJobs, updateContact,
} from "@contracts";

export type { ErrorCode };

export const operations = {
  createContact, listContacts, getContact, updateContact, deleteContact,
  createInteraction, listInteractions, createJob, listJobs, getJob,
} as const;

export type OperationId = keyof typeof operations;

/** The taxonomy entry (status, title, type URI) of an error code. */
export function taxonomy(code: ErrorCode): { status: number; title: string; type: string } {
  return ERRORS[code];
}
