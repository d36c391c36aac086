"""The reference server as a real process, for the benchmarks (see examples.reference_server)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from examples.reference_server.process import ROOT, TENANTS
from examples.reference_server.process import serve as _serve

__all__ = ["ROOT", "TENANTS", "serve"]


@contextmanager
def serve(bugs: str = "", work_delay: float = 0.0) -> Iterator[str]:
    """Start the server with ``bugs`` and no work delay unless given; yield its base URL."""
    with _serve(bugs, work_delay=work_delay) as url:
        yield url
