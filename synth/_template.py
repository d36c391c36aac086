"""The one template mechanism of the emitters: ``string.Template`` with named placeholders.

Templates are module-level constants; ``render`` fills them with ``substitute``, so a
placeholder left without a value fails loudly instead of leaking into generated code.

Code that is mostly fixed lives in real source files (``file_template``) that the language's
own tools check where they are. A ``$name`` placeholder is valid only inside a comment or a
string, so elsewhere a slot is marked with a comment that the file keeps valid around:

    VALUE = "stand-in"  # slot: name     the value after " = " becomes $name
    # slot: name                         the whole line becomes $name

(``//`` instead of ``#`` in TypeScript). A literal ``$`` in such a file is written ``$$``.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from string import Template

__all__ = ["Template", "file_template", "render"]

_SLOT_LINE = re.compile(r"^[ \t]*(?:#|//) slot: (\w+)$", re.MULTILINE)
_SLOT_VALUE = re.compile(r" = .*  (?:#|//) slot: (\w+)$", re.MULTILINE)


def render(template: Template, /, **values: object) -> str:
    """``template`` with every ``$name`` replaced by ``str(values[name])``."""
    return template.substitute({name: str(value) for name, value in values.items()})


@cache
def file_template(package: str, name: str) -> Template:
    """The template in the file ``name`` shipped in ``package``, its slots as placeholders."""
    text = files(package).joinpath(name).read_text(encoding="utf-8")
    text = _SLOT_LINE.sub(r"$\1", text)
    return Template(_SLOT_VALUE.sub(r" = $\1", text))
