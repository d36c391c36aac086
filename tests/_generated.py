"""Writing the property tests synth generates for an API into a folder, as `synth generate` does."""

from __future__ import annotations

from pathlib import Path

from synth.emit.tests import emit_tests
from synth.spec import ApiSpec


def write_tests(api: ApiSpec, root: Path) -> Path:
    """Write ``api``'s generated tests under ``root``; return the ``tests`` folder in it."""
    for relative, text in emit_tests(api).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "tests"
