import * as api from "@/lib/api";
import { notAllowed, operation } from "@/lib/http";

export const dynamic = "force-dynamic";
export const POST = operation("createJob", api.createJob);
export const GET = operation("listJobs", api.listJobs);
export const PUT = notAllowed(["GET", "POST"]);
export const PATCH = PUT;
export const DELETE = PUT;
