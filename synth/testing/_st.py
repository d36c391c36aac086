"""``st run`` as the object-level check runs it: schemathesis's CLI, retrying as synth's client.

schemathesis 4 sends a request again after a reset or a timeout (``--request-retries``), but
waits 1 s before the first retry, 2 s before the second and 4 s before the third
(``schemathesis.transport.requests._request_with_retries``, not configurable in 4.32). Under
10% transport faults that made the CRM's contacts part's object-level check take 19 to 23 s
instead of 4, while it keeps its part and the part's other checks wait. Here the first retry
goes at once and later ones back off as synth's client does, where the target looks strained
(``Strain``, ``backoff``, which the client uses too; ``--backoff``, given as
``SYNTH_ST_BACKOFF``), so a fault costs the engine what it costs the rest of the run.

Run as ``python -P path/to/_st.py run ...`` (``st``'s arguments; ``command``), not with
``-m``: this file imports nothing of synth, and as a module of ``synth.testing`` its start
imported that package first (0.5 s of CPU a process, in a check that starts three at once
against a far target, on the CPUs the run's workers share: `python -X importtime -m
synth.testing._st --version` shows `synth.testing` at 0.55 s cumulative, `--version` as a file
0.2 s of CPU in all). Where a later
schemathesis no longer has the functions involved, or calls them with other arguments, the
run goes on with its own waits (slower, never wrong);
``test_schemathesis_retries_as_the_client_does`` fails then, so the change is seen.
"""

from __future__ import annotations

import inspect
import os
import random
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

__all__ = [
    "BACKOFF_ENV",
    "GATE_ENV",
    "GO",
    "PROBES",
    "Gate",
    "Strain",
    "backoff",
    "command",
    "gate",
    "patch",
]

# The environment variable carrying the run's ``--backoff`` base, in seconds.
BACKOFF_ENV = "SYNTH_ST_BACKOFF"
# Set where the process is started ahead of its check (``_authorization.Engine``): it loads
# the document and draws its first cases meanwhile, and sends nothing until ``GO`` arrives on
# its standard input (``gate``), but schemathesis's probes where the value is ``PROBES``.
GATE_ENV = "SYNTH_ST_GATE"
PROBES = "probes"
GO = "go"
# schemathesis marks its probes of the server's capabilities with this header (two GETs of the
# base URL, no operation's path: ``schemathesis.engine.run.probes``). Where a later version
# marks them otherwise, they wait at the gate like any request: slower, never early.
_PROBE_HEADER = "X-Schemathesis-Probe"


def backoff(base: float, attempt: int) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based) before the next.

    None before the first retry: one fault in a healthy target is most often transient, and a
    wait there is paid by every fault the run meets (urllib3's ``Retry`` does the same). After
    that ``base`` doubled per attempt, 2 s at most, jittered by half either way.
    """
    if attempt <= 1:
        return 0.0
    return min(2.0, base * 2.0 ** (attempt - 1)) * (0.5 + random.random())


class Strain:
    """Whether the target looks strained, from the last ``WINDOW`` attempts a process sent:
    ``FAULTS`` or more of them met a transport fault (a reset, a timeout, a cut body, a
    502/503/504). Only then does a retry back off (``backoff``); otherwise it goes at once.

    A healthy target behind a flaky network or gateway faults now and then, one request as
    likely as the next: a request meeting two faults in a row there is bad luck (1 in 100 at
    10% faults), and a wait before its third attempt helps nobody. Under 10% injected faults
    at loopback (``python -m bench.latency --delays 0 --fault-rate 0.1``) those waits came to
    about 30 s summed over the run's two workers, about a quarter of what the faults cost. A
    target in trouble fails many requests, not one: there the waits stand.
    """

    WINDOW = 40
    FAULTS = 10

    def __init__(self) -> None:
        self._last: deque[bool] = deque(maxlen=self.WINDOW)

    def note(self, fault: bool) -> None:
        """Count one attempt: whether it met a transport fault."""
        self._last.append(fault)

    @property
    def strained(self) -> bool:
        return sum(self._last) >= self.FAULTS

    def wait(self, base: float, attempt: int) -> float:
        """Seconds to wait after failed attempt ``attempt``: ``backoff`` where strained."""
        return backoff(base, attempt) if self.strained else 0.0


def command() -> list[str]:
    """How ``st`` is started with synth's retry schedule: this file as a script (``-P``: its
    folder, which holds modules of synth, is not put on the import path)."""
    return [sys.executable, "-P", str(Path(__file__).resolve())]


# The parameters of the two functions replaced, as in 4.32.
_PARAMETERS = ("session", "data", "retries", "max_stream_events")
_RESEND_PARAMETERS = ("session", "data", "max_stream_events")


def _parameters(function: Any) -> tuple[str, ...]:
    try:
        return tuple(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return ()


def patch(base: float) -> bool:
    """Give schemathesis's transport synth's retry schedule; False where it has no such hook."""
    import requests
    from schemathesis.transport import requests as transport

    resend = getattr(transport, "_request_resending_on_dropped_connection", None)
    original = getattr(transport, "_request_with_retries", None)
    # Replaced only where both are as in 4.32: a replacement called with other arguments
    # would turn every request of the check into an error, and the check would pass unseen.
    if resend is None or original is None or _parameters(original) != _PARAMETERS:
        return False
    if _parameters(resend) != _RESEND_PARAMETERS:
        return False
    strain = Strain()

    def request_with_retries(
        session: requests.Session, data: dict[str, Any], retries: int, max_stream_events: int
    ) -> requests.Response:
        attempt = 0
        while True:
            try:
                response: requests.Response = resend(session, data, max_stream_events)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout):
                strain.note(True)
                if attempt >= retries:
                    raise
                attempt += 1
                time.sleep(strain.wait(base, attempt))
            else:
                # A gateway's 502 or 503 is an answer here (schemathesis sends it no more).
                strain.note(response.status_code in (502, 503, 504))
                return response

    transport._request_with_retries = request_with_retries
    return True


class Gate:
    """Holds back every request (but schemathesis's probes, where let) until ``GO`` is read
    from ``stream``; anything else there, or its end (the run that started the process
    stopped, or never ran the check), ends the process before it sends anything.

    ``GO`` may carry a timeout in seconds (``go 1.250``): the one synth's client has learned by
    the time the check begins, which every request let through then takes instead of the
    ``--request-timeout`` the process started with, learned a test earlier or not at all."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self._open = False
        self.timeout: float | None = None

    def wait(self) -> None:
        if self._open:
            return
        with self._lock:
            if not self._open:
                words = self._stream.readline().split()
                if not words or words[0] != GO:
                    os._exit(0)  # not sys.exit: this runs in schemathesis's worker thread
                if len(words) > 1:
                    try:
                        self.timeout = float(words[1])
                    except ValueError:
                        self.timeout = None  # the process's own timeout then
                self._open = True


def gate(stream: Any, *, probes: bool = True) -> Gate:
    """Put ``Gate(stream)`` before every request the process sends (requests' ``Session.send``,
    which schemathesis's transport, its probes and its auth flows all use), but a probe where
    ``probes``: schemathesis sends its probes first, and the cases it draws afterwards."""
    import requests

    held = Gate(stream)
    send = requests.Session.send

    def gated_send(self: requests.Session, request: Any, **kwargs: Any) -> Any:
        if not (probes and _PROBE_HEADER in request.headers):
            held.wait()
            if held.timeout is not None:
                kwargs["timeout"] = held.timeout
        return send(self, request, **kwargs)

    requests.Session.send = gated_send  # type: ignore[method-assign]
    return held


def main() -> None:  # pragma: no cover - run as a process by ``_authorization.Engine``
    from schemathesis.cli import schemathesis

    # Set by ``Engine``, from the run's configuration (no default of its own to drift).
    patch(float(os.environ[BACKOFF_ENV]))
    if os.environ.get(GATE_ENV):
        gate(sys.stdin, probes=os.environ[GATE_ENV] == PROBES)
    sys.argv[0] = "st"
    sys.exit(schemathesis())


if __name__ == "__main__":  # pragma: no cover
    main()
