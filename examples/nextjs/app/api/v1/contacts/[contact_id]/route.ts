import * as api from "@/lib/api";
import { notAllowed, operation } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = operation("getContact", api.getContact);
export const PATCH = operation("updateContact", api.updateContact);
export const DELETE = operation("deleteContact", api.deleteContact);
export const POST = notAllowed(["DELETE", "GET", "PATCH"]);
export const PUT = POST;
