"""What a contract says about observing a running API: request ids and latency objectives."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Latency", "RequestId", "parse_duration"]

# An id a log line and a URL can both carry: letters, digits and `_.:-`, 1 to 128 characters
# (a UUID, a ULID, `req_01H...`, a W3C trace id all fit).
DEFAULT_PATTERN = r"^[A-Za-z0-9_.:-]{1,128}$"


@dataclass(frozen=True, slots=True)
class RequestId:
    """The request id that follows a request through the server's logs and error bodies.

    The server echoes a client-sent ``header`` whose value matches ``pattern`` and makes one of
    its own when none (or an invalid one) is sent, on every response; every problem body
    carries the same id in ``member`` (``instance``, RFC 9457's own member, or an extension
    member). ``pattern`` is read as a field's ``pattern`` is (docs/models.md) and must accept a
    UUID, which ``synth test`` sends.

    >>> Api("Shop", "1", request_id=RequestId())
    >>> Api("Shop", "1", request_id=RequestId(header="X-Correlation-Id", member="instance"))
    """

    header: str = "X-Request-Id"
    member: str = "request_id"
    pattern: str = DEFAULT_PATTERN


_DURATION = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s)")


def parse_duration(text: object) -> float | None:
    """``"200ms"`` or ``"1.5s"`` in milliseconds; None for anything else (or not above 0)."""
    if not isinstance(text, str) or (match := _DURATION.fullmatch(text.strip())) is None:
        return None
    value = float(match[1]) * (1000 if match[2] == "s" else 1)
    return value if value > 0 else None


@dataclass(frozen=True, slots=True)
class Latency:
    """An operation's latency objective: response-time percentiles it stays within.

    Each is a duration, ``"200ms"`` or ``"1.5s"``; give one or more. ``synth test`` measures
    every response and reports the percentiles; with ``--enforce-slo`` a breach measured
    over enough responses fails the run.

    >>> @api.get("/contacts/{contact_id}", slo=Latency(p95="200ms"))
    """

    p50: str | None = None
    p95: str | None = None
    p99: str | None = None
