"""Form and multipart bodies on the wire: encoding a drawn body, and what the server sees of it.

A check draws a body as JSON values from the body's schema, as for JSON; ``encode`` sends it
as the operation's media type: each field as text (``true``, ``12``), a list as the repeated
field, ``None`` left out, and a ``File()`` field as a file part (an ``Upload``, or the drawn
text as the file's content with the first accepted media type). ``accepts`` says whether the
contract's model takes what the server receives, so an invalid body is one whose wire form is
invalid: ``12`` for a text field is ``"12"`` on the wire, a valid text.

The encoding itself is the standard library's ``urlencode`` and urllib3's
``encode_multipart_formdata`` (httpx's own encoder is private, and it turns a multipart body
without files into an urlencoded one).
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel, ValidationError
from urllib3 import encode_multipart_formdata

from ..spec import FileSpec

__all__ = ["JSON", "MULTIPART", "URLENCODED", "Upload", "accepts", "encode", "text"]

JSON = "application/json"
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
# A media type no contract accepts for a file: what a refused upload is sent as.
REFUSED_MEDIA_TYPE = "application/x-synth-refused"


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part: its bytes, its ``Content-Type`` and its file name."""

    content: bytes
    media_type: str
    filename: str = "upload"

    def __repr__(self) -> str:
        return f"<file {self.filename} {self.media_type}, {len(self.content)} bytes>"


def text(value: Any) -> str:
    """A field's value as a form spells it: JSON's spelling for non-strings (``true``)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def upload(spec: FileSpec, value: Any) -> Upload | None:
    """The file part a drawn value stands for (None: not a file; sent as text if at all)."""
    if isinstance(value, Upload):
        return value
    if not isinstance(value, (str, bytes)):
        return None
    media = spec.media_types[0] if spec.media_types else "application/octet-stream"
    content = value.encode() if isinstance(value, str) else value
    extension = mimetypes.guess_extension(media) or ".bin"
    return Upload(content, media, spec.field + extension)


def fields(body: Any, files: tuple[FileSpec, ...]) -> list[tuple[str, str | Upload]]:
    """The body as the (name, value) pairs sent, in the body's order."""
    if not isinstance(body, Mapping):
        return []
    by_name = {f.field: f for f in files}
    out: list[tuple[str, str | Upload]] = []
    for name, value in body.items():
        spec = by_name.get(name)
        part = upload(spec, value) if spec is not None else None
        if part is not None:
            out.append((name, part))
        elif isinstance(value, list):
            out += [(name, text(v)) for v in value if v is not None]
        elif value is not None:
            out.append((name, text(value)))
    return out


def encode(body: Any, media_type: str, files: tuple[FileSpec, ...]) -> tuple[bytes, str]:
    """The body's bytes and its ``Content-Type`` (with the multipart boundary)."""
    if media_type == JSON or not isinstance(body, Mapping):
        return json.dumps(body, ensure_ascii=False).encode(), JSON
    pairs = fields(body, files)
    if media_type == MULTIPART:
        parts = [(k, (v.filename, v.content, v.media_type) if isinstance(v, Upload) else v)
                 for k, v in pairs]  # fmt: skip
        return encode_multipart_formdata(parts)
    return urlencode([(k, v) for k, v in pairs if isinstance(v, str)]).encode(), URLENCODED


def accepts(
    model: type[BaseModel], schema: Mapping[str, Mapping[str, Any]], body: Any,
    files: tuple[FileSpec, ...],
) -> bool:  # fmt: skip
    """Whether the model takes what the server receives for ``body`` (``schema``: the body's
    properties, resolved), each text read back as its field's type where it spells one."""
    if not isinstance(body, Mapping):
        return False
    by_name = {f.field: f for f in files}
    seen: dict[str, Any] = {}
    for name, value in fields(body, files):
        spec = by_name.get(name)
        if spec is not None:
            if not isinstance(value, Upload) or not _file_ok(spec, value):
                return False
            seen[name] = "file"  # its size and media type are checked above; any bytes do
            continue
        if isinstance(value, Upload):
            return False
        kinds = _kinds(schema.get(name, {}))
        typed = _typed(value, kinds)
        if "array" in kinds:
            seen.setdefault(name, []).append(_typed(value, _kinds(schema[name].get("items", {}))))
        else:
            if name in seen:
                return False  # a scalar field sent twice
            seen[name] = typed
    try:
        model.model_validate_json(json.dumps(seen))
    except (ValidationError, ValueError):
        return False
    return True


def _file_ok(spec: FileSpec, part: Upload) -> bool:
    if spec.media_types and part.media_type not in spec.media_types:
        return False
    return spec.max_size is None or len(part.content) <= spec.max_size


def _kinds(schema: Mapping[str, Any]) -> set[str]:
    out: set[str] = set()
    kind = schema.get("type")
    if isinstance(kind, str):
        out.add(kind)
    elif isinstance(kind, list):
        out.update(kind)
    for branch in [*schema.get("anyOf", ()), *schema.get("oneOf", ())]:
        out |= _kinds(branch)
    return out


def _typed(value: str, kinds: set[str]) -> Any:
    """A form text as the JSON value it spells for a field of ``kinds`` (else the text)."""
    if kinds & {"integer", "number", "boolean"}:
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        if isinstance(parsed, bool) and "boolean" in kinds:
            return parsed
        if (
            isinstance(parsed, int)
            and not isinstance(parsed, bool)
            and kinds & {"integer", "number"}
        ):
            return parsed
        if isinstance(parsed, float) and "number" in kinds:
            return parsed
    return value
