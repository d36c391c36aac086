"""A correct in-memory server for the Recipe box contracts (Starlette request/response, uvicorn),
written by a new user of synth.

Run: python -m examples.recipes.server --port 8731
Tenants: Authorization: Bearer tok-alpha (tenant a), Bearer tok-beta (tenant b).
Planted bugs (examples/recipes/example.py): --bug ID, repeatable; the correct server has none.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import re
import sys
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from examples.recipes.contracts.models import RecipeCreate, RecipeUpdate
from examples.recipes.example import BUGS as PLANTED
from examples.recipes.example import TENANTS as SECRETS

BASE = "/v1"
TOKENS = {"tok-alpha": "a", "tok-beta": "b"}
assert set(TOKENS) == set(SECRETS.values())
SECRET = b"recipe-box-cursor-secret"
# The planted bugs switched on (--bug ID), ids and descriptions in example.py's BUGS.
BUGS: set[str] = set()
LOG = False  # --log: print each request to stderr
NUMBER_TEXT = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$")
UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
CUISINES = ("italian", "japanese", "mexican", "indian", "other")
RATING_TAGS = ("quick", "healthy", "kid-friendly")
PHOTO_TYPES = ("image/png", "image/jpeg")
PHOTO_MAX = 32_768

RECIPES: dict[tuple[str, str], dict[str, Any]] = {}
IDEM: dict[tuple[str, str], dict[str, Any]] = {}
LOCK = asyncio.Lock()
_last_ts = datetime.now(UTC)


def now() -> datetime:
    global _last_ts  # noqa: PLW0603 (one clock for the whole server)
    t = datetime.now(UTC)
    if t <= _last_ts:
        t = _last_ts + timedelta(microseconds=1)
    _last_ts = t
    return t


def ts(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Problem(Exception):
    def __init__(  # noqa: PLR0917 (a problem+json has these fields)
        self,
        status: int,
        code: str,
        title: str,
        detail: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        self.status, self.code, self.title, self.detail = status, code, title, detail
        self.errors, self.headers = errors, headers or {}

    def response(self) -> Response:
        body: dict[str, Any] = {
            "type": f"about:blank#{self.code}",
            "title": self.title,
            "status": self.status,
            "code": self.code,
        }
        if self.detail:
            body["detail"] = self.detail
        if self.errors is not None:
            body["errors"] = self.errors
        return Response(
            json.dumps(body),
            self.status,
            headers=self.headers,
            media_type="application/problem+json",
        )


def invalid(loc: list[Any], msg: str, typ: str = "value_error") -> Problem:
    return Problem(
        422, "validation_failed", "Validation failed", msg, [{"loc": loc, "msg": msg, "type": typ}]
    )


def from_pydantic(e: ValidationError) -> Problem:
    errs = [
        {"loc": ["body", *err["loc"]], "msg": err["msg"], "type": err["type"]} for err in e.errors()
    ]
    return Problem(
        422, "validation_failed", "Validation failed", "The body does not match the schema.", errs
    )


NOT_FOUND = Problem(404, "not_found", "Not found", "No such recipe in your household.")


# ---------------------------------------------------------------- representation


def recipe_json(r: dict[str, Any]) -> dict[str, Any]:
    ratings = r["ratings"]
    return {
        "id": r["id"],
        "title": r["title"],
        "cuisine": r["cuisine"],
        "servings": r["servings"],
        "note": r["note"],
        "ingredients": [dict(position=i + 1, **ing) for i, ing in enumerate(r["ingredients"])],
        "has_photo": r["photo"] is not None,
        "rating_count": len(ratings),
        "rating_average": (sum(ratings) / len(ratings)) if ratings else None,
        "created_at": ts(r["created_at"]),
        "updated_at": ts(r["updated_at"]),
    }


def etag(r: dict[str, Any]) -> str:
    if "cache-etag-static" in BUGS:
        return '"' + hashlib.sha256(r["id"].encode()).hexdigest()[:32] + '"'
    return (
        '"'
        + hashlib.sha256(json.dumps(recipe_json(r), sort_keys=True).encode()).hexdigest()[:32]
        + '"'
    )


def ingredients_of(items: list[Any]) -> list[dict[str, Any]]:
    return [
        {"name": i.name, "quantity": float(i.quantity), "unit": i.unit, "optional": i.optional}
        for i in items
    ]


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status, headers=headers, media_type="application/json")


# ---------------------------------------------------------------- request helpers


def tenant_of(request: Request) -> str:
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or token.strip() not in TOKENS:
        raise Problem(
            401,
            "unauthenticated",
            "Unauthenticated",
            "Missing or unknown bearer token.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return TOKENS[token.strip()]


def find(tenant: str, recipe_id: str, any_tenant: bool = False) -> dict[str, Any]:
    if not UUID_RE.match(recipe_id):
        raise NOT_FOUND
    r = RECIPES.get((tenant, recipe_id.lower()))
    if r is None and any_tenant:
        r = next((r for (_, i), r in RECIPES.items() if i == recipe_id.lower()), None)
    if r is None:
        raise NOT_FOUND
    return r


async def json_body(request: Request) -> tuple[bytes, Any]:
    raw = await request.body()

    def bad_constant(c: str) -> Any:
        raise ValueError(c)

    try:
        return raw, json.loads(raw, parse_constant=bad_constant)
    except (ValueError, UnicodeDecodeError):
        raise Problem(400, "invalid_request", "Invalid request", "The body is not JSON.") from None


def validate(model: Any, raw: bytes) -> Any:
    if "nested-extra-ignored" in BUGS:
        obj = json.loads(raw)
        if isinstance(obj, dict) and isinstance(obj.get("ingredients"), list):
            for ing in obj["ingredients"]:
                if isinstance(ing, dict):
                    for k in [k for k in ing if k not in ("name", "quantity", "unit", "optional")]:
                        del ing[k]
            raw = json.dumps(obj).encode()
    if "top-extra-ignored" in BUGS:
        obj = json.loads(raw)
        if isinstance(obj, dict):
            for k in [k for k in obj if k not in model.model_fields]:
                del obj[k]
            raw = json.dumps(obj).encode()
    try:
        return model.model_validate_json(raw)
    except ValidationError as e:
        raise from_pydantic(e) from None


def single_query(request: Request, name: str) -> str | None:
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise invalid(["query", name], "give this parameter once")
    return values[0]


def text_int(value: str) -> int | None:
    if not NUMBER_TEXT.match(value):
        return None
    n = float(value) if any(c in value for c in ".eE") else int(value)
    if isinstance(n, float):
        if not n.is_integer():
            return None
        n = int(n)
    return n


def sign(payload: dict[str, Any]) -> str:
    data = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(
        b"="
    )
    sig = base64.urlsafe_b64encode(hmac.new(SECRET, data, hashlib.sha256).digest()).rstrip(b"=")
    return (data + b"." + sig).decode()


def unsign(cursor: str) -> dict[str, Any]:
    bad = Problem(
        400,
        "invalid_cursor",
        "Invalid cursor",
        "The cursor is malformed, tampered with or foreign.",
    )
    try:
        data, sig = cursor.encode("ascii").split(b".")
        want = base64.urlsafe_b64encode(hmac.new(SECRET, data, hashlib.sha256).digest()).rstrip(
            b"="
        )
        if not hmac.compare_digest(sig, want):
            raise bad
        payload: dict[str, Any] = json.loads(
            base64.urlsafe_b64decode(data + b"=" * (-len(data) % 4))
        )
        return payload
    except Problem:
        raise
    except Exception:
        raise bad from None


# ---------------------------------------------------------------- operations


async def create_recipe(request: Request, tenant: str) -> Response:
    key = request.headers.get("idempotency-key")
    # The store's key: the household and the Idempotency-Key.
    where = ("", key or "") if "idem-key-not-per-tenant" in BUGS else (tenant, key or "")
    if not key:
        raise Problem(
            400,
            "idempotency_key_missing",
            "Idempotency key missing",
            "This operation requires an Idempotency-Key header.",
        )
    raw = await request.body()
    try:
        fingerprint = json.dumps(json.loads(raw), sort_keys=True)
    except (ValueError, UnicodeDecodeError):
        fingerprint = raw.hex()
    async with LOCK:
        stored = IDEM.get(where)
        if stored is not None:
            if stored["fingerprint"] != fingerprint:
                raise Problem(
                    422,
                    "idempotency_key_reused",
                    "Idempotency key reused",
                    "The key was used with a different request.",
                )
            if stored["response"] is None:
                raise Problem(
                    409,
                    "idempotency_key_in_use",
                    "Idempotency key in use",
                    "A request with this key is still running.",
                )
            status, body, headers, media = stored["response"]
            return Response(
                body, status, headers={**headers, "Idempotent-Replayed": "true"}, media_type=media
            )
        IDEM[where] = {"fingerprint": fingerprint, "response": None}
    try:
        response = await _create_recipe(request, tenant)
    except Problem as p:
        response = p.response()
    except Exception:
        del IDEM[where]
        raise
    if response.status_code >= 500:
        del IDEM[where]
    else:
        headers = {k: v for k, v in response.headers.items() if k.lower() in ("location",)}
        IDEM[where]["response"] = (
            response.status_code,
            response.body,
            headers,
            response.media_type,
        )
    return response


async def _create_recipe(request: Request, tenant: str) -> Response:
    raw, _ = await json_body(request)
    body = validate(RecipeCreate, raw)
    t = now()
    rid = str(uuid.uuid4())
    r = {
        "id": rid,
        "title": body.title,
        "cuisine": body.cuisine,
        "servings": body.servings,
        "note": body.note,
        "ingredients": ingredients_of(body.ingredients),
        "photo": None,
        "ratings": [],
        "created_at": t,
        "updated_at": t,
    }
    RECIPES[(tenant, rid)] = r
    return ok(recipe_json(r), 201, {"Location": f"{BASE}/recipes/{rid}"})


async def list_recipes(request: Request, tenant: str) -> Response:
    limit_text = single_query(request, "limit")
    limit = 20
    if limit_text is not None:
        n = text_int(limit_text)
        if n is None or not 1 <= n <= 100:
            raise invalid(["query", "limit"], "limit is an integer from 1 to 100")
        limit = n
    cuisine = single_query(request, "cuisine")
    if cuisine is not None and cuisine not in CUISINES:
        raise invalid(["query", "cuisine"], f"cuisine is one of {', '.join(CUISINES)}")
    q = single_query(request, "q")
    if q is not None and not 1 <= len(q) <= 50:
        raise invalid(["query", "q"], "q is 1 to 50 characters")
    cursor = single_query(request, "cursor")
    after: tuple[str, str] | None = None
    if cursor is not None:
        if cursor == "":
            raise invalid(["query", "cursor"], "cursor may not be empty")
        payload = unsign(cursor)
        if payload.get("t") != tenant or payload.get("f") != [cuisine, q]:
            raise Problem(
                400, "invalid_cursor", "Invalid cursor", "The cursor belongs to another list."
            )
        after = (payload["c"], payload["i"])
    items = [r for (t, _), r in RECIPES.items() if t == tenant]
    if cuisine is not None and not ("page-cursor-drops-filter" in BUGS and after is not None):
        items = [r for r in items if r["cuisine"] == cuisine]
    if q is not None:
        items = [r for r in items if q.lower() in r["title"].lower()]
    items.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
    if after is not None:
        items = [r for r in items if (ts(r["created_at"]), r["id"]) < after]
        if "page-skip-after-cursor" in BUGS:
            items = items[1:]
    page, more = items[:limit], len(items) > limit
    next_cursor = None
    if more:
        last = page[-1]
        next_cursor = sign(
            {"t": tenant, "f": [cuisine, q], "c": ts(last["created_at"]), "i": last["id"]}
        )
    return ok({"items": [recipe_json(r) for r in page], "next_cursor": next_cursor})


def etag_matches(header: str, current: str, weak: bool) -> bool:
    for tag in (t.strip() for t in header.split(",")):
        if tag == "*":
            return True
        if weak and tag.startswith("W/"):
            tag = tag[2:]  # noqa: PLW2901 (the tag without its W/)
        if tag == current:
            return True
    return False


async def get_recipe(request: Request, tenant: str, rid: str) -> Response:
    if "err-get-404-plain" in BUGS and RECIPES.get((tenant, rid.lower())) is None:
        return ok({"error": "recipe not found"}, 404)
    r = find(tenant, rid)
    tag = etag(r)
    inm = request.headers.get("if-none-match")
    if inm is not None and etag_matches(inm, tag, weak=True):
        return Response(status_code=304, headers={"ETag": tag})
    return ok(recipe_json(r), headers={"ETag": tag})


async def update_recipe(request: Request, tenant: str, rid: str) -> Response:
    r = find(tenant, rid)
    im = request.headers.get("if-match")
    if im is not None and not etag_matches(im, etag(r), weak=False):
        raise Problem(
            412,
            "precondition_failed",
            "Precondition failed",
            "If-Match does not match the current ETag.",
        )
    raw, _ = await json_body(request)
    body = validate(RecipeUpdate, raw)
    fields = body.model_fields_set
    if "patch-absent-is-null" in BUGS:
        fields = set(fields) | {"note"}
    for name in ("title", "cuisine", "servings", "note"):
        if name in fields:
            r[name] = getattr(body, name)
    if "ingredients" in fields:
        r["ingredients"] = ingredients_of(body.ingredients)
    r["updated_at"] = now()
    return ok(recipe_json(r), headers={"ETag": etag(r)})


async def delete_recipe(request: Request, tenant: str, rid: str) -> Response:
    r = find(tenant, rid)
    del RECIPES[(tenant, r["id"])]
    return Response(status_code=204)


async def list_ingredients(request: Request, tenant: str, rid: str) -> Response:
    r = find(tenant, rid, any_tenant="ten-ingredients-any-household" in BUGS)
    return ok(recipe_json(r)["ingredients"])


def parse_multipart(
    content_type: str, raw: bytes
) -> list[tuple[str, str | None, str | None, bytes]]:
    """(name, filename, content type, data) per part, or 400."""
    bad = Problem(400, "invalid_request", "Invalid request", "The body is not multipart/form-data.")
    ctype, _, params = content_type.partition(";")
    if ctype.strip().lower() != "multipart/form-data":
        raise bad
    m = re.search(r'boundary="?([^";]+)"?', params)
    if not m:
        raise bad
    delim = b"--" + m.group(1).encode("latin-1")
    chunks = raw.split(delim)
    if len(chunks) < 2 or not chunks[-1].startswith(b"--"):
        raise bad
    parts = []
    for chunk in chunks[1:-1]:
        if not chunk.startswith(b"\r\n") or not chunk.endswith(b"\r\n"):
            raise bad
        chunk = chunk[2:-2]  # noqa: PLW2901 (the part without its CRLFs)
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            raise bad
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        disp = headers.get("content-disposition", "")
        name = re.search(r'(?:^|;)\s*name="([^"]*)"', disp)
        filename = re.search(r'filename="([^"]*)"', disp)
        if not name:
            raise bad
        parts.append(
            (
                name.group(1),
                filename.group(1) if filename else None,
                headers.get("content-type"),
                data,
            )
        )
    return parts


async def upload_recipe_photo(request: Request, tenant: str, rid: str) -> Response:  # noqa: PLR0912 (one branch per part and rule)
    r = find(tenant, rid)
    parts = parse_multipart(request.headers.get("content-type", ""), await request.body())
    errors: list[dict[str, Any]] = []
    image: tuple[str, bytes] | None = None
    caption = ""
    seen: set[str] = set()
    for name, filename, ctype, data in parts:
        loc = ["body", name]
        if name in seen:
            errors.append({"loc": loc, "msg": "given more than once", "type": "value_error"})
            continue
        seen.add(name)
        if name == "image":
            media = (ctype or "").split(";")[0].strip().lower()
            if filename is None:
                errors.append({"loc": loc, "msg": "a file is required", "type": "value_error"})
            elif media not in PHOTO_TYPES:
                errors.append({"loc": loc, "msg": "PNG or JPEG only", "type": "value_error"})
            elif len(data) > PHOTO_MAX:
                errors.append({"loc": loc, "msg": "at most 32768 bytes", "type": "too_long"})
            else:
                image = (media, data)
        elif name == "caption":
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            if filename is not None or text is None:
                errors.append({"loc": loc, "msg": "caption is text", "type": "string_type"})
            elif len(text) > 100:
                errors.append(
                    {"loc": loc, "msg": "at most 100 characters", "type": "string_too_long"}
                )
            else:
                caption = text
        else:
            errors.append({"loc": loc, "msg": "unknown field", "type": "extra_forbidden"})
    if "image" not in seen:
        errors.append({"loc": ["body", "image"], "msg": "Field required", "type": "missing"})
    if errors:
        raise Problem(
            422,
            "validation_failed",
            "Validation failed",
            "The body does not match the schema.",
            errors,
        )
    assert image is not None
    t = now()
    r["photo"] = {
        "media_type": image[0],
        "size": len(image[1]),
        "caption": caption,
        "uploaded_at": t,
    }
    r["updated_at"] = t
    return ok(
        {
            "recipe_id": r["id"],
            "media_type": image[0],
            "size": len(image[1]),
            "caption": caption,
            "uploaded_at": ts(t),
        }
    )


async def rate_recipe(request: Request, tenant: str, rid: str) -> Response:  # noqa: PLR0912 (one branch per field and rule)
    r = find(tenant, rid)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if ctype != "application/x-www-form-urlencoded":
        raise Problem(400, "invalid_request", "Invalid request", "The body is not an HTML form.")
    try:
        pairs = parse_qsl(
            raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False, errors="strict"
        )
    except (UnicodeDecodeError, ValueError):
        raise Problem(
            400, "invalid_request", "Invalid request", "The form cannot be parsed."
        ) from None
    fields: dict[str, list[str]] = {}
    for k, v in pairs:
        fields.setdefault(k, []).append(v)
    errors: list[dict[str, Any]] = []

    def err(name: str, msg: str, typ: str = "value_error") -> None:
        errors.append({"loc": ["body", name], "msg": msg, "type": typ})

    stars = None
    if "stars" not in fields:
        err("stars", "Field required", "missing")
    elif len(fields["stars"]) != 1:
        err("stars", "give stars once")
    else:
        stars = text_int(fields["stars"][0])
        if stars is None or not 1 <= stars <= 5:
            err("stars", "stars is an integer from 1 to 5")
            stars = None
    comment = ""
    if "comment" in fields:
        if len(fields["comment"]) != 1:
            err("comment", "give comment once")
        elif len(fields["comment"][0]) > 200:
            err("comment", "at most 200 characters", "string_too_long")
        else:
            comment = fields["comment"][0]
    tags = fields.get("tags", [])
    if len(tags) > 3:
        err("tags", "at most 3 tags", "too_long")
    for i, tag in enumerate(tags):
        if tag not in RATING_TAGS:
            errors.append(
                {"loc": ["body", "tags", i], "msg": "unknown tag", "type": "literal_error"}
            )
    for name in fields:
        if name not in ("stars", "comment", "tags"):
            err(name, "unknown field", "extra_forbidden")
    if errors:
        raise Problem(
            422,
            "validation_failed",
            "Validation failed",
            "The form does not match the schema.",
            errors,
        )
    r["ratings"].append(stars)
    r.setdefault("comments", []).append((comment, tags))
    r["updated_at"] = now()
    return ok(recipe_json(r))


# ---------------------------------------------------------------- routing

Handler = Callable[..., Awaitable[Response]]  # (request, tenant, *path values)
ROUTES: list[tuple[re.Pattern[str], dict[str, Handler]]] = [
    (re.compile(r"^/recipes$"), {"GET": list_recipes, "POST": create_recipe}),
    (
        re.compile(r"^/recipes/([^/]+)$"),
        {"GET": get_recipe, "PATCH": update_recipe, "DELETE": delete_recipe},
    ),
    (re.compile(r"^/recipes/([^/]+)/ingredients$"), {"GET": list_ingredients}),
    (re.compile(r"^/recipes/([^/]+)/photo$"), {"POST": upload_recipe_photo}),
    (re.compile(r"^/recipes/([^/]+)/rate$"), {"POST": rate_recipe}),
]


async def dispatch(request: Request) -> Response:
    path = request.url.path
    if not path.startswith(BASE + "/"):
        raise Problem(404, "not_found", "Not found", "No such path.")
    path = path[len(BASE) :]
    for pattern, methods in ROUTES:
        m = pattern.match(path)
        if not m:
            continue
        handler = methods.get(request.method)
        if handler is None:
            raise Problem(
                405,
                "method_not_allowed",
                "Method not allowed",
                "The path does not take this method.",
                headers={"Allow": ", ".join(methods)},
            )
        tenant = tenant_of(request)
        return await handler(request, tenant, *m.groups())
    raise Problem(404, "not_found", "Not found", "No such path.")


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    request = Request(scope, receive)
    if LOG:
        body = await request.body()
        print(
            request.method,
            request.url.path,
            request.url.query,
            body[:200],
            file=sys.stderr,
            flush=True,
        )
    try:
        response = await dispatch(request)
    except Problem as p:
        response = p.response()
    except Exception as e:  # pragma: no cover
        print("internal error:", repr(e), file=sys.stderr)
        response = Problem(
            500, "internal_error", "Internal error", "Something broke on our side."
        ).response()
    await response(scope, receive, send)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--log", action="store_true", help="print each request to stderr")
    parser.add_argument(
        "--bug",
        action="append",
        default=[],
        choices=[b.id for b in PLANTED],
        metavar="ID",
        help="switch a planted bug on (repeatable; ids and what each does: "
        "examples/recipes/example.py)",
    )
    args = parser.parse_args()
    BUGS.update(args.bug)
    global LOG  # noqa: PLW0603 (set once, from the command line)
    LOG = args.log
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
