"""A stand-in for the generated ``models.py``: only what the fixed modules use of it."""

from __future__ import annotations

from ._base import Model

__all__ = ["Problem"]


class Problem(Model):
    """RFC 9457 problem details with a ``code`` from the taxonomy."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str
