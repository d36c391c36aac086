"""Templates of the TypeScript client: ``string.Template`` constants with ``$named`` placeholders.

The client itself is ``typescript/client.ts``, a real TypeScript file read with ``file_template``.
"""

from __future__ import annotations

from ..._template import Template, file_template

__all__ = ["CLIENT", "ERROR_CLASS", "INDEX", "LINKED"]

# The fixed client, a real file that tsc checks (tests/sdk/test_typescript_sdk.py).
CLIENT = file_template("synth.emit._sdk", "typescript/client.ts")

ERROR_CLASS = Template("""\
/** $status `$code`: $title. */
export class $name extends ApiError {
  static override readonly code: string = $code_literal;
  static override readonly status: number = $status;
  static override readonly retryable: boolean = $retryable;
}""")

INDEX = Template("""\
// $provenance
export * from "./client.js";
""")

# Methods of the client for lists paged by the `Link` header (RFC 8288), emitted only when the
# API has one. node/package.json has no Link-header parser (and the client adds no dependency
# beyond zod), so `nextLink` is a small RFC 8288 parser. A relative target is resolved against
# the request's URL, and a next page outside the client's base URL is refused, so the client's
# credentials never go to another server. `next` is the next page's path below the base URL.
LINKED = """
  private async linked<S extends z.ZodType>(
    call: Call,
    item: S,
  ): Promise<{ items: Array<z.output<S>>; next: string | null }> {
    const response = await this.exchange(call);
    const parsed = z.array(item).safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new UnexpectedResponse(response, `the ${call.status} body does not match: ${parsed.error.message}`);
    }
    const target = Client.nextLink(response.headers.get("link"));
    if (target === null) return { items: parsed.data, next: null };
    const url = new URL(target, response.url || this.base + call.path).href;
    if (!url.startsWith(this.base + "/") && !url.startsWith(this.base + "?")) {
      throw new UnexpectedResponse(response, `the next page ${url} is outside ${this.base}; it is not followed`);
    }
    return { items: parsed.data, next: url.slice(this.base.length) };
  }

  /** The target of the `rel="next"` link of a `Link` header (RFC 8288), or null. */
  private static nextLink(header: string | null): string | null {
    if (header === null) return null;
    const link = /<([^>]*)>((?:\\s*;\\s*[^\\s;,=]+(?:\\s*=\\s*(?:"(?:[^"\\\\]|\\\\.)*"|[^;,]*))?)*)/g;
    const param = /;\\s*([^\\s;,=]+)(?:\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;,]*)))?/g;
    for (const [, target, params] of header.matchAll(link)) {
      for (const [, name, quoted, bare] of (params ?? "").matchAll(param)) {
        if (name!.toLowerCase() !== "rel") continue;
        const rels = (quoted ?? bare ?? "").trim().toLowerCase().split(/\\s+/);
        if (rels.includes("next")) return target!;
      }
    }
    return null;
  }
"""
