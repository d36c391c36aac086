import * as api from "@/lib/api";
import { notAllowed, operation } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = operation("getJob", api.getJob);
export const POST = notAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
