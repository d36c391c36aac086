"""The one template mechanism of the emitters: ``string.Template`` with named placeholders.

Templates are module-level constants; ``render`` fills them with ``substitute``, so a
placeholder left without a value fails loudly instead of leaking into generated code.

Code that is mostly fixed lives in real source files (``file_template``) that the language's
own tools check where they are. There a placeholder is ``$`` and a lower-case name, and any
other ``$`` is text (TypeScript's `${...}` and `$ZodIssue` stay as they are). ``$name`` is
valid only inside a comment or a string, so elsewhere a slot is a marked stand-in:

    VALUE = "stand-in"  # slot: name     the value after " = " becomes $name (a ";" stays)
    # slot: name                         the line, with its line break, becomes $name

(``//`` instead of ``#`` in TypeScript).
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from string import Template

__all__ = ["SourceTemplate", "Template", "file_template", "render"]

_SLOT_LINE = re.compile(r"^[ \t]*(?:#|//) slot: ([a-z_]+)\n", re.MULTILINE)
_SLOT_VALUE = re.compile(r" = .*?(;?)  (?:#|//) slot: ([a-z_]+)$", re.MULTILINE)


# Only `$` and a lower-case name is a placeholder; every other `$` is text.
_SOURCE_PLACEHOLDER = r"""
\$(?:
  (?P<escaped>(?!))              # no escape: a $ that names nothing is text
| (?P<named>[a-z][a-z0-9_]*)
| \{(?P<braced>(?!))\}           # ${...} is a TypeScript template literal
| (?P<invalid>(?!))
)
"""


class SourceTemplate(Template):
    """A template read from a source file: only ``$lower_case`` names are placeholders."""

    flags = re.VERBOSE  # not IGNORECASE: `$ZodIssue` is TypeScript, not a placeholder
    pattern = _SOURCE_PLACEHOLDER  # type: ignore[assignment]  # Template compiles a str


def render(template: Template, /, **values: object) -> str:
    """``template`` with every ``$name`` replaced by ``str(values[name])``."""
    return template.substitute({name: str(value) for name, value in values.items()})


@cache
def file_template(package: str, name: str) -> SourceTemplate:
    """The template in the file ``name`` shipped in ``package``, its slots as placeholders."""
    text = files(package).joinpath(name).read_text(encoding="utf-8")
    text = _SLOT_LINE.sub(r"$\1", text)
    return SourceTemplate(_SLOT_VALUE.sub(r" = $\2\1", text))
