"""PAGE-FILTER judges each filter operator by its meaning.

A small API lists parcels with a filter per operator (ranges on an int, a date and a
date-time, ``in`` as a comma list and as the repeated parameter, a comma list of patterned
codes whose parameter is a plain string, ``ne``, a case-sensitive
``prefix``, ``eq`` on a nested field); its server, written apart from synth, answers each as
the contract says, and prints date-times in another offset than it was sent (the same
instant). Planted variants get a range bound off by one, read only the first value of an
``in``, or match a prefix ignoring case: PAGE-FILTER reports each.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import synth
from synth.testing import config_from_options
from synth.testing.cli import run_suite
from tests._generated import write_tests
from tests._taxonomy import STANDARD_ERRORS

CONTRACTS = (
    """\
import datetime
from typing import Annotated, Literal

from pydantic import Field

from synth.contract import Api, Cursor, DateTime, Filter, Limit, Model, Page, RequestModel

api = Api("Parcels", "1.0.0")
"""
    + STANDARD_ERRORS
    + """

Kind = Literal["letter", "box", "pallet", "crate"]


class Address(RequestModel):
    city: Annotated[str, Field(pattern=r"^[A-Z][a-z]{2,8}$")]


class ParcelIn(RequestModel):
    label: Annotated[str, Field(min_length=1, max_length=60)]
    weight: Annotated[int, Field(ge=0, le=100000)]
    due: datetime.date
    sent_at: DateTime
    kind: Kind
    address: Address
    origin: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class Parcel(Model):
    id: str
    label: str
    weight: int
    due: datetime.date
    sent_at: DateTime
    kind: Kind
    address: Address
    # The server refuses an `origins` element that is no country code, so the item says so:
    # a comma list's element takes the field's type, and a plain `str` here let synth send
    # `origins=M`, which this server answers 422 (its contract allowing it).
    origin: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class ParcelPage(Page[Parcel]):
    pass


@api.post("/parcels", status=201)
def create_parcel(body: ParcelIn) -> Parcel: ...


@api.get("/parcels", paginated=Cursor(order=("id",), limit=Limit(max=100)))
def list_parcels(
    min_weight: Annotated[int | None, Filter("weight", "gte")] = None,
    max_weight: Annotated[int | None, Filter("weight", "lte")] = None,
    lighter: Annotated[int | None, Filter("weight", "lt")] = None,
    heavier: Annotated[int | None, Filter("weight", "gt")] = None,
    due_from: Annotated[datetime.date | None, Filter("due", "gte")] = None,
    sent_before: Annotated[DateTime | None, Filter("sent_at", "lte")] = None,
    kinds: Annotated[str | None, Filter("kind", "in")] = None,
    kind: Annotated[list[Kind] | None, Filter("kind", "in", explode=True)] = None,
    origins: Annotated[str | None, Filter("origin", "in")] = None,
    not_kind: Annotated[Kind | None, Filter("kind", "ne")] = None,
    label: Annotated[str | None, Filter("label", "prefix")] = None,
    city: Annotated[str | None, Filter("address.city")] = None,
) -> ParcelPage: ...
"""
)

TENANTS = {"tok-a-0123456789": "a", "tok-b-0123456789": "b"}
OPTIONS = [f"{name}={token}" for token, name in TENANTS.items()]
KINDS = ("letter", "box", "pallet", "crate")
PLUS_TWO = dt.timezone(dt.timedelta(hours=2))


def _problem(status: int, code: str) -> Response:
    body = {"type": f"https://errors/{code}", "title": code, "status": status, "code": code}
    return Response(json.dumps(body), status, media_type="application/problem+json")


def _check(condition: bool) -> None:
    if not condition:
        raise ValueError("invalid")


def _instant(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None or "T" not in text.upper():
        raise ValueError(text)
    return moment


def _app(bug: str = "") -> Starlette:  # noqa: PLR0915 (one handler per operator, inline)
    parcels: list[dict[str, Any]] = []

    def tenant(request: Request) -> str | None:
        return TENANTS.get(request.headers.get("authorization", "").removeprefix("Bearer "))

    async def create(request: Request) -> Response:
        who = tenant(request)
        if who is None:
            return _problem(401, "unauthenticated")
        try:
            body = json.loads(await request.body())
            weight = body["weight"]
            _check(isinstance(weight, int) and not isinstance(weight, bool))
            _check(0 <= weight <= 100000)
            label = body["label"]
            _check(isinstance(label, str) and 1 <= len(label) <= 60)
            due = dt.date.fromisoformat(body["due"])
            sent = _instant(body["sent_at"])
            _check(body["kind"] in KINDS)
            city = body["address"]["city"]
            _check(isinstance(city, str) and bool(re.fullmatch(r"[A-Z][a-z]{2,8}", city)))
            origin = body["origin"]
            _check(isinstance(origin, str) and bool(re.fullmatch(r"[A-Z]{2}", origin)))
        except (ValueError, KeyError, TypeError):
            return _problem(422, "validation_failed")
        item = {
            "id": f"p{len(parcels):06d}",
            "label": label,
            "weight": weight,
            "due": due.isoformat(),
            # The same instant, printed in another offset than it came.
            "sent_at": sent.astimezone(PLUS_TWO).isoformat(),
            "kind": body["kind"],
            "address": {"city": city},
            "origin": origin,
        }
        parcels.append({**item, "tenant": who})
        return Response(json.dumps(item), 201, media_type="application/json")

    async def listing(request: Request) -> Response:  # noqa: PLR0911, PLR0912, PLR0915
        who = tenant(request)
        if who is None:
            return _problem(401, "unauthenticated")
        q = request.query_params
        tests: list[Callable[[dict[str, Any]], bool]] = []
        strict_below = bug == "off-by-one"
        try:
            limit = int(q.get("limit", "20"))
            if not 1 <= limit <= 100:
                return _problem(422, "validation_failed")
            if "min_weight" in q:
                low = int(q["min_weight"])
                tests.append(lambda p: p["weight"] >= low)
            if "max_weight" in q:
                high = int(q["max_weight"])
                tests.append(lambda p: p["weight"] < high if strict_below else p["weight"] <= high)
            if "lighter" in q:
                below = int(q["lighter"])
                tests.append(lambda p: p["weight"] < below)
            if "heavier" in q:
                above = int(q["heavier"])
                tests.append(lambda p: p["weight"] > above)
            if "due_from" in q:
                day = dt.date.fromisoformat(q["due_from"])
                tests.append(lambda p: dt.date.fromisoformat(p["due"]) >= day)
            if "sent_before" in q:
                bound = _instant(q["sent_before"])
                tests.append(lambda p: _instant(p["sent_at"]) <= bound)
            if "kinds" in q:
                wanted = q["kinds"].split(",")
                if not set(wanted) <= set(KINDS):
                    return _problem(422, "validation_failed")
                wanted = wanted[:1] if bug == "first-only" else wanted
                tests.append(lambda p: p["kind"] in wanted)
            if "kind" in q:
                listed = q.getlist("kind")
                if not set(listed) <= set(KINDS):
                    return _problem(422, "validation_failed")
                listed = listed[:1] if bug == "first-only" else listed
                tests.append(lambda p: p["kind"] in listed)
            if "origins" in q:
                # A comma list of country codes: each must be one, or the request is refused.
                codes = q["origins"].split(",")
                if not all(re.fullmatch(r"[A-Z]{2}", c) for c in codes):
                    return _problem(422, "validation_failed")
                codes = codes[:1] if bug == "first-only" else codes
                tests.append(lambda p: p["origin"] in codes)
            if "not_kind" in q:
                other = q["not_kind"]
                if other not in KINDS:
                    return _problem(422, "validation_failed")
                tests.append(lambda p: p["kind"] != other)
            if "label" in q:
                start = q["label"]
                if bug == "case-insensitive-prefix":
                    tests.append(lambda p: p["label"].lower().startswith(start.lower()))
                else:
                    tests.append(lambda p: p["label"].startswith(start))
            if "city" in q:
                town = q["city"]
                tests.append(lambda p: p["address"]["city"] == town)
        except ValueError:
            return _problem(422, "validation_failed")
        after = q.get("cursor", "")
        rows = [
            {k: v for k, v in p.items() if k != "tenant"}
            for p in parcels
            if p["tenant"] == who and p["id"] > after and all(t(p) for t in tests)
        ]
        page = rows[:limit]
        cursor = page[-1]["id"] if len(rows) > limit else None
        body = {"items": page, "next_cursor": cursor}
        return Response(json.dumps(body), 200, media_type="application/json")

    return Starlette(
        routes=[Route("/parcels", create, methods=["POST"]), Route("/parcels", listing)]
    )


def _tests(tmp_path: Path) -> tuple[Path, Path]:
    contracts = tmp_path / "parcels"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    (contracts / "api.py").write_text(textwrap.dedent(CONTRACTS))
    write_tests(synth.load(contracts), tmp_path / "out")
    return contracts, tmp_path / "out" / "tests"


def _run(tmp_path: Path, bug: str, seed: int) -> tuple[int, str]:
    contracts, tests = _tests(tmp_path)
    config = config_from_options(
        app=_app(bug), tenants=OPTIONS, seed=seed, contracts=contracts, env={}
    )
    report = tmp_path / "report.md"
    code = run_suite(config, tests, select="listParcels__PAGE_FILTER", report=report,
                     extra=["-p", "no:randomly"])  # fmt: skip
    return code, report.read_text(encoding="utf-8")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_correct_server_passes_every_operator(seed: int, tmp_path: Path) -> None:
    code, text = _run(tmp_path, "", seed)
    assert re.search(r"^\| PAGE-FILTER \| `listParcels` \| passed \|", text, re.MULTILINE), text
    assert code == 0, text


@pytest.mark.parametrize(
    ("bug", "expected"),
    [
        ("off-by-one", "max_weight="),
        ("first-only", "is one of it"),
        ("case-insensitive-prefix", "to keep only items whose label starts with (case-sensitive)"),
    ],
)
def test_a_wrong_operator_is_reported(bug: str, expected: str, tmp_path: Path) -> None:
    code, text = _run(tmp_path, bug, 1)
    assert code == 1, text
    assert "VIOLATION PAGE-FILTER listParcels" in text or "PAGE-FILTER" in text, text
    assert expected in text, text
