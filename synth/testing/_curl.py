"""Requests as curl commands people can paste, with every secret replaced by a placeholder."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Sequence

from . import _forms
from ._config import Credential, header_placeholder
from ._http import Exchange, Request

__all__ = ["Redactor", "as_curl", "sequence"]


class Redactor:
    """Replaces secret values (tokens, secret headers) with their ``$PLACEHOLDER``."""

    def __init__(self, secrets: Iterable[tuple[str, str]]) -> None:
        # Longest first, so a secret that contains another is replaced whole.
        self.secrets = sorted(((s, p) for s, p in secrets if s), key=lambda sp: -len(sp[0]))

    def __call__(self, text: str) -> str:
        for secret, placeholder in self.secrets:
            text = text.replace(secret, placeholder)
        return text


def as_curl(
    exchange: Exchange,
    base_url: str,
    redact: Redactor,
    secret_headers: Sequence[str],
    credential: Credential | None = None,
) -> str:
    """One request as a curl command; ``$TOKEN_A`` and friends are left for the shell.

    The tenant's secret goes the declared way (``credential``: a bearer token by default).
    """
    request = exchange.request
    parts = ["curl", "-sS", "-i"]
    notes: list[str] = []
    if request.method != "GET":
        parts += ["-X", request.method]
    parts.append(shlex.quote(base_url + request.target))
    # Double quotes around headers carrying a placeholder, so the shell expands it.
    if request.token is not None:
        credential = credential if credential is not None else Credential()
        header = f"{credential.header}: {credential.value(redact(request.token))}"
        parts += ["-H", f'"{header}"']
    for name in secret_headers:
        parts += ["-H", f'"{name}: {header_placeholder(name)}"']
    for name, value in request.headers:
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    parts += _body(request, notes)
    return redact("\n".join([*notes, " ".join(parts)]))


def _body(request: Request, notes: list[str]) -> list[str]:
    """curl's arguments sending the request's body as its media type."""
    parts: list[str] = []
    sent = {name.lower() for name, _ in request.headers}
    if request.raw_body is not None:
        if "content-type" not in sent:
            parts += ["-H", shlex.quote(f"Content-Type: {request.media_type}")]
        parts += ["--data-binary", shlex.quote(request.raw_body.decode("utf-8", "replace"))]
    elif request.has_body and request.media_type == _forms.MULTIPART:
        # curl builds the multipart body itself; a file part is named, not inlined.
        for name, value in _forms.fields(request.json_body, request.files):
            if isinstance(value, _forms.Upload):
                parts += ["-F", shlex.quote(f"{name}=@{value.filename};type={value.media_type}")]
                notes.append(f"# {value.filename}: {len(value.content)} bytes of "
                             f"{value.media_type}")  # fmt: skip
            else:
                parts += ["--form-string", shlex.quote(f"{name}={value}")]
    elif request.has_body and request.media_type == _forms.URLENCODED:
        for name, value in _forms.fields(request.json_body, request.files):
            parts += ["--data-urlencode", shlex.quote(f"{name}={value}")]
    elif request.has_body:
        parts += ["-H", shlex.quote("Content-Type: application/json")]
        body = json.dumps(request.json_body, ensure_ascii=False, separators=(",", ":"))
        parts += ["--data-raw", shlex.quote(body)]
    return parts


def _answer(exchange: Exchange, redact: Redactor, limit: int = 300) -> str:
    # Redact before cutting: a cut through a secret would leave its head unrecognised.
    body = redact(exchange.content.decode("utf-8", "replace"))
    if len(body) > limit:
        body = body[:limit] + "…"
    etag = exchange.headers.get("etag")
    extra = f" ETag: {redact(etag)}" if etag else ""
    return f"# -> {exchange.status}{extra} {body}".rstrip()


def sequence(
    exchanges: Sequence[Exchange],
    base_url: str,
    redact: Redactor,
    secret_headers: Sequence[str] = (),
    credential: Credential | None = None,
) -> str:
    """A numbered request sequence, each curl line followed by the answer it got."""
    lines = []
    for i, exchange in enumerate(exchanges, 1):
        at_once = f", one of {exchange.together} sent at once" if exchange.together > 1 else ""
        lines.append(f"# {i}. as tenant {exchange.request.tenant or '(none)'}{at_once}")
        lines.append(as_curl(exchange, base_url, redact, secret_headers, credential))
        lines.append(_answer(exchange, redact))
    return "\n".join(lines)
