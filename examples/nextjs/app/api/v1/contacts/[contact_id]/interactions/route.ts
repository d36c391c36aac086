import * as api from "@/lib/api";
import { notAllowed, operation } from "@/lib/http";

export const dynamic = "force-dynamic";
export const POST = operation("createInteraction", api.createInteraction);
export const GET = operation("listInteractions", api.listInteractions);
export const PUT = notAllowed(["GET", "POST"]);
export const PATCH = PUT;
export const DELETE = PUT;
