"""Schema conformance with schemathesis 4: its own checks plus our error-taxonomy rules.

schemathesis generates the cases (positive and negative) from the OpenAPI document synth emits
for the same contracts; the requests go through synth's own client (same transport, retries,
redaction, request log), and ``case.validate_response`` runs schemathesis's checks on the
answers, with ERR-PROBLEM and ERR-DECLARED added as custom checks.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import time
import uuid
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import httpx
import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, assume, example, given, settings
from schemathesis import GenerationMode
from schemathesis.core import NOT_SET
from schemathesis.specs.openapi import checks as _checks

from ..spec import ApiSpec, OperationSpec
from . import _problems as problems
from ._curl import sequence
from ._first import Stage, staged
from ._http import Exchange, Request, TransportFault
from ._record import Abort, render
from ._target import Target
from ._violation import FAILING, Finding, Outcome

__all__ = ["conformance", "sends_declared_examples"]

# Checks that send their own requests through schemathesis's transport, bypassing ours (and
# so the in-process app, retries and redaction); ERR-DECLARED's unauthenticated probes and
# ERR-VALIDATION cover what they would.
# positive_data_acceptance is left out too: a schema-valid but semantically invalid request
# (a random cursor, say) rightly gets a declared 400, which that check counts as a failure.
_OWN_CALLS = [
    _checks.ignored_auth,
    _checks.missing_required_header,
    _checks.unsupported_method,
    _checks.positive_data_acceptance,
]

INVARIANT = "CONFORMANCE"
# Headers of a generated case the client sets itself, or leaves out. Among them the framing
# ones (Host, Content-Length, Transfer-Encoding, Connection): a negative case's headers may
# hold any names, and a generated value for one of these cannot be carried by HTTP/1.1 (h11
# refuses a Transfer-Encoding other than chunked before anything is sent, which the client
# took for a transport fault four times over and the check was cut short, on the feeds
# example's correct server) or would be another request (a Host elsewhere).
_DROPPED = {
    "authorization",
    "user-agent",
    "accept-encoding",
    "connection",
    "host",
    "content-length",
    "transfer-encoding",
    "x-schemathesis-testcaseid",
}


# ERR-PROBLEM's rules that conformance applies to every answer; the field rule (type, title,
# code) is left to the ERR-PROBLEM tests, as it always has been.
_PROBLEM = (problems.problem_media_type, problems.problem_object, problems.problem_status)


@lru_cache(maxsize=8)
def _schema(document: str) -> Any:
    return schemathesis.openapi.from_dict(json.loads(document))


def _problem_rules(api: ApiSpec, operation_id: str) -> list[Any]:
    op = api.operation(operation_id)
    allowed = {(e.status, e.code) for e in op.errors}

    def error_taxonomy(ctx: Any, response: Any, case: Any) -> bool | None:
        """ERR-PROBLEM and ERR-DECLARED as a schemathesis check."""
        status = response.status_code
        if status < 400:
            return None
        kind = response.headers.get("content-type", [""])[0].split(";")[0].strip()
        body = json.loads(response.content or b"null") if kind == problems.PROBLEM_JSON else None
        for rule in _PROBLEM:
            wrong = rule(status, kind, body)
            if wrong is not None:
                raise AssertionError(f"ERR-PROBLEM: expected {wrong}; got HTTP {status} "
                                     f"{kind or 'untyped'}")  # fmt: skip
        code = body.get("code") if isinstance(body, dict) else None
        wrong = problems.declared(status, code, allowed)
        if wrong is not None:
            raise AssertionError(f"ERR-DECLARED: ({status}, {code!r}) is not declared for "
                                 f"{operation_id}; expected {wrong}")  # fmt: skip
        return True

    return [error_taxonomy]


def conformance(operation_id: str, target: Target) -> None:
    """Run schemathesis's checks on one operation; a failure fails the test.

    Split in two tests (``_first``) where the contract declares examples the check sends: the
    first sends those alone (the witness the contract itself gives), the other the drawn
    cases; each request is sent once."""
    finding = staged(f"{INVARIANT} {operation_id}", target,
                     lambda stage: _conformance(operation_id, target, stage))  # fmt: skip
    if finding is not None:
        target.findings.append(finding)
        if finding.outcome in FAILING:
            pytest.fail(finding.message, pytrace=False)


def sends_declared_examples(api: ApiSpec, op: OperationSpec) -> bool:
    """Whether the check sends ``op``'s declared examples (``_declared``)."""
    return bool(op.examples) and all(p.name == api.tenant_param for p in op.path_params)


def _conformance(operation_id: str, target: Target, stage: Stage) -> Finding:
    """The check at ``stage``: the declared examples alone ("first"), the drawn cases alone
    ("rest"), or both ("whole"); the finding, not yet recorded."""
    started, requests = time.monotonic(), target.client.requests
    logged = len(target.client.log)
    finding = Finding(INVARIANT, operation_id, Outcome.PASSED, 0.0, 0)
    schema = _schema(target.document)
    op = target.api.operation(operation_id)
    operation = schema[op.path][op.method]
    failures: list[tuple[str, Any]] = []
    one = _sender(target, _problem_rules(target.api, operation_id), failures, operation_id)
    strategy = operation.as_strategy(
        generation_mode=GenerationMode.POSITIVE
    ) | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
    test = given(strategy)(one)  # type: ignore[no-untyped-call]
    # The contract's own examples first: Hypothesis runs explicit examples before it draws.
    for case in reversed(_declared(operation, op, target) if stage != "rest" else []):
        test = example(case)(test)
    phases = [hypothesis.Phase.explicit] if stage == "first" else list(hypothesis.Phase)
    test = settings(max_examples=target.config.profile.examples, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
                    print_blob=False, phases=phases)(test)  # fmt: skip
    if target.config.seed is not None:
        # From the run's seed and the operation: the same whatever ran before in this process.
        digest = hashlib.sha256(f"{target.config.seed}:{INVARIANT}:{operation_id}".encode())
        test = hypothesis.seed(int.from_bytes(digest.digest()[:8], "big"))(test)
    error: BaseException | None = None
    try:
        _quietly(test)
    except Abort as abort:
        finding.outcome = Outcome.FAULT
        finding.message = target.redact(f"TRANSPORT FAULT: {abort.fault}")
    except (Exception, BaseExceptionGroup) as exc:  # schemathesis raises failure groups
        error = exc
    if error is not None:
        _failed(finding, target, error, failures)
    if _wrote_to_items(target, op, target.client.log[logged:]):
        # Its cases name items by ids drawn from the parameters' schemas, which hit items
        # other checks made wherever ids are small integers: a shared parent deleted so left
        # every later check of the part without one ("no example could", 14 declared checks
        # not exercised on a correct server). What the run keeps for reuse in the part is
        # dropped, here and in the other worker processes, as after the object-level check.
        target.spoil_shared([operation_id])
    finding.seconds = time.monotonic() - started
    finding.requests = target.client.requests - requests
    return finding


def _wrote_to_items(target: Target, op: OperationSpec, sent: list[Exchange]) -> bool:
    """Whether ``op`` changes an item it names (PUT, PATCH, DELETE, an action) and one of
    ``sent`` succeeded."""
    changes = op.method in ("PUT", "PATCH", "DELETE") or target.graph.is_action(op)
    return changes and any(200 <= exchange.status < 300 for exchange in sent)


def _declared(operation: Any, op: OperationSpec, target: Target) -> list[Any]:
    """The operation's declared examples as schemathesis cases (a fresh idempotency key each).

    An operation with a path parameter other than the tenant's is left to the drawn cases:
    an example does not name the item, and an id it made up would only be a 404.
    """
    if not sends_declared_examples(target.api, op):
        return []
    tenant = {p.name: target.tenant_id(None) for p in op.path_params}
    credential = target.credential
    cases = []
    for declared in op.examples:
        where = {p.name: p.location for p in op.params}
        query = {k: v for k, v in declared.params.items() if where.get(k) == "query"}
        headers = {k: str(v) for k, v in declared.params.items() if where.get(k) == "header"}
        if op.idempotency is not None:
            headers[op.idempotency.header] = str(uuid.uuid4())
        cookies = None
        if op.tenant_scoped and credential.style == "cookie":
            cookies = {credential.name: "synth"}  # _request sends the tenant's own in its place
        elif op.tenant_scoped:
            headers[credential.header] = "synth"
        body = NOT_SET if declared.body is None else copy.deepcopy(declared.body)
        cases.append(operation.Case(path_parameters=tenant or None, query=query or None,
                                    headers=headers or None, cookies=cookies, body=body,
                                    media_type=op.body_media_type if op.body else None))  # fmt: skip
    return cases


def _sender(
    target: Target, checks: list[Any], failures: list[tuple[str, Any]], operation_id: str
) -> Callable[[Any], None]:
    """The Hypothesis test body: send one schemathesis case through our client and validate the
    answer; each failure is noted in ``failures`` with the exchange that shows it."""
    token = target.config.tenants[0].token
    # The client puts the base URL in front of each path; schemathesis's URL already has it.
    base_path = urlsplit(target.config.url).path.rstrip("/")

    tenant_param, tenant_id = target.api.tenant_param, target.tenant_id(None)

    def one(case: Any) -> None:
        # The tenant in the path is the caller's own: any other value is another tenant's
        # (or nobody's), which TEN-* compares; conformance looks at the caller's own data.
        if tenant_param is not None and tenant_param in (case.path_parameters or {}):
            case.path_parameters[tenant_param] = tenant_id
        kwargs = case.as_transport_kwargs(base_url=target.url)
        request = _request(case, kwargs, target, base_path, token)
        try:
            exchange = target.client.send(request)
        except TransportFault as fault:  # not something to shrink: stop the run at once
            raise Abort(fault) from None
        target.note_latency(operation_id, exchange)
        response = _response(exchange, request, kwargs["url"])
        try:
            case.validate_response(response, additional_checks=checks, excluded_checks=_OWN_CALLS)
        except (AssertionError, BaseExceptionGroup) as exc:  # one failure, or a group of them
            failures.append((str(exc), exchange))
            raise

    return one


def _request(
    case: Any, kwargs: dict[str, Any], target: Target, base_path: str, token: str
) -> Request:
    """A schemathesis case as our client's request."""
    url = urlsplit(kwargs["url"])
    sent = {k.lower(): str(v) for k, v in kwargs["headers"].items()}
    # The tenant's real token, unless the case is about the header itself (negative headers).
    negative_headers = any(
        getattr(loc, "value", loc) == "header"
        and getattr(info, "mode", None) == GenerationMode.NEGATIVE
        for loc, info in (getattr(case.meta, "components", None) or {}).items()
    )
    credential = target.credential
    auth = credential.header.lower()
    keep = set() if not negative_headers else {auth}
    cookies = {str(k): str(v) for k, v in (kwargs.get("cookies") or {}).items()}
    if credential.style == "cookie":
        # schemathesis fills the session cookie the document declares; ours replaces it.
        has_auth = cookies.pop(credential.name, None) is not None
    else:
        has_auth = auth in sent
    dropped = _DROPPED | {auth}
    headers = tuple((k, v) for k, v in sent.items() if k not in dropped or k in keep)
    if cookies:
        headers += (("cookie", "; ".join(f"{k}={v}" for k, v in cookies.items())),)
    # HTTP/1.1 header values are printable ASCII without surrounding whitespace (h11
    # refuses anything else before it is sent); other generated text cannot be tested.
    assume(all(v.isascii() and v.isprintable() and v == v.strip() for _, v in headers))
    use_token = None if negative_headers or not has_auth else token
    body = kwargs.get("json")
    raw = kwargs.get("data") if isinstance(kwargs.get("data"), bytes) else None
    form = _form(kwargs)
    if form is not None:
        raw, kind = form
        headers = tuple((k, v) for k, v in headers if k != "content-type")
        headers += (("content-type", kind),)
    path = url.path[len(base_path) :] if url.path.startswith(base_path) else url.path
    return Request(target.tenants[0], kwargs["method"], path,
                   tuple((k, str(v)) for k, v in (kwargs.get("params") or {}).items()),
                   headers, body, "json" in kwargs, raw, use_token)  # fmt: skip


def _form(kwargs: dict[str, Any]) -> tuple[bytes, str] | None:
    """A form or multipart case's body as bytes and its ``Content-Type``.

    schemathesis serializes a case for ``requests`` (``data=`` fields, ``files=`` parts);
    ``requests`` (schemathesis's own transport) encodes them exactly as schemathesis would send.
    """
    data, files = kwargs.get("data"), kwargs.get("files")
    if files is None and not isinstance(data, (dict, list)):
        return None
    prepared = requests.Request("POST", "http://synth.invalid", data=data, files=files).prepare()
    content = prepared.body if prepared.body is not None else b""
    # requests encodes data= and files= to one str or bytes (streams are only for file objects).
    assert isinstance(content, (str, bytes)), type(content)
    raw = content.encode() if isinstance(content, str) else content
    return raw, str(prepared.headers.get("Content-Type", "application/x-www-form-urlencoded"))


def _response(exchange: Exchange, request: Request, url: str) -> httpx.Response:
    """The answer our client received, as the httpx response schemathesis validates."""
    # The client already decoded the body: a Content-Encoding left on would decode it twice.
    received = [(k, v) for k, v in exchange.headers.multi_items()
                if k.lower() not in ("content-encoding", "content-length")]  # fmt: skip
    # The request as sent: schemathesis reads a form's fields back from it to tell a negative
    # case that is valid once on the wire ("12" for a text field) from one the server must refuse.
    content = request.raw_body
    if content is None and request.has_body:
        content = json.dumps(request.json_body, ensure_ascii=False).encode()
    sent = httpx.Request(request.method, url, headers=list(request.headers), content=content)
    response = httpx.Response(exchange.status, headers=received, content=exchange.content,
                              request=sent)  # fmt: skip
    response.elapsed = datetime.timedelta(seconds=exchange.elapsed)
    return response


def _failed(
    finding: Finding, target: Target, error: BaseException, failures: list[tuple[str, Any]]
) -> None:
    """Record what the run raised: a conformance violation, or a bug in this check."""
    if not _is_failure(error):
        finding.outcome = Outcome.ERROR
        finding.message = target.redact(f"ERROR in the conformance check (a bug in synth): "
                                        f"{type(error).__name__}: {error}")  # fmt: skip
        return
    message, exchange = failures[-1] if failures else (str(error), None)
    finding.outcome = Outcome.VIOLATION
    finding.expected = "a response that conforms to the OpenAPI document"
    finding.actual = target.redact(_headline(message) or repr(error))
    if exchange is not None:
        finding.curl = sequence([exchange], target.config.url, target.redact,
                                credential=target.credential)  # fmt: skip
    # schemathesis shrinks and reports its failures itself; they are not replayed here.
    how = "reported by schemathesis; not replayed"
    finding.message = target.redact(render(finding, target, how) + "\n" + message)


def _headline(message: str) -> str:
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return next((line[2:] for line in lines if line.startswith("- ")), lines[0] if lines else "")


def _quietly(test: Any) -> None:
    """Run ``test``; a failure leaves the except block before the test is failed, so pytest
    shows our message rather than the chained schemathesis traceback."""
    test()


def _is_failure(exc: BaseException) -> bool:
    if isinstance(exc, AssertionError):
        return True
    if isinstance(exc, BaseExceptionGroup):
        return all(_is_failure(e) for e in exc.exceptions)
    return False
