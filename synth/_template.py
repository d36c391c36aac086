"""The one template mechanism of the emitters: ``string.Template`` with named placeholders.

Templates are module-level constants; ``render`` fills them with ``substitute``, so a
placeholder left without a value fails loudly instead of leaking into generated code.
"""

from __future__ import annotations

from string import Template

__all__ = ["Template", "render"]


def render(template: Template, /, **values: object) -> str:
    """``template`` with every ``$name`` replaced by ``str(values[name])``."""
    return template.substitute({name: str(value) for name, value in values.items()})
