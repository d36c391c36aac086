"""Request bodies that are not JSON: HTML forms and multipart uploads, and the file field type.

``body: Annotated[LoginForm, Form()]`` sends the body as ``application/x-www-form-urlencoded``;
``body: Annotated[CoverUpload, Multipart()]`` as ``multipart/form-data``, where a field typed
``Annotated[bytes, File(media_types=("image/png",), max_size=1_000_000)]`` is a file part.
The model is still a Pydantic model: its other fields are the form's text fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from ._params import Body

__all__ = ["FILE_KEYWORD", "File", "Form", "Multipart"]

# The keyword carrying a file part's rules in its JSON Schema (and so in the document).
FILE_KEYWORD = "x-synth-file"


@dataclass(frozen=True, slots=True)
class Form(Body):
    """The request body as an HTML form: ``application/x-www-form-urlencoded``."""

    media_type: ClassVar[str] = "application/x-www-form-urlencoded"


@dataclass(frozen=True, slots=True)
class Multipart(Body):
    """The request body as ``multipart/form-data``: text fields and ``File`` parts."""

    media_type: ClassVar[str] = "multipart/form-data"


@dataclass(frozen=True, slots=True)
class File:
    """A file part of a multipart body: ``Annotated[bytes, File(media_types=..., max_size=...)]``.

    ``media_types``: the part's ``Content-Type`` values the server accepts (any when empty);
    ``max_size``: the most bytes the server accepts. A file of another type or a larger one is
    invalid input, answered like every other (422 ``validation_failed``).
    """

    media_types: tuple[str, ...] = ()
    max_size: int | None = None

    def __post_init__(self) -> None:
        kinds = self.media_types
        if isinstance(kinds, str) or not all(isinstance(m, str) and "/" in m for m in kinds):
            raise TypeError(
                f"File(media_types={kinds!r}): give a tuple of media types, "
                'e.g. File(media_types=("image/png", "image/jpeg"))'
            )
        object.__setattr__(self, "media_types", tuple(kinds))
        size = self.max_size
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
            raise TypeError(
                f"File(max_size={size!r}): give the most bytes accepted, e.g. 1_000_000"
            )

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        schema = handler(source)
        if schema.get("type") != "bytes":
            raise TypeError(
                f"File() marks a bytes field, not {getattr(source, '__name__', source)}: "
                "write Annotated[bytes, File(...)]"
            )
        if self.max_size is not None:
            schema = {**schema, "max_length": self.max_size}
        return schema

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # OpenAPI 3.1 spells a binary part ``contentMediaType: application/octet-stream``
        # (3.0's ``format: binary``); the accepted types go in the body's ``encoding``.
        rules: dict[str, Any] = {"mediaTypes": list(self.media_types)}
        if self.max_size is not None:
            rules["maxSize"] = self.max_size
        return {
            "type": "string",
            "contentMediaType": "application/octet-stream",
            FILE_KEYWORD: rules,
        }
