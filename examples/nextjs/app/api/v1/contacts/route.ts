import * as api from "@/lib/api";
import { notAllowed, operation } from "@/lib/http";

export const dynamic = "force-dynamic";
export const POST = operation("createContact", api.createContact);
export const GET = operation("listContacts", api.listContacts);
export const PUT = notAllowed(["GET", "POST"]);
export const PATCH = PUT;
export const DELETE = PUT;
