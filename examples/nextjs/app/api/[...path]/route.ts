// Any other path under /api: the taxonomy's 404 rather than Next's HTML page.
import { unknownPath } from "@/lib/http";

export const dynamic = "force-dynamic";
export const GET = unknownPath;
export const POST = unknownPath;
export const PUT = unknownPath;
export const PATCH = unknownPath;
export const DELETE = unknownPath;
