"""Formatting the package's modules."""

from __future__ import annotations

from .._errors import InputError

__all__ = ["format_module"]

_LINE = 99


def format_module(text: str) -> str:
    """The module as a person would format it: black (which datamodel-code-generator brings
    on every platform but WebAssembly), else datamodel-code-generator's own formatter."""
    try:
        import black
        import black.parsing
    except ImportError:  # pragma: no cover - emscripten only
        from datamodel_code_generator.format import apply_builtin_formatter

        return str(apply_builtin_formatter(text, line_length=_LINE))
    try:
        return black.format_str(text, mode=black.Mode(line_length=_LINE))
    except black.parsing.InvalidInput as exc:
        line = str(exc).splitlines()[0][:200]
        raise InputError(
            f"the package's module does not parse as Python ({line}), which is a bug in synth "
            "import; the document is fine to keep: report it with the document"
        ) from None
