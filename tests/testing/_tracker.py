"""The tracker's server (examples/tracker) in process with one endpoint replaced: a test's own
handler, which may call the original, in place of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from examples.tracker import server

Handler = Callable[[Request], Awaitable[Response]]


def tracker_with(original: Handler, replacement: Handler) -> Starlette:
    """The tracker's app with ``replacement`` answering where ``original`` did."""
    routes = [
        Route(r.path, replacement, methods=list(r.methods or ()))
        if isinstance(r, Route) and r.endpoint is original
        else r
        for r in server.routes
    ]
    return Starlette(routes=routes, exception_handlers=server.app.exception_handlers)
