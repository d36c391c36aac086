"""A server that fails in every way it can and echoes every credential it is sent.

For the secrets test: whatever ``synth test`` prints or writes about this server's answers
would carry the tenants' tokens and the secret header, raw and encoded (base64, URL-encoded,
JSON-escaped), if redaction missed any path. Each route fails its own way, deterministically
(so violations confirm on replay and their curl reproductions reach the reports):

- creates answer 201 with the token in JSON fields, a Location header, an ETag and a cookie;
- lists answer 200 with tokens in items and a cursor that is the base64 token;
- item reads answer 500 with an HTML page quoting the request headers;
- updates answer 422 problems whose ``detail`` and ``errors`` quote the token;
- deletes answer 404 problems whose ``instance`` is the URL-encoded token;
- anything unauthenticated answers 401 with ``WWW-Authenticate`` echoing what was sent.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

__all__ = ["running_hostile_server"]

SECRET_HEADER = "X-Bypass"


def _forms(request: Request) -> dict[str, str]:
    auth = request.headers.get("authorization", "")
    token = auth.removeprefix("Bearer ")
    bypass = request.headers.get(SECRET_HEADER, "")
    return {
        "authorization": auth,
        "token": token,
        "token_b64": base64.b64encode(token.encode()).decode(),
        "auth_b64": base64.urlsafe_b64encode(auth.encode()).decode(),
        "token_url": quote(token, safe=""),
        "bypass": bypass,
        "bypass_b64": base64.b64encode(bypass.encode()).decode(),
        "bypass_url": quote(bypass, safe=""),
        "token_json": token.replace("/", "\\/"),
    }


def _json(status: int, body: Any, headers: dict[str, str] | None = None,
          media: str = "application/json") -> Response:  # fmt: skip
    raw = json.dumps(body).replace("\\\\/", "\\/")  # keep a JSON-escaped "\/" as PHP sends it
    return Response(raw, status, headers=headers, media_type=media)


def _problem(status: int, code: str, forms: dict[str, str], **extra: Any) -> Response:
    body = {"type": f"https://x.test/{code}", "title": f"leaky {forms['authorization']}",
            "status": status, "code": code, "detail": f"you sent {forms['authorization']} and "
            f"{SECRET_HEADER}: {forms['bypass']} ({forms['token_b64']})", **extra}  # fmt: skip
    headers = {"x-echo": forms["token"], "x-echo-bypass": forms["bypass_url"]}
    return _json(status, body, headers, "application/problem+json")


async def _any(request: Request) -> Response:
    forms = _forms(request)
    if not forms["token"]:
        return (
            _problem(401, "unauthenticated", forms)
            if forms["bypass"]
            else Response(
                status_code=401, headers={"www-authenticate": f'Bearer error="{forms["bypass"]}"'}
            )
        )
    path = request.url.path
    method = request.method
    parts = [p for p in path.split("/") if p]
    is_item = len(parts) % 2 == 0  # /api/v1/contacts/{id}
    now = "2024-01-01T00:00:00Z"
    item: dict[str, object] = {
        "id": str(uuid.uuid4()), "name": forms["authorization"], "email": None, "phone": None,
        "tags": [], "created_at": now, "updated_at": now, "summary": forms["token_json"],
        "leak": forms}  # fmt: skip
    if method == "POST":
        location = f"{path}/{item['id']}?t={forms['token_url']}&b={forms['bypass_url']}"
        headers = {"location": location, "etag": f'"{forms["token"]}"',
                   "set-cookie": f"s={forms['token_b64']}", "x-bypass-echo": forms["bypass"]}  # fmt: skip
        return _json(201, item, headers)
    if method == "GET" and not is_item:
        cursor = None if "cursor" in request.query_params else forms["token_b64"]
        return _json(200, {"items": [item], "next_cursor": cursor}, {"etag": forms["bypass"]})
    if method == "GET":
        page = f"<html><body><h1>500</h1><pre>{dict(request.headers)}</pre></body></html>"
        return HTMLResponse(page, 500, headers={"etag": f'W/"{forms["token_url"]}"'})
    if method == "PATCH":
        errors = [{"loc": ["body", forms["token"]], "msg": forms["auth_b64"], "type": "x"}]
        return _problem(422, "validation_failed", forms, errors=errors)
    return _problem(404, "not_found", forms, instance=f"/t/{forms['token_url']}")


def app() -> Starlette:
    return Starlette(routes=[Route("/{path:path}", _any, methods=["GET", "POST", "PATCH",
                                                                  "DELETE", "PUT", "HEAD"])])  # fmt: skip


@contextlib.contextmanager
def running_hostile_server() -> Iterator[str]:
    """Serve the app on a free loopback port in a thread; yield its base URL."""
    config = uvicorn.Config(app(), host="127.0.0.1", port=0, log_level="error", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the hostile server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
