"""RATE-*: each catches its planted bug, stays quiet on the correct server, and never sends
more than its budget to the limited operation.

RATE-TENANT first waits until tenant B has sent nothing counting against the quota for a whole
window, once per example and per replay of a finding; RATE-LIMIT and RATE-RETRY-AFTER do not
(the quota used before them only brings their 429 sooner). The checks run against the example API with getJob's window cut from 5 s to 2 s
(``short_window`` in conftest.py: a copy of contracts/ that the reference server and the
target both load), so that a test waits 2 s a window instead of 5; the limit, 20 requests, is
the contract's.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from examples.reference_server.app import create_app
from synth.spec import ApiSpec
from synth.testing import Outcome, Target, config_from_options
from synth.testing._http import Request
from synth.testing._parallel import dump_state, merge_state
from synth.testing._report import Merged, limits_line, markdown, summary_lines
from synth.testing._runner import run_check
from synth.testing.invariants.limits import parse_policy

from .conftest import TOKENS

pytestmark = pytest.mark.slow  # each check waits out rate-limit windows

RATE = ("RATE-LIMIT", "RATE-TENANT", "RATE-RETRY-AFTER")
OPERATION = "getJob"


def _target(api: ApiSpec, contracts: Path, bugs: frozenset[str] = frozenset()) -> Target:
    config = config_from_options(app=create_app(bugs=bugs, contracts_dir=str(contracts)),
                                 tenants=TOKENS, profile="quick", seed=1, env={})  # fmt: skip
    return Target(config, api)


def _sent(target: Target, path_prefix: str, since: int) -> int:
    return sum(
        1
        for e in target.client.log[since:]
        if e.request.method == "GET" and path_prefix in e.request.path
    )


@pytest.fixture
def clean(short_api: ApiSpec, short_window: Path) -> Iterator[Target]:
    target = _target(short_api, short_window)
    yield target
    target.close()


@pytest.mark.parametrize("invariant", RATE)
def test_correct_server_passes_within_the_budget(clean: Target, invariant: str) -> None:
    from synth.testing.invariants import limits

    limit = clean.api.operation(OPERATION).rate_limit
    assert limit is not None
    before = len(clean.client.log)
    finding = run_check(invariant, OPERATION, clean)
    assert finding.outcome is Outcome.PASSED, finding.message
    assert finding.exercised >= 1
    # ``Burst.budget``: RATE-TENANT may send its volley again, in a window of its own.
    volleys = limits.TENANT_VOLLEYS if invariant == "RATE-TENANT" else 1
    budget = (2 * limit.limit * volleys + 2) * finding.examples
    sent = _sent(clean, "/jobs/", before)
    assert 0 < sent <= budget, (sent, budget)


@pytest.mark.parametrize(
    ("bug", "invariant"),
    [
        ("rate-not-enforced", "RATE-LIMIT"),
        ("rate-shared-across-tenants", "RATE-TENANT"),
        ("rate-no-retry-after", "RATE-RETRY-AFTER"),
    ],
)
def test_planted_bug_is_reported_by_its_own_id(
    short_api: ApiSpec, short_window: Path, bug: str, invariant: str
) -> None:
    from synth.testing.invariants import limits

    target = _target(short_api, short_window, frozenset({bug}))
    try:
        limit = short_api.operation(OPERATION).rate_limit
        assert limit is not None
        before = len(target.client.log)
        finding = run_check(invariant, OPERATION, target)
        assert finding.outcome is Outcome.VIOLATION, finding.message
        # The first search and each replay are one burst each, none past its budget
        # (``Burst.budget``: RATE-TENANT may send its volley again, in a window of its own).
        runs = finding.examples + 3
        volleys = limits.TENANT_VOLLEYS if invariant == "RATE-TENANT" else 1
        assert _sent(target, "/jobs/", before) <= (2 * limit.limit * volleys + 2) * runs
    finally:
        target.close()


def test_a_tenant_served_after_the_quota_may_have_reset_proves_nothing(
    short_api: ApiSpec, short_window: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fixed window ends when the server's clock says: A's 429 that says its quota resets
    within the second (``RateLimit: ...;t=1``) cannot show that B's success is B's own quota,
    however soon B asked. Each such example is set aside; none is judged a pass."""
    from examples.reference_server import _limits

    fields = _limits._fields
    monkeypatch.setattr(
        _limits, "_fields", lambda limit, remaining, reset: fields(limit, remaining, 1)
    )
    target = _target(short_api, short_window)
    try:
        finding = run_check("RATE-TENANT", OPERATION, target)
    finally:
        target.close()
    assert finding.outcome is Outcome.SKIPPED, finding.message
    assert "cannot show a shared quota" in finding.message, finding.message
    assert finding.exercised == 0


@pytest.mark.parametrize("bug", ["", "rate-shared-across-tenants"])
def test_a_burst_at_a_window_s_end_goes_again_after_the_reset_b_sending_nothing(
    short_api: ApiSpec, short_window: Path, monkeypatch: pytest.MonkeyPatch, bug: str
) -> None:
    """A's burst lands in the last second of the server's window (its 429 says ``t=1``): B's
    answer could not come while A's quota surely stayed used up, so B sends nothing then; A's
    burst goes again once its quota has reset, in the same example, with no quiet window for
    B (whose quota nothing touched), and is judged: the correct server passes, a quota shared
    by the tenants is reported (and confirmed, the replays going likewise)."""
    from synth.testing.invariants import limits

    slept: list[float] = []
    sleep = time.sleep

    def recorded(seconds: float) -> None:
        slept.append(seconds)
        sleep(seconds)

    limit = short_api.operation(OPERATION).rate_limit
    assert limit is not None
    target = _target(short_api, short_window, frozenset({bug} - {""}))
    try:
        # Just past the middle of one of the reference server's windows (monotonic // window):
        # the burst's 429 comes with less than a second left.
        time.sleep((limit.window * 1.6 - time.monotonic() % limit.window) % limit.window)
        monkeypatch.setattr(time, "sleep", recorded)
        finding = run_check("RATE-TENANT", OPERATION, target, first=True)  # one example
        reads = [e.request.tenant for e in target.client.log
                 if e.request.method == "GET" and "/jobs/" in e.request.path]  # fmt: skip
    finally:
        target.close()
    if not bug:
        assert finding.outcome is Outcome.PASSED, finding.message
        # Two volleys of A (twice the limit each), then one request as A and one as B.
        assert reads.count("a") == 2 * 2 * limit.limit + 1, reads
        assert reads.count("b") == 1, reads
        assert slept == [pytest.approx(1 + limits._MARGIN)], slept
        assert finding.exercised == 1, finding
    else:
        assert finding.outcome is Outcome.VIOLATION, finding.message
        assert "confirmed by replaying it" in finding.message, finding.message


@pytest.mark.parametrize(("bug", "outcome"), [("", Outcome.PASSED),
                                               ("rate-shared-across-tenants", Outcome.VIOLATION)])  # fmt: skip
def test_a_429_that_does_not_say_when_its_quota_resets(
    short_api: ApiSpec, short_window: Path, monkeypatch: pytest.MonkeyPatch, bug: str,
    outcome: Outcome,
) -> None:  # fmt: skip
    """A 429 whose ``RateLimit`` field names no reset (``"name";r=0``, no ``t``): RATE-TENANT
    takes A's quota as used up for the whole declared window from A's burst, so B's answer
    within it is judged (served on the correct server, 429 where the quota is shared)."""
    from examples.reference_server import _limits

    fields = _limits._fields

    def without_reset(limit: Any, remaining: int, reset: int) -> dict[str, str]:
        made = fields(limit, remaining, reset)
        made["RateLimit"] = made["RateLimit"].rpartition(";t=")[0]
        return made

    monkeypatch.setattr(_limits, "_fields", without_reset)
    target = _target(short_api, short_window, frozenset({bug} - {""}))
    try:
        finding = run_check("RATE-TENANT", OPERATION, target)
        limited = [e for e in target.client.log if e.status == 429]
    finally:
        target.close()
    assert limited, "the server sent no 429"
    assert all(";t=" not in e.headers["ratelimit"] for e in limited), limited[0].headers
    assert finding.outcome is outcome, finding.message
    if outcome is Outcome.PASSED:  # judged, not set aside as proving nothing
        assert finding.exercised >= 1, finding.message


def test_a_window_ending_between_a_s_429_and_b_s_answer_proves_nothing(
    short_api: ApiSpec, short_window: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server's window is cut by its clock and its 429 names no reset: the window may end
    right after A's 429, and a quota shared by the tenants then serves B too. B's request goes
    with one more of A's; A's served shows the reset, and B's success is not taken to show
    separate quotas (before, it passed the shared quota whenever the window ended there)."""
    from examples.reference_server import _limits
    from synth.testing.invariants import limits

    fields = _limits._fields

    def without_reset(limit: Any, remaining: int, reset: int) -> dict[str, str]:
        made = fields(limit, remaining, reset)
        made["RateLimit"] = made["RateLimit"].rpartition(";t=")[0]
        return made

    together = limits.Burst.together

    def at_the_next_window(burst: Any, *tenants: str) -> Any:
        window = burst.policy.window  # the reference server's windows: monotonic // window
        time.sleep(window - time.monotonic() % window + 0.01)
        return together(burst, *tenants)

    monkeypatch.setattr(_limits, "_fields", without_reset)
    monkeypatch.setattr(limits.Burst, "together", at_the_next_window)
    target = _target(short_api, short_window, frozenset({"rate-shared-across-tenants"}))
    try:
        finding = run_check("RATE-TENANT", OPERATION, target, first=True)  # one example
    finally:
        target.close()
    assert finding.outcome is not Outcome.PASSED, finding.message
    assert finding.exercised == 0, finding.message


def _use_up(target: Target, tenant: str, limit: int) -> None:
    """``tenant``'s quota of getJob used up: one job made, then read ``limit`` + 1 times at once
    (a 429 among the answers)."""
    token = target.config.tenant(tenant).token
    made = target.client.send(Request(tenant, "POST", "/api/v1/jobs",
                                      headers=(("Idempotency-Key", f"used-up-{tenant}"),),
                                      json_body={"kind": "export_contacts"}, has_body=True,
                                      token=token))  # fmt: skip
    assert made.ok, made.status
    read = Request(tenant, "GET", f"/api/v1/jobs/{made.json['id']}", token=token,
                   wait_limited=False)  # fmt: skip
    used = target.client.gather([read] * (limit + 1))
    assert any(e.status == 429 for e in used), [e.status for e in used]


@pytest.mark.parametrize(
    ("invariant", "tenant"),
    [("RATE-LIMIT", "a"), ("RATE-RETRY-AFTER", "a"), ("RATE-TENANT", "a"), ("RATE-TENANT", "b")],
)
def test_a_quota_used_up_before_the_check(
    short_api: ApiSpec,
    short_window: Path,
    monkeypatch: pytest.MonkeyPatch,
    invariant: str,
    tenant: str,
) -> None:
    """A tenant's quota used up just before (a 429 already): RATE-LIMIT and RATE-RETRY-AFTER
    judge the correct server at once, without a quiet window, and pass, as RATE-TENANT does
    after tenant A's (A's requests before only bring its 429 sooner). After tenant B's,
    RATE-TENANT first waits out what is left of a window from B's last request (B's quota
    must be untouched for B's answer to mean anything), and passes."""
    from synth.testing.invariants import limits

    slept: list[float] = []
    # RATE-TENANT's wait for A's quota to reset before A's burst goes again, where A's 429
    # came too near a window's end (``TENANT_VOLLEYS``): the server's clock decides, not the
    # quota used up before, so apart from the quiet-window waits counted below.
    again: list[float] = []
    sleep = time.sleep

    def recorded(seconds: float) -> None:
        waiting = again if sys._getframe(1).f_code.co_name == "tenant" else slept
        waiting.append(seconds)
        sleep(seconds)

    target = _target(short_api, short_window)
    try:
        limit = short_api.operation(OPERATION).rate_limit
        assert limit is not None
        _use_up(target, tenant, limit.limit)
        used_up = time.time()
        began = time.time()
        # The checks sleep through the time module (the client waits with asyncio).
        monkeypatch.setattr(time, "sleep", recorded)
        finding = run_check(invariant, OPERATION, target)
    finally:
        target.close()
    assert finding.outcome is Outcome.PASSED, finding.message
    assert finding.exercised >= 1, finding.message
    window = limit.window + limits._MARGIN
    assert len(again) <= (limits.TENANT_VOLLEYS - 1) * finding.examples, again
    assert all(seconds <= window for seconds in again), again
    if invariant == "RATE-TENANT" and tenant == "b":
        # One wait an example (a later example's for B's answer in the one before), the first
        # what was left of a window from B's reads, answered just before the check began.
        assert len(slept) == finding.examples, slept
        assert window - 1.0 < slept[0] <= window - (began - used_up), slept
    elif invariant == "RATE-TENANT":
        # None for the first example: B has sent nothing. A later example (one drawn again
        # where a window cut by the server's clock proved nothing) waits for B's answer in
        # the one before, a moment ago.
        assert len(slept) == finding.examples - 1, slept
        assert all(window - 1.0 < seconds <= window for seconds in slept), slept
    elif invariant == "RATE-RETRY-AFTER":  # only the announced wait, once an example
        assert len(slept) == finding.examples, slept
    else:
        assert slept == [], slept


def test_tenant_b_s_quota_spent_just_before_is_why_rate_tenant_waits(
    short_api: ApiSpec, short_window: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the wait for B's window (``Target.last_spent`` saying B spent nothing), B's
    quota used up just before makes RATE-TENANT report the correct server: B's 429 would be
    its own requests', not A's. The wait above is what keeps it from that false report."""
    from synth.testing import Target as TargetClass

    limit = short_api.operation(OPERATION).rate_limit
    assert limit is not None
    monkeypatch.setattr(TargetClass, "last_spent", lambda self, quota, tenant: 0.0)
    target = _target(short_api, short_window)
    try:
        # B's reads at the start of one of the reference server's windows (monotonic //
        # window): the check's burst follows well inside the same window.
        time.sleep(limit.window - time.monotonic() % limit.window + 0.01)
        _use_up(target, "b", limit.limit)
        finding = run_check("RATE-TENANT", OPERATION, target)
    finally:
        target.close()
    assert finding.outcome is Outcome.VIOLATION, finding.message
    assert "tenant B" in finding.message, finding.message


def _refusing_every_other(calls: list[str], retry_after: bytes) -> Any:
    """An ASGI app answering 429 (with ``retry_after``) to every other request, the first
    included, and 200 to the others; each request's path goes to ``calls``."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        calls.append(scope["path"])
        limited = len(calls) % 2 == 1
        headers = [(b"retry-after", retry_after)] if limited else []
        await send({"type": "http.response.start", "status": 429 if limited else 200,
                    "headers": headers})  # fmt: skip
        await send({"type": "http.response.body", "body": b""})

    return app


def test_other_checks_wait_out_a_429(api: ApiSpec) -> None:
    """synth's own client waits out a 429 (its Retry-After) unless a check asks to see it."""
    calls: list[str] = []
    app = _refusing_every_other(calls, b"0")
    config = config_from_options(app=app, tenants=TOKENS, profile="quick", seed=1, env={})
    target = Target(config, api)
    try:
        served = target.client.send(Request("a", "GET", "/jobs/x", token="token-a"))
        assert (served.status, target.client.limited.answers, len(calls)) == (200, 1, 2)
        seen = target.client.send(Request("a", "GET", "/jobs/x", token="token-a",
                                          wait_limited=False))  # fmt: skip
        assert (seen.status, target.client.limited.answers, len(calls)) == (429, 1, 3)
    finally:
        target.close()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"20-per-5s";q=20;w=5', ("20-per-5s", 20, 5)),
        ("burst; w=10 ;q=5, daily;q=1000;w=86400", ("burst", 5, 10)),
        ('"x";q=5', None),
        ('"x";q=five;w=1', None),
        ("", None),
    ],
)
def test_policy_fields_are_read_leniently(
    value: str, expected: tuple[str, int, int] | None
) -> None:
    found = parse_policy(value)
    assert (None if found is None else (found.name, found.limit, found.window)) == expected


def test_headers_of_a_429_on_the_wire(api: ApiSpec) -> None:
    """The reference server's 429 carries what the OpenAPI document declares for it."""
    transport = httpx.ASGITransport(app=create_app())

    async def burst() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1") as c:
            auth = {"Authorization": "Bearer token-a"}
            job = await c.post("/jobs", json={"kind": "export_contacts"},
                               headers={**auth, "Idempotency-Key": "k1"})  # fmt: skip
            answer = job
            path = f"/jobs/{job.json()['id']}"
            answers = await asyncio.gather(*(c.get(path, headers=auth) for _ in range(41)))
            return next((a for a in answers if a.status_code == 429), answer)

    answer = asyncio.run(burst())
    assert answer.status_code == 429
    assert answer.json()["code"] == "rate_limited"
    assert answer.headers["ratelimit-policy"] == '"20-per-5s";q=20;w=5'
    assert answer.headers["ratelimit"].startswith('"20-per-5s";r=0;t=')
    assert int(answer.headers["retry-after"]) >= 1


def test_the_429s_waited_out_are_counted_and_said(api: ApiSpec) -> None:
    """A 429 whose Retry-After says 1 s, then a 200: the client waits it out and sends
    again, and the wait is counted, carried in a worker's state, added up when merged and
    said in the summary and the report (a new user's rate-limited checks took 5 to 9 s, and
    nothing said why)."""
    calls: list[str] = []
    app = _refusing_every_other(calls, b"1")
    config = config_from_options(app=app, tenants=TOKENS, profile="quick", seed=1, env={})
    target = Target(config, api)
    try:
        assert limits_line(target) == "rate limits: no 429 answer waited out"
        served = target.client.send(Request("a", "GET", "/jobs/x", token="token-a"))
        assert (served.status, len(calls)) == (200, 2)
        assert target.limit_waits.answers == 1
        assert target.limit_waits.seconds == pytest.approx(1.0)
        state = dump_state(target)
    finally:
        target.close()
    assert target.limit_waits.answers == 1  # kept after the client is closed
    merged = Merged(config)
    merge_state(merged, state)
    merge_state(merged, state)
    assert merged.limit_waits.answers == 2
    assert merged.limit_waits.seconds == pytest.approx(2.0)
    said = "rate limits: 2 answers of 429 waited out before sending again, 2.0 s in all"
    assert any(line.strip().startswith(said) for line in summary_lines(merged))
    assert said.capitalize() in markdown(merged)
