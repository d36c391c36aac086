"""What a contract says about observing a running API: request ids and latency objectives."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RequestId"]

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
