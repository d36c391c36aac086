"""The Python end of node/zod-harness.mjs: one long-lived node process, batched requests."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
NODE_DIR = REPO / "node"
HARNESS = NODE_DIR / "zod-harness.mjs"


def node_available() -> str | None:
    """Why the node harness cannot run, or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (NODE_DIR / "node_modules" / "zod").is_dir():
        return "node/node_modules is missing: run `npm ci` in node/"
    return None


class NodeHarness:
    """Load emitted TypeScript modules once, then validate JSON texts in batches."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            ["node", str(HARNESS)],
            cwd=NODE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def request(self, payload: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(payload) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the node harness exited")
        response: dict[str, Any] = json.loads(line)
        return response

    def load(self, module_id: str, files: dict[str, str], entry: str) -> list[str]:
        response = self.request({"op": "load", "id": module_id, "files": files, "entry": entry})
        if not response["ok"]:
            raise RuntimeError(response["error"])
        exports: list[str] = response["exports"]
        return exports

    def unload(self, module_id: str) -> None:
        self.request({"op": "unload", "id": module_id})

    def validate(self, module_id: str, schema: str, texts: list[str]) -> list[dict[str, Any]]:
        response = self.request(
            {"op": "validate", "module": module_id, "schema": schema, "texts": texts}
        )
        if not response["ok"]:
            raise RuntimeError(response["error"])
        results: list[dict[str, Any]] = response["results"]
        return results

    def parse(self, module_id: str, schema: str, texts: list[str]) -> list[dict[str, Any]]:
        """Like ``validate``, each valid result with ``output``: what the parse returned (JSON)."""
        response = self.request(
            {
                "op": "validate",
                "module": module_id,
                "schema": schema,
                "texts": texts,
                "output": True,
            }
        )
        if not response["ok"]:
            raise RuntimeError(response["error"])
        results: list[dict[str, Any]] = response["results"]
        return results

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()

    def __enter__(self) -> NodeHarness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
