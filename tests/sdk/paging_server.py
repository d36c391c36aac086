"""A small server that pages one list in every pagination style, correctly.

``python -m tests.sdk.paging_server --port 0`` binds a free loopback port and prints one line,
``listening on http://127.0.0.1:PORT``, once it accepts connections. It serves the contracts of
``test_paging_styles.py`` under ``/v1``: the same items, filtered by ``colour`` and ordered by
``sort`` (``rank``, the default, or ``-rank``; ``id`` breaks ties), at ``/cursor``, ``/token``,
``/after``, ``/link``, ``/offset`` and ``/page``.
Every request needs a bearer token; a page size out of bounds is refused.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import socket
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from examples.reference_server.process import serve_on

# Ranks out of id order, two items sharing a rank: the order is (rank, id), not insertion.
ITEMS: list[dict[str, Any]] = [
    {"id": f"i{n:02d}", "colour": "red" if n % 3 else "blue", "rank": (n * 7) % 11 // 2}
    for n in range(13)
]
MAX_LIMIT = 10


def ordered(colour: str | None = None, sort: str = "rank") -> list[dict[str, Any]]:
    """The list a client sees: filtered by ``colour``, in ``(rank, id)`` or ``(-rank, id)`` order."""
    chosen = [item for item in ITEMS if colour in (None, item["colour"])]
    sign = -1 if sort == "-rank" else 1
    return sorted(chosen, key=lambda item: (sign * item["rank"], item["id"]))


def _problem(status: int, code: str, detail: str) -> Response:
    body = {"type": "about:blank", "title": code, "status": status, "code": code, "detail": detail}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


class _Refused(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise _Refused(_problem(422, "validation_failed", f"{name} must be in {low}..{high}"))
    return int(raw)


def _list(request: Request) -> list[dict[str, Any]]:
    """The list the request's ``colour`` and ``sort`` parameters choose."""
    colour = request.query_params.get("colour")
    if colour not in (None, "red", "blue"):
        raise _Refused(_problem(422, "validation_failed", "colour is red or blue"))
    sort = request.query_params.get("sort", "rank")
    if sort not in ("rank", "-rank"):
        raise _Refused(_problem(422, "validation_failed", "sort is rank or -rank"))
    return ordered(colour, sort)


def _token(position: int) -> str:
    return base64.urlsafe_b64encode(f"at:{position}".encode()).decode()


def _position(token: str | None) -> int:
    if token is None:
        return 0
    try:
        return int(base64.urlsafe_b64decode(token.encode()).decode().removeprefix("at:"))
    except ValueError:
        raise _Refused(_problem(400, "invalid_cursor", "not a cursor of this list")) from None


async def cursor(request: Request) -> Response:
    items = _list(request)
    at = _position(request.query_params.get("cursor"))
    end = at + _int(request, "limit", 3, 1, MAX_LIMIT)
    return JSONResponse(
        {"items": items[at:end], "next_cursor": _token(end) if end < len(items) else None}
    )


async def token(request: Request) -> Response:
    items = _list(request)
    at = _position(request.query_params.get("page_token"))
    end = at + _int(request, "page_size", 3, 1, MAX_LIMIT)
    # Google's APIs end with an empty token.
    return JSONResponse(
        {"items": items[at:end], "next_page_token": _token(end) if end < len(items) else ""}
    )


async def after(request: Request) -> Response:
    items = _list(request)
    last = request.query_params.get("starting_after")
    at = 0
    if last is not None:
        ids = [item["id"] for item in items]
        if last not in ids:
            return _problem(422, "validation_failed", f"no item {last} in this list")
        at = ids.index(last) + 1
    end = at + _int(request, "limit", 3, 1, MAX_LIMIT)
    return JSONResponse({"data": items[at:end], "has_more": end < len(items)})


async def link(request: Request) -> Response:
    items = _list(request)
    size = _int(request, "per_page", 3, 1, MAX_LIMIT)
    number = _int(request, "page", 1, 1, 1000)
    pages = max(1, -(-len(items) // size))

    def url(page: int) -> str:
        return str(request.url.include_query_params(page=page))

    # GitHub's shape: absolute URLs, several relations, rel="next" absent on the last page.
    links = [f'<{url(1)}>; rel="first"', f'<{url(pages)}>; rel="last"']
    if number < pages:
        links.insert(0, f'<{url(number + 1)}>; rel="next"')
    start = (number - 1) * size
    return JSONResponse(items[start : start + size], headers={"Link": ", ".join(links)})


async def offset(request: Request) -> Response:
    items = _list(request)
    at = _int(request, "offset", 0, 0, 10_000)
    size = _int(request, "limit", 3, 1, MAX_LIMIT)
    return JSONResponse({"items": items[at : at + size], "total": len(items)})


async def page(request: Request) -> Response:
    items = _list(request)
    number = _int(request, "page", 1, 1, 10_000)
    size = _int(request, "per_page", 3, 1, MAX_LIMIT)
    start = (number - 1) * size
    return JSONResponse({"items": items[start : start + size]})


def _guarded(endpoint: Any) -> Any:
    async def guarded(request: Request) -> Response:
        if not request.headers.get("authorization", "").startswith("Bearer "):
            return _problem(401, "unauthenticated", "send a bearer token")
        try:
            response: Response = await endpoint(request)
        except _Refused as refused:
            return refused.response
        return response

    return guarded


def create_app() -> Starlette:
    routes = [
        Route(f"/v1/{name}", _guarded(handler), methods=["GET"])
        for name, handler in {
            "cursor": cursor, "token": token, "after": after,
            "link": link, "offset": offset, "page": page,
        }.items()
    ]  # fmt: skip
    return Starlette(routes=routes)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.sdk.paging_server")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = uvicorn.Config(create_app(), log_level="warning", lifespan="off")
    asyncio.run(serve_on(uvicorn.Server(config), sock, url))


if __name__ == "__main__":
    main()
