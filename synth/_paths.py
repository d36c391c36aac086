"""Path templates (``/things/{thing_id}``): one grammar for the loader, the relations and diff."""

from __future__ import annotations

import re

__all__ = ["PATH_PARAM", "param_names", "route_shape"]

# A parameter is whatever sits between braces; an empty name matches too, so that the loader
# can report it rather than miss it.
PATH_PARAM = re.compile(r"\{([^{}]*)\}")


def param_names(template: str) -> list[str]:
    """The parameter names of ``template``, in order."""
    return PATH_PARAM.findall(template)


def route_shape(template: str) -> str:
    """``template`` with its parameter names blanked and no trailing slash: two routes that
    differ only in their parameters' names are the same route to a server."""
    return PATH_PARAM.sub("{}", template.rstrip("/") or "/")
