"""Markers for operation parameters, used inside ``Annotated[...]`` like FastAPI's."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Body", "Header", "Path", "Query"]


@dataclass(frozen=True, slots=True)
class Query:
    """A query parameter (the default for a parameter that is not in the path)."""

    description: str = ""
    alias: str | None = None


@dataclass(frozen=True, slots=True)
class Path:
    """A path parameter (implied when the name appears in the path template)."""

    description: str = ""


@dataclass(frozen=True, slots=True)
class Header:
    """A request header; ``name`` is the header as sent on the wire (``X-Request-Id``)."""

    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Body:
    """The request body (implied for a parameter named ``body``)."""

    description: str = ""
