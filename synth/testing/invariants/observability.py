"""OBS-*: what lets a finding be matched to the server's logs, on every operation."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import StringConstraints, TypeAdapter, ValidationError

from ...spec import RequestIdSpec
from .._context import NO_BODY, Context, brief
from .._http import Exchange
from ._common import nowhere_value
from ._registry import implements

# Header values a request id pattern is meant to refuse, tried in turn (a space, markup, an
# overlong id): one the declared pattern refuses is sent to see the server replace it.
_INVALID_IDS = ("synth invalid id", "<synth-id>", "x" * 300, "{}")


@functools.cache
def _matcher(pattern: str) -> TypeAdapter[str]:
    """Ids checked against the declared pattern as pydantic checks a field's."""
    return TypeAdapter(Annotated[str, StringConstraints(pattern=pattern)])


def _matches(rid: RequestIdSpec, value: str) -> bool:
    try:
        _matcher(rid.pattern).validate_python(value)
    except ValidationError:
        return False
    return True


def _carries(rid: RequestIdSpec, body: Any, value: str) -> bool:
    """Whether a problem body repeats ``value`` in the declared member; ``instance`` may be a
    URI ending with it (``urn:request:<id>``, ``/requests/<id>``), as RFC 9457 has it."""
    if not isinstance(body, dict):
        return False
    member = body.get(rid.member)
    if not isinstance(member, str):
        return False
    if member == value:
        return True
    return rid.member == "instance" and member.endswith(value) and member[-len(value) - 1] in "/:"


def _judge(
    ctx: Context, rid: RequestIdSpec, answer: Exchange, sent: str | None, refused: str | None = None
) -> None:
    """``answer`` carries an id: ``sent`` when the client sent a valid one, else a valid id of
    the server's (``refused``: the invalid one sent); a problem body repeats it."""
    got = answer.headers.get(rid.header)
    if sent is not None:
        what = f"sent {rid.header}: {sent}"
    elif refused is not None:
        what = f"sent {rid.header}: {refused[:40]!r}, which the pattern refuses"
    else:
        what = f"sent no {rid.header}"
    if got is None:
        ctx.fail(f"{what}, the answer to carry a {rid.header} header", brief(answer), answer)
    if sent is not None and got != sent:
        ctx.fail(f"{what}, the answer to echo it", f"{rid.header}: {got}; {brief(answer)}", answer)
    if sent is None and not _matches(rid, got):
        ctx.fail(f"{what}, the answer to carry an id of the server's matching {rid.pattern}",
                 f"{rid.header}: {got}; {brief(answer)}", answer)  # fmt: skip
    if answer.status >= 400 and not _carries(rid, answer.json, got):
        ctx.fail(f"the problem body to repeat the request id {got} in {rid.member!r}",
                 f"{rid.header}: {got}; {brief(answer)}", answer)  # fmt: skip


def _error_probes(ctx: Context, params: dict[str, str], body: Any) -> list[Callable[[], Exchange]]:
    """Requests ``ctx.op`` answers with an error: no credentials, an id no item has, a body
    that does not parse."""
    op = ctx.op
    probes: list[Callable[[], Exchange]] = []
    if op.tenant_scoped:
        probes.append(functools.partial(ctx.send, None, op, params, body=body))
    for parent in ctx.graph.parents(op) or []:
        value = nowhere_value(ctx, op, parent.param)
        if value is not None:
            probes.append(functools.partial(ctx.send, ctx.a, op, {**params, parent.param: value},
                                            body=body))  # fmt: skip
    if op.body is not None and not op.form:
        probes.append(functools.partial(ctx.send, ctx.a, op, params, raw=b'{"unterminated": ',
                                        headers={"Content-Type": "application/json"}))  # fmt: skip
    return probes


@implements("OBS-REQUEST-ID")
def request_id(ctx: Context) -> None:
    rid = ctx.api.request_id
    assert rid is not None
    op = ctx.op
    params = ctx.acted_on(ctx.a, ctx.op)
    body = ctx.body(op) if op.body is not None else NO_BODY
    sent = str(uuid.uuid4())
    answer = ctx.send(ctx.a, op, params, body=body, headers={rid.header: sent})
    _judge(ctx, rid, answer, sent)
    bare = ctx.send(ctx.a, op, params, body=ctx.body(op) if op.body is not None else NO_BODY,
                    request_id=False)  # fmt: skip
    _judge(ctx, rid, bare, None)
    invalid = next((v for v in _INVALID_IDS if not _matches(rid, v)), None)
    if invalid is not None:
        replaced = ctx.send(ctx.a, op, params, headers={rid.header: invalid},
                            body=ctx.body(op) if op.body is not None else NO_BODY)  # fmt: skip
        _judge(ctx, rid, replaced, None, refused=invalid)
    probes = _error_probes(ctx, params, body)
    if not probes:
        # A public operation without input has no error synth can provoke (as for ERR-PROBLEM):
        # its answers above are all there is to judge.
        return
    error = ctx.choose(probes, "error probe")()
    # The probe's own request id: the client's, unless the probe set headers of its own.
    sent_id = next((v for k, v in error.request.headers if k.lower() == rid.header.lower()), None)
    if error.status < 400:
        ctx.unexercised(f"an error probe of {op.operation_id} was answered {error.status}")
        return
    _judge(ctx, rid, error, sent_id if sent_id is not None and _matches(rid, sent_id) else None)
