"""RATE-LIMIT, RATE-TENANT, RATE-RETRY-AFTER: a declared rate limit, exercised in one burst.

A burst is bounded so that a run never floods a deploy: it runs only where the limit is small
(at most ``MAX_LIMIT`` requests per at most ``MAX_WINDOW`` seconds) or where the server names a
smaller test limit in a ``Synth-Test-RateLimit-Policy`` header (as ``RateLimit-Policy`` writes
it), and it sends at most 2 x limit + 2 requests to the operation (``Burst.budget``: RATE-TENANT's
volley of 2 x limit, then one as A and one as B at once), one more to read that header where
the declared limit is past the bound; RATE-TENANT may send its volley again, up to
``TENANT_VOLLEYS`` in all, each in a window of its own, where A's 429 came too near a window's
end for B's answer to mean anything. From the burst's start no other check's request counts
against the same quota (``Target.keep_quota``). RATE-TENANT first waits until tenant B has sent
nothing that counts against the quota for a whole window (every process of the run notes when
each tenant last did: ``Target.last_spent``), so that nothing sent before counts against B's
quota. RATE-LIMIT and RATE-RETRY-AFTER do not wait: what was sent before only brings the 429
sooner, and neither judges when it comes (RATE-LIMIT fails on 2 x limit + 1 successes, which
earlier requests can only make rarer; RATE-RETRY-AFTER on the request after the announced
wait, which the server must reckon with every request it counted, whoever sent it). Their
quiet windows were about half of the three checks' time, and the three, one after another on
the quota, ended the run (bench/notes/latency.md).

2 x limit + 1 successes inside one window prove the limit is not kept, whatever the
algorithm: a fixed window lets through at most 2 x limit in any stretch of one window's
length (the end of one window and the start of the next), a sliding window or a token bucket
no more. A burst that took longer than a window proves nothing, and says so.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace

from ...spec import OperationSpec
from .._context import NO_BODY, Context, brief
from .._http import Exchange, Request, retry_after
from .._violation import CannotCheck, NoExample
from ._common import expect_error
from ._registry import implements

__all__ = [
    "MAX_LIMIT",
    "MAX_WINDOW",
    "TENANT_VOLLEYS",
    "TEST_POLICY",
    "Burst",
    "Policy",
    "parse_policy",
]

MAX_LIMIT = 100
MAX_WINDOW = 60
TEST_POLICY = "Synth-Test-RateLimit-Policy"
# The most volleys of tenant A in one RATE-TENANT example: one, and again once A's quota has
# reset where its 429 came too near a window's end for B's answer to mean anything.
TENANT_VOLLEYS = 2
# The longest Retry-After RATE-RETRY-AFTER waits out, and the margin added to it.
_MAX_RETRY_AFTER = 60
_MARGIN = 0.25
_PARAM = re.compile(r"\s*([a-z*][a-z0-9_.*-]*)\s*(?:=\s*(\"[^\"]*\"|[^;,\s]+))?\s*")


@dataclass(frozen=True, slots=True)
class Policy:
    """A rate-limit policy as a check uses it: its name, quota and window in seconds."""

    name: str
    limit: int
    window: int

    @property
    def small(self) -> bool:
        return 1 <= self.limit <= MAX_LIMIT and 1 <= self.window <= MAX_WINDOW


def parse_policy(value: str) -> Policy | None:
    """The first policy of a ``RateLimit-Policy`` field (``"name";q=20;w=10``), or None.

    Read leniently (a token or a string as the name, parameters in any order, spaces around
    them): a server is judged on its limit, not on how it spells the field.
    """
    first = value.split(",", 1)[0]
    name, *params = first.split(";")
    values: dict[str, str] = {}
    for param in params:
        found = _PARAM.fullmatch(param)
        if found is None:
            return None
        values[found.group(1)] = (found.group(2) or "").strip('"')
    if not (values.get("q", "").isdigit() and values.get("w", "").isdigit()):
        return None
    return Policy(name.strip().strip('"'), int(values["q"]), int(values["w"]))


def _param(value: str, name: str) -> int | None:
    """Integer parameter ``name`` (``r``: the requests left; ``t``: the seconds to the quota's
    reset) of the first item of a ``RateLimit`` field (``"name";r=0;t=7``), or None."""
    for param in value.split(",", 1)[0].split(";")[1:]:
        found = _PARAM.fullmatch(param)
        if found is not None and found.group(1) == name and (found.group(2) or "").isdigit():
            return int(found.group(2) or "0")
    return None


class Burst:
    """The requests one example sends to the limited operation, counted against its budget.

    A burst is a volley: its requests are sent at once, so that even a slow link delivers
    them inside one window. Each tenant's requests have their own path parameters, made
    before the burst keeps the quota (the items they name are created by other operations,
    which the budget does not count). ``quiet``: the last of ``tenants`` has spent nothing
    of the quota for a whole window before the burst (waited out where it has).
    """

    def __init__(self, ctx: Context, tenants: tuple[str, ...], *, quiet: bool = False) -> None:
        op = ctx.op
        assert op.rate_limit is not None
        self.ctx = ctx
        self.op: OperationSpec = op
        self.declared = Policy(op.rate_limit.name, op.rate_limit.limit, op.rate_limit.window)
        ctx.target.make_for_quota(op)
        self.params = {t: ctx.provision(t, op) for t in tenants}
        self.sent = 0
        self.volleys = 1  # volleys the budget allows (``budget``)
        self.probe = 0  # the request that read the server's test policy, when one was needed
        self.policy = self.declared
        self.test_policy: Policy | None = None
        if not self.declared.small:
            self.probe = 1
            self.test_policy = self._test_policy(self.send(tenants[0]))
            if self.test_policy is None:
                raise CannotCheck(
                    f"the declared limit ({self._pace(self.declared)}) is more than synth "
                    f"bursts (at most {MAX_LIMIT} per {MAX_WINDOW} s), and the server names "
                    f"no smaller test limit in a {TEST_POLICY} header"
                )
            self.policy = self.test_policy
        # From here on nothing but this check counts against the quota, and what it sends
        # reads what it made above: its part of the API goes on (``Target.keep_quota``).
        ctx.target.keep_quota(op)
        if quiet:
            # Wait until a whole window has passed since the last tenant's request that counts
            # against the quota (the run's, in any process: ``Target.last_spent``), so that
            # nothing sent before counts against its part of the burst. A quota idle for a
            # window already costs no wait: RATE-TENANT's quiet window was 5.25 s of its 5.4 s
            # at loopback on the CRM, where the last tenant had spent nothing for longer.
            last = ctx.target.last_spent(op.rate_limit.quota, tenants[-1])
            wait = last + self.policy.window + _MARGIN - time.time()
            if wait > 0:
                time.sleep(wait)

    @property
    def budget(self) -> int:
        """The most requests this example may send to the operation: a volley of twice the
        limit (``volleys`` of them, each in a window of its own: RATE-TENANT's), then one as
        each of two tenants."""
        return 2 * self.policy.limit * self.volleys + 2 + self.probe

    def _test_policy(self, exchange: Exchange) -> Policy | None:
        """The server's test limit, when it names one smaller than declared and small enough."""
        found = parse_policy(exchange.headers.get(TEST_POLICY, ""))
        if found is None or not found.small:
            return None
        smaller = found.limit <= self.declared.limit and (
            found.limit * self.declared.window <= self.declared.limit * found.window
        )
        return found if smaller else None

    def _request(self, tenant: str) -> Request:
        self.sent += 1
        if self.sent > self.budget:
            raise RuntimeError(
                f"the burst would send {self.op.operation_id} more than its budget of "
                f"{self.budget} requests"
            )
        request = self.ctx.request(tenant, self.op, self.params[tenant], NO_BODY, None)
        return replace(request, wait_limited=False)

    def send(self, tenant: str) -> Exchange:
        """One request as ``tenant``; a 429 is its answer, not something to wait out."""
        exchange = self.ctx.target.client.send(self._request(tenant))
        self.ctx.trace.append(exchange)
        return exchange

    def together(self, *tenants: str) -> list[Exchange]:
        """One request as each of ``tenants``, sent at once; a 429 is an answer."""
        answers = self.ctx.target.client.gather([self._request(t) for t in tenants])
        self.ctx.trace.extend(answers)
        return answers

    def volley(self, tenant: str, count: int) -> tuple[Exchange | None, int, float]:
        """``count`` requests as ``tenant``, sent at once: the first 429 among the answers (None
        if none came), the successes and the seconds from the first sent to the last answer.
        An answer that is neither ends the check: the burst shows nothing about the limit."""
        started = time.monotonic()
        answers = self.together(*[tenant] * count)
        seconds = time.monotonic() - started
        odd = next((a for a in answers if a.status != 429 and not a.ok), None)
        if odd is not None:
            raise CannotCheck(
                f"{self.op.operation_id} answered {odd.status} inside the burst, not a success "
                "or 429: the burst shows nothing about the limit"
            )
        limited = next((a for a in answers if a.status == 429), None)
        return limited, sum(a.ok for a in answers), seconds

    def until_limited(self, whose: str) -> Exchange | None:
        """A volley of twice the limit as tenant A: its first 429, or None where none came,
        the example then marked unexercised (``whose``: how the message names the burst)."""
        limited, successes, seconds = self.volley(self.ctx.a, 2 * self.policy.limit)
        if limited is None:
            self.ctx.unexercised(
                f"{whose} burst of {successes} requests in {seconds:.1f} s got no 429 "
                "(RATE-LIMIT judges that)"
            )
        return limited

    @staticmethod
    def _pace(policy: Policy) -> str:
        return f"{policy.limit} per {policy.window} s"

    def describe(self) -> str:
        assert self.op.rate_limit is not None
        test = f", the server's {TEST_POLICY}" if self.test_policy is not None else ""
        return f"{self._pace(self.policy)} per {self.op.rate_limit.key}{test}"


@implements("RATE-LIMIT")
def limit(ctx: Context) -> None:
    burst = Burst(ctx, (ctx.a,))
    most = 2 * burst.policy.limit + 1
    limited, successes, seconds = burst.volley(ctx.a, most)
    if limited is None:
        if seconds < burst.policy.window:
            ctx.fail(
                f"a 429 rate_limited among {most} requests sent at once ({burst.describe()})",
                f"{successes} successes in {seconds:.2f} s",
                ctx.trace[-1],
            )
        ctx.unexercised(
            f"a burst of {most} requests took {seconds:.1f} s, longer than the "
            f"{burst.policy.window} s window: it cannot show the limit"
        )
        return
    expect_error(ctx, limited, ctx.op, "rate_limited", f"a burst past {burst.describe()}")
    policy_field = limited.headers.get("ratelimit-policy")
    policy = parse_policy(policy_field or "")
    if policy is None:
        ctx.fail(
            'a RateLimit-Policy header on the 429 ("name";q=<limit>;w=<seconds>)',
            f"RateLimit-Policy: {policy_field}" if policy_field else "no RateLimit-Policy header",
            limited,
        )
    declared = burst.declared
    if burst.test_policy is None and (policy.limit, policy.window) != (
        declared.limit,
        declared.window,
    ):
        ctx.fail(
            f"RateLimit-Policy with q={declared.limit};w={declared.window}, the declared limit",
            f"RateLimit-Policy: {policy_field}",
            limited,
        )
    field = limited.headers.get("ratelimit")
    if field is None or _param(field, "r") is None:
        ctx.fail(
            'a RateLimit header on the 429 ("name";r=<remaining>;t=<seconds>)',
            f"RateLimit: {field}" if field is not None else "no RateLimit header",
            limited,
        )


@implements("RATE-TENANT")
def tenant(ctx: Context) -> None:
    burst = Burst(ctx, (ctx.a, ctx.b), quiet=True)
    for volleys in range(1, TENANT_VOLLEYS + 1):
        burst.volleys = volleys
        began = time.monotonic()
        limited = burst.until_limited("tenant A's")
        if limited is None:
            return
        # The 429's RateLimit field says when the quota resets (``t``, whole seconds, rounded
        # up as servers do, so one less is sure), counted from its answer, which came after
        # A's burst began; without it, A's quota is taken as used up for a whole window.
        reset = _param(limited.headers.get("ratelimit", ""), "t")
        sure = burst.policy.window if reset is None else min(burst.policy.window, reset - 1)
        volley = time.monotonic() - began
        if reset is None or 2 * volley < sure:
            break
        # B's answer would come about one more volley's time after A's burst, past the time
        # A's quota surely stays used up (a window about to end: t=1 in a fifth of the CRM's
        # runs, half of a 2 s window's): it could show nothing. B sends nothing; once A's
        # quota has reset A's burst goes again, at the start of a window, B's quota still
        # untouched. Before, the example was set aside and the next waited a whole window
        # for B's request; the run's confirmation of a violation, set aside so, was lost.
        if volleys == TENANT_VOLLEYS:
            raise NoExample(
                f"tenant A's 429 said its quota resets in {reset} s (its RateLimit t={reset}) "
                f"after each of {volleys} bursts, too soon for tenant B's answer to come while "
                "A's quota surely stayed used up: B's request would come late and cannot show "
                "a shared quota; not sent"
            )
        time.sleep(reset + _MARGIN)
    # B's request goes at once with one more of A's: A's answer says whether A's quota was
    # still used up when B's was answered. A window cut by the server's clock may end right
    # after A's 429, where the server does not say when (a 429 naming no reset), or sooner
    # than it says: B served then shows nothing (a shared quota, reset, serves B too).
    again, other = burst.together(ctx.a, ctx.b)
    late = time.monotonic() - began
    if other.ok and again.ok:
        raise NoExample(
            "tenant A's request sent with tenant B's was served: A's quota was reset by then "
            "(a window cut by the server's clock), so B's success cannot show a shared quota"
        )
    if other.ok and late >= sure:
        # B's success shows nothing about whether the two share a quota (a slow link, a
        # loaded machine, a window about to end): this example proves nothing; another is
        # drawn, after its own quiet window.
        raise NoExample(
            f"tenant B's request was answered {late:.1f} s after tenant A's burst began, "
            f"past the {sure} s that A's quota surely stayed used up (the 429's RateLimit "
            f"t={reset}, the {burst.policy.window} s window): it cannot show a shared quota"
        )
    if other.status == 429:
        assert ctx.op.rate_limit is not None
        ctx.fail(
            f"tenant B, which sent nothing in the window, to be served: the limit is per "
            f"{ctx.op.rate_limit.key} ({burst.describe()}) and only tenant A used it up",
            brief(other),
            other,
        )
    if not other.ok:
        raise CannotCheck(f"tenant B's request was answered {other.status}, not a success")


@implements("RATE-RETRY-AFTER")
def retry(ctx: Context) -> None:
    burst = Burst(ctx, (ctx.a,))
    limited = burst.until_limited("a")
    if limited is None:
        return
    announced = limited.headers.get("retry-after")
    delay = retry_after(limited.headers, default=-1.0, cap=float("inf"))
    if announced is None or delay < 0:
        ctx.fail(
            "a Retry-After header on the 429 (seconds, or an HTTP date)",
            f"Retry-After: {announced}" if announced is not None else "no Retry-After header",
            limited,
        )
    if delay > _MAX_RETRY_AFTER:
        raise CannotCheck(
            f"the 429 announces Retry-After: {announced}, longer than synth waits "
            f"({_MAX_RETRY_AFTER} s)"
        )
    time.sleep(delay + _MARGIN)
    again = burst.send(ctx.a)
    if not again.ok:
        ctx.fail(
            f"the request sent again after the announced Retry-After: {announced} to succeed",
            brief(again),
            again,
        )
