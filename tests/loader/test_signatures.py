"""The signatures phase on its own: a declared function in, parameters and problems out."""

from __future__ import annotations

from typing import Annotated, Any, get_args
from uuid import UUID

from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

from synth.contract import Api, Header, OperationDecl, Path, Query
from synth.loader._problems import Problems
from synth.loader._signatures import check_unique, resolve

api = Api("T", "1")


class Thing(BaseModel):
    id: UUID
    name: str


class NewThing(BaseModel):
    name: str


@api.patch("/things/{thing_id}")
def update_thing(
    thing_id: UUID,
    body: NewThing,
    dry_run: Annotated[bool, Query(alias="dry-run")] = False,
    trace: Annotated[str, Header("X-Trace", description="A trace id.")] = "",
    note: Annotated[str | None, Field(description="Why.")] = None,
) -> Thing: ...


@api.get("/things/{thing_id}")
def no_return(thing_id: UUID): ...  # unannotated on purpose


@api.get("/things/{thing_id}/star")
def star_args(thing_id: UUID, *rest: Any) -> None: ...


# `tag` has no annotation, and `flag` is marked Path() but is not in the path, on purpose.
@api.get("/things/{thing_id}/tags/{tag}")
def unannotated(thing_id: UUID, tag, flag: Annotated[bool, Path()] = False) -> None: ...


@api.post("/things/{thing-id}")
def bad_body(body: int) -> dict[str, int]: ...


ZERO = UUID(int=0)


@api.get("/other/{thing_id}")
def defaulted(thing_id: UUID = ZERO) -> Thing: ...


def decl(name: str) -> OperationDecl:
    return next(d for d in api.operations if d.name == name)


def messages(problems: Problems) -> list[str]:
    return [p.message for p in problems.found]


def test_a_signature_becomes_parameters_body_and_response() -> None:
    problems = Problems()
    op = resolve(decl("update_thing"), problems)
    assert problems.found == []
    assert op is not None
    assert op.body is NewThing
    assert op.response is Thing
    got = [(s.name, s.location, s.required, s.description, s.python_name) for _, s in op.params]
    assert got == [
        ("thing_id", "path", True, "", "thing_id"),
        ("dry-run", "query", False, "", "dry_run"),
        ("X-Trace", "header", False, "A trace id.", "trace"),
        ("note", "query", False, "Why.", "note"),
    ]
    # synth's markers are dropped from the annotation pydantic will see; pydantic's stay.
    annotations = {s.python_name: s.annotation for _, s in op.params}
    assert annotations["dry_run"] is bool
    assert annotations["trace"] is str
    base, info = get_args(annotations["note"])
    assert base == str | None
    assert isinstance(info, FieldInfo)


def test_a_missing_return_annotation_drops_the_operation() -> None:
    problems = Problems()
    assert resolve(decl("no_return"), problems) is None
    assert messages(problems) == ["no_return: no return annotation"]
    assert problems.found[0].location == decl("no_return").location


def test_star_parameters_are_refused_and_the_rest_resolved() -> None:
    problems = Problems()
    op = resolve(decl("star_args"), problems)
    assert messages(problems) == ["star_args: *rest parameters are not allowed"]
    assert op is not None
    assert [s.name for _, s in op.params] == ["thing_id"]


def test_every_mistake_of_one_signature_is_collected() -> None:
    problems = Problems()
    op = resolve(decl("unannotated"), problems)
    assert messages(problems) == [
        "unannotated: parameter 'tag' has no annotation",
        "unannotated: parameter 'flag' is marked Path() but "
        "'/things/{thing_id}/tags/{tag}' has no {flag}",
        "unannotated: path '/things/{thing_id}/tags/{tag}' has {tag} but the operation has "
        "no parameter of that name",
    ]
    assert op is not None


def test_a_body_and_response_must_be_models() -> None:
    problems = Problems()
    assert resolve(decl("bad_body"), problems) is None
    assert messages(problems) == [
        "path '/things/{thing-id}' has a malformed parameter {thing-id}",
        "bad_body: the body parameter 'body' is int, not a Pydantic model",
        "bad_body: the response type dict[str, int] is not a Pydantic model",
    ]


def test_a_path_parameter_with_a_default_is_still_required() -> None:
    problems = Problems()
    op = resolve(decl("defaulted"), problems)
    assert messages(problems) == ["defaulted: path parameter 'thing_id' has a default"]
    assert op is not None
    assert [s.required for _, s in op.params] == [True]


def test_operation_ids_and_routes_are_unique() -> None:
    problems = Problems()
    ops = [resolve(decl(name), problems) for name in ("update_thing", "defaulted", "update_thing")]
    problems.found.clear()
    check_unique([op for op in ops if op is not None], problems)
    assert [m.split(" (first at")[0] for m in messages(problems)] == [
        "duplicate operation id 'updateThing'",
        "duplicate route PATCH /things/{thing_id}",
    ]
