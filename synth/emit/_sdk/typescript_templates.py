"""Templates of the TypeScript client: ``string.Template`` constants with ``$named`` placeholders.

The client itself is ``typescript/client.ts``, a real TypeScript file read with ``file_template``.
"""

from __future__ import annotations

from ..._template import Template, file_template

__all__ = ["CLIENT", "ERROR_CLASS", "INDEX"]

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
export * from "./client";
""")
