// The only module that knows the layout of the generated Zod contracts (<repo>/generated/zod,
// imported through the "@contracts" path alias). Route handlers take their schemas from here.
import { Contact, ContactCreate, ContactUpdate, InteractionCreate, JobCreate, errors, operations } from "@contracts";
import type { z } from "zod";

export { operations };
export type ErrorCode = keyof typeof errors;

/** The taxonomy entry (status, title, type URI) of an error code. */
export function taxonomy(code: ErrorCode): { status: number; title: string; type: string } {
  return errors[code];
}

export const bodies = {
  createContact: ContactCreate,
  updateContact: ContactUpdate,
  createInteraction: InteractionCreate,
  createJob: JobCreate,
} as const;

export const queries = {
  listContacts: operations.listContacts.query,
  listInteractions: operations.listInteractions.query,
  listJobs: operations.listJobs.query,
} as const;

/** Response schemas: every body the handlers send is parsed by these first. */
export const responses = {
  createContact: operations.createContact.responses[201],
  listContacts: operations.listContacts.responses[200],
  getContact: operations.getContact.responses[200],
  updateContact: operations.updateContact.responses[200],
  createInteraction: operations.createInteraction.responses[201],
  listInteractions: operations.listInteractions.responses[200],
  createJob: operations.createJob.responses[202],
  listJobs: operations.listJobs.responses[200],
  getJob: operations.getJob.responses[200],
} as const;

/** Path parameters are UUIDs exactly as the contract's `format: uuid` has them. */
export const PathId = Contact.shape.id;

export type ContactOut = z.output<typeof Contact>;
