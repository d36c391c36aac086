"""Relations between operations: declared resources as declared, the rest inferred as before.

``_Inferred`` is the inference the test runtime used before relations were computed at load
(path templates and response models only, at every query); every ``Graph`` query must still
give its answers on the APIs it handles.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from synth import ApiSpec, OperationSpec, load
from synth.relations import DeclaredResource, Graph, Parent, id_candidates, relations
from synth.testing import REGISTRY, applicable
from tests._taxonomy import STANDARD_ERRORS

ROOT = Path(__file__).resolve().parents[1]
_PARAM = re.compile(r"\{([^{}]+)\}")


class _Inferred:
    """The former ``Graph``: every answer guessed from URL shapes when asked."""

    def __init__(self, api: ApiSpec) -> None:
        self.api = api
        self.by_route = {(op.method, op.path.rstrip("/")): op for op in api.operations}
        self.item_paths: dict[str, str] = {}
        for op in api.operations:
            head, _, last = op.path.rstrip("/").rpartition("/")
            if _PARAM.fullmatch(last):
                self.item_paths.setdefault(head, op.path)

    def op(self, method: str, path: str) -> OperationSpec | None:
        return self.by_route.get((method, path.rstrip("/")))

    def parents(self, op: OperationSpec) -> list[tuple[str, OperationSpec, str]] | None:
        out = []
        for match in _PARAM.finditer(op.path):
            prefix = op.path[: match.start()].rstrip("/")
            create = self.op("POST", prefix)
            if create is None or create.response is None:
                return None
            id_field = self.id_field(create)
            if id_field is None:
                return None
            out.append((match.group(1), create, id_field))
        return out

    @staticmethod
    def id_field(create: OperationSpec) -> str | None:
        if create.response is not None and "id" in create.response.model_fields:
            return "id"
        return None

    def creator_of_items(self, lister: OperationSpec) -> OperationSpec | None:
        if lister.pagination is None:
            return None
        create = self.op("POST", lister.path)
        if create is None or create.response is not lister.pagination.item:
            return None
        return create

    def lister_of(self, create: OperationSpec) -> OperationSpec | None:
        lister = self.op("GET", create.path)
        if lister is None or lister.pagination is None:
            return None
        return lister if lister.pagination.item is create.response else None

    def item_path(self, create: OperationSpec) -> str | None:
        return self.item_paths.get(create.path.rstrip("/"))

    def item_op(self, create: OperationSpec, method: str) -> OperationSpec | None:
        path = self.item_path(create)
        if path is None:
            return None
        found = self.op(method, path)
        if found is not None and method == "GET" and found.response is not create.response:
            return None
        return found

    def item_creator(self, op: OperationSpec) -> OperationSpec | None:
        parents = self.parents(op)
        if not parents or not op.path.rstrip("/").endswith("}"):
            return None
        return parents[-1][1]

    def is_item_op(self, op: OperationSpec) -> bool:
        return self.item_creator(op) is not None

    def is_child_collection(self, op: OperationSpec) -> bool:
        parents = self.parents(op)
        return bool(parents) and not op.path.rstrip("/").endswith("}")

    @staticmethod
    def is_action(op: OperationSpec) -> bool:
        return False  # the former inference knew no actions: a POST made a collection

    def deleter(self, create: OperationSpec) -> OperationSpec | None:
        return self.item_op(create, "DELETE")

    def updater(self, create: OperationSpec) -> OperationSpec | None:
        return self.item_op(create, "PATCH") or self.item_op(create, "PUT")

    def reader(self, create: OperationSpec) -> OperationSpec | None:
        return self.item_op(create, "GET")


QUERIES = [
    "id_field", "creator_of_items", "lister_of", "item_path", "item_creator", "is_item_op",
    "is_child_collection", "deleter", "updater", "reader",
]  # fmt: skip
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _answers(graph: Any, op: OperationSpec) -> dict[str, Any]:
    """Every query about ``op``, operations by id, parents as (param, create id, id field)."""

    def plain(value: Any) -> Any:
        return value.operation_id if hasattr(value, "operation_id") else value

    out = {name: plain(getattr(graph, name)(op)) for name in QUERIES}
    out.update({f"item_op {m}": plain(graph.item_op(op, m)) for m in METHODS})
    parents = graph.parents(op)
    out["parents"] = None if parents is None else [
        (p[0], p[1].operation_id, p[2]) if isinstance(p, tuple)
        else (p.param, p.create.operation_id, p.id_field)
        for p in parents
    ]  # fmt: skip
    return out


def _pairs(api: ApiSpec, graph: Any) -> list[tuple[str, str]]:
    return [
        (op.operation_id, inv.id)
        for op in api.operations
        for inv in REGISTRY.values()
        if inv.applies(api, graph, op)
    ]


HEADER = (
    """\
from uuid import UUID

from synth.contract import Api, Cursor, Model, Page, RequestModel

api = Api("T", "1")
"""
    + STANDARD_ERRORS
    + """
ORDER = Cursor(order=("-id",))


class NameIn(RequestModel):
    name: str
"""
)

NESTED = """
class Org(Model):
    id: UUID
    name: str

class OrgPage(Page[Org]):
    pass

class Team(Model):
    id: UUID
    name: str

class TeamPage(Page[Team]):
    pass

class Member(Model):
    id: UUID

class MemberPage(Page[Member]):
    pass

@api.post("/orgs", idempotent=True)
def create_org(body: NameIn) -> Org: ...

@api.get("/orgs", paginated=ORDER)
def list_orgs() -> OrgPage: ...

@api.put("/orgs/{org_id}")
def replace_org(org_id: UUID, body: NameIn) -> Org: ...

@api.post("/orgs/{org_id}/teams/", idempotent=True)
def create_team(org_id: UUID, body: NameIn) -> Team: ...

@api.get("/orgs/{org_id}/teams", paginated=ORDER)
def list_teams(org_id: UUID) -> TeamPage: ...

@api.get("/orgs/{org_id}/teams/{team_id}", cacheable=True)
def get_team(org_id: UUID, team_id: UUID) -> Team: ...

@api.patch("/orgs/{org_id}/teams/{team_id}", cacheable=True)
def update_team(org_id: UUID, team_id: UUID, body: NameIn) -> Team: ...

@api.put("/orgs/{org_id}/teams/{team_id}")
def replace_team(org_id: UUID, team_id: UUID, body: NameIn) -> Team: ...

@api.delete("/orgs/{org_id}/teams/{team_id}")
def delete_team(org_id: UUID, team_id: UUID) -> None: ...

@api.get("/orgs/{org_id}/teams/{team_id}/members", paginated=ORDER)
def list_members(org_id: UUID, team_id: UUID) -> MemberPage: ...
"""

# Shapes the inference half-handles: a create answering a receipt, two item templates, an
# action under an item, a create with no body, a paginated POST, a collection with no create.
ODD = """
class Receipt(Model):
    queued: bool

class Thing(Model):
    id: UUID
    name: str

class ThingPage(Page[Thing]):
    pass

class Setting(Model):
    value: str

@api.post("/things")
def create_thing(body: NameIn) -> Receipt: ...

@api.get("/things", paginated=ORDER)
def list_things() -> ThingPage: ...

@api.get("/things/{thing_id}")
def get_thing(thing_id: UUID) -> Thing: ...

@api.delete("/things/{other_id}")
def delete_thing(other_id: UUID) -> None: ...

@api.post("/things/{thing_id}/archive", status=200)
def archive_thing(thing_id: UUID) -> Thing: ...

@api.post("/notes", status=204)
def create_note(body: NameIn) -> None: ...

@api.get("/notes/{note_id}")
def get_note(note_id: UUID) -> Thing: ...

@api.get("/settings/{key}")
def get_setting(key: str) -> Setting: ...

@api.put("/settings")
def put_settings(body: NameIn) -> Setting: ...

@api.patch("/settings/{key}")
def update_setting(key: str, body: NameIn) -> Setting: ...
"""

# A declared resource of the usual shape, one operation added by hand, children inferred.
RESOURCE = """
class Item(Model):
    id: UUID
    name: str

class ItemPage(Page[Item]):
    pass

class Part(Model):
    id: UUID

class PartPage(Page[Part]):
    pass

items = api.resource("/items", Item, id_param="item_id")
items.create(NameIn, idempotent=True)
items.list(ItemPage, order=("-id",))
items.get(cacheable=True)
items.update(NameIn)

@api.delete("/items/{item_id}")
def remove_item(item_id: UUID) -> None: ...

@api.post("/items/{item_id}/parts")
def create_part(item_id: UUID, body: NameIn) -> Part: ...

@api.get("/items/{item_id}/parts", paginated=ORDER)
def list_parts(item_id: UUID) -> PartPage: ...

@api.get("/items/{item_id}/parts/{part_id}")
def get_part(item_id: UUID, part_id: UUID) -> Part: ...
"""

# Shapes inference misses: the create is not at the collection path.
RUN = """
class Job(Model):
    id: UUID
    name: str

class JobPage(Page[Job]):
    pass

jobs = api.resource("/jobs", Job, id_param="job_id")
jobs.create(NameIn, path="/jobs/run", idempotent=True)
jobs.list(JobPage, order=("-id",))
jobs.get()
jobs.delete()
"""

# The item path parameter is not directly under the collection.
BY_ID = """
class Job(Model):
    id: UUID
    name: str

@api.post("/jobs")
def create_job(body: NameIn) -> Job: ...

@api.get("/jobs/by-id/{job_id}")
def get_job(job_id: UUID) -> Job: ...

@api.delete("/jobs/by-id/{job_id}")
def delete_job(job_id: UUID) -> None: ...
"""


def _load(tmp_path: Path, body: str) -> ApiSpec:
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    (contracts / "api.py").write_text(HEADER + textwrap.dedent(body))
    return load(contracts)


@pytest.fixture(scope="module")
def example() -> ApiSpec:
    return load(ROOT / "contracts")


def test_example_jobs_are_declared_and_the_rest_inferred(example: ApiSpec) -> None:
    by_path = {c.path: c for c in example.relations.collections}
    jobs = by_path["/jobs"]
    assert jobs.source == "declared"
    assert jobs.declared_roles == {"create", "list", "read"}
    assert (jobs.item_path, jobs.id_param, jobs.id_field) == ("/jobs/{job_id}", "job_id", "id")
    assert jobs.item is not None
    assert jobs.item.__name__ == "Job"
    assert [op and op.operation_id for op in (jobs.create, jobs.list, jobs.read)] == [
        "createJob", "listJobs", "getJob",
    ]  # fmt: skip
    assert jobs.update is None
    assert jobs.delete is None
    for path in ("/contacts", "/contacts/{contact_id}/interactions"):
        assert by_path[path].source == "inferred"
        assert by_path[path].declared_roles == frozenset()
    contacts = by_path["/contacts"]
    assert [op and op.operation_id for op in (
        contacts.create, contacts.list, contacts.read, contacts.update, contacts.delete
    )] == ["createContact", "listContacts", "getContact", "updateContact", "deleteContact"]  # fmt: skip
    parents = example.relations.parents
    assert parents["getJob"] == (
        Parent("job_id", example.operation("createJob"), "id", "declared"),
    )
    assert parents["listInteractions"] == (
        Parent("contact_id", example.operation("createContact"), "id", "inferred"),
    )
    assert parents["createContact"] == ()


@pytest.mark.parametrize("shape", ["example", "NESTED", "ODD", "RESOURCE"])
def test_every_query_answers_as_inference_did(shape: str, example: ApiSpec, tmp_path: Path) -> None:
    api = example if shape == "example" else _load(tmp_path, globals()[shape])
    graph, inferred = Graph(api), _Inferred(api)
    for op in api.operations:
        assert _answers(graph, op) == _answers(inferred, op), op.operation_id
    assert [(op.operation_id, inv.id) for op, inv in applicable(api)] == _pairs(api, inferred)


def test_example_applicability_matches_the_generated_tests(example: ApiSpec) -> None:
    generated = "".join(p.read_text() for p in sorted((ROOT / "generated/tests").glob("*.py")))
    names = set(re.findall(r"def test_(\w+?)__([A-Z_]+)\(", generated))
    names -= {n for n in names if n[1] in ("CONFORMANCE", "OBJECT_LEVEL_AUTHORIZATION")}
    pairs = {(op.operation_id, inv.id.replace("-", "_")) for op, inv in applicable(example)}
    assert pairs == names


def test_declared_create_elsewhere_is_related(tmp_path: Path) -> None:
    api = _load(tmp_path, RUN)
    graph, inferred = Graph(api), _Inferred(api)
    create, lister, get, delete = (
        api.operation(i) for i in ("createJob", "listJobs", "getJob", "deleteJob")
    )
    assert create.path == "/jobs/run"
    # What inference made of it: nothing creates a job.
    assert inferred.parents(get) is None
    assert inferred.creator_of_items(lister) is None
    assert graph.parents(get) == [Parent("job_id", create, "id", "declared")]
    assert graph.creator_of_items(lister) is create
    assert graph.lister_of(create) is lister
    assert graph.item_path(create) == "/jobs/{job_id}"
    assert graph.reader(create) is get
    assert graph.deleter(create) is delete
    assert graph.item_creator(get) is create
    assert graph.item_creator(delete) is create
    assert graph.id_field(create) == "id"
    now = {(op.operation_id, inv.id) for op, inv in applicable(api)}
    before = set(_pairs(api, inferred))
    gained = {("getJob", "TEN-READ"), ("deleteJob", "TEN-WRITE"), ("listJobs", "PAGE-COMPLETE")}
    assert gained <= now
    assert not gained & before
    assert before <= now


def test_declared_item_path_not_under_the_collection(tmp_path: Path) -> None:
    api = _load(tmp_path, BY_ID)
    create, get, delete = (api.operation(i) for i in ("createJob", "getJob", "deleteJob"))
    assert _Inferred(api).parents(get) is None
    job = create.response
    assert job is not None
    resource = DeclaredResource(
        "/jobs", "/jobs/by-id/{job_id}", "job_id", job,
        {"create": "create_job", "read": "get_job", "delete": "delete_job"},
    )  # fmt: skip
    declared = dataclasses.replace(api, relations=relations(api.operations, [resource]))
    graph = Graph(declared)
    assert graph.parents(get) == [Parent("job_id", create, "id", "declared")]
    assert graph.reader(create) is get
    assert graph.deleter(create) is delete
    assert graph.item_creator(delete) is create
    (jobs,) = [c for c in declared.relations.collections if c.path == "/jobs"]
    assert jobs.source == "declared"
    assert jobs.source_of("update") == "inferred"


def test_roles_a_resource_leaves_open_are_inferred(tmp_path: Path) -> None:
    api = _load(tmp_path, RESOURCE)
    (items,) = [c for c in api.relations.collections if c.path == "/items"]
    assert items.source == "declared"
    assert items.declared_roles == {"create", "list", "read", "update"}
    assert items.delete is api.operation("removeItem")
    assert items.source_of("delete") == "inferred"
    assert items.source_of("read") == "declared"
    parents = api.relations.parents["getPart"]
    assert parents is not None
    assert [(p.param, p.create.operation_id, p.source) for p in parents] == [
        ("item_id", "createItem", "declared"),
        ("part_id", "createPart", "inferred"),
    ]


def test_relations_sit_below_the_runtime_and_the_emitters() -> None:
    code = (
        "import sys, synth.relations, synth.loader; "
        "print(sorted(m for m in sys.modules "
        "if m.startswith(('synth.testing', 'synth.emit', 'synth.zod'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# Ids that are not a field named ``id``: numbered within a parent, a slug, a named number.
NUMBERED = """
class Board(Model):
    id: UUID
    name: str

class Card(Model):
    number: int
    board_id: UUID

class CardPage(Page[Card]):
    pass

class Sticker(Model):
    id: UUID
    sticker_no: int

class Tag(Model):
    id: UUID
    slug: str

tags = api.resource("/tags", Tag, id_param="tag", id_field="slug")
tags.create(NameIn)
tags.get()

@api.post("/boards")
def create_board(body: NameIn) -> Board: ...

@api.post("/boards/{board_id}/cards")
def create_card(board_id: UUID, body: NameIn) -> Card: ...

@api.get("/boards/{board_id}/cards", paginated=Cursor(order=("number",)))
def list_cards(board_id: UUID) -> CardPage: ...

@api.get("/boards/{board_id}/cards/{card_number}")
def get_card(board_id: UUID, card_number: int) -> Card: ...

@api.post("/stickers")
def create_sticker(body: NameIn) -> Sticker: ...

@api.get("/stickers/{sticker_no}")
def get_sticker(sticker_no: int) -> Sticker: ...
"""


def test_tracker_tasks_are_identified_by_their_number_within_the_project() -> None:
    api = load(ROOT / "examples" / "tracker" / "contracts")
    by_path = {c.path: c for c in api.relations.collections}
    projects, tasks = by_path["/projects"], by_path["/projects/{project_id}/tasks"]
    assert (projects.id_param, projects.id_field, projects.id_source) == (
        "project_id", "id", "inferred",
    )  # fmt: skip
    assert not projects.id_within_parent
    assert (tasks.id_param, tasks.id_field) == ("task_number", "number")
    assert tasks.id_source == "inferred"
    assert tasks.id_within_parent
    create_project, create_task = api.operation("createProject"), api.operation("createTask")
    assert api.relations.parents["getTask"] == (
        Parent("project_id", create_project, "id", "inferred"),
        Parent("task_number", create_task, "number", "inferred"),
    )
    graph = Graph(api)
    assert graph.item_creator(api.operation("getTask")) is create_task
    assert graph.reader(create_task) is api.operation("getTask")
    assert graph.id_field(create_task) == "number"
    for op in ("createTask", "listTasks", "getTask"):
        identity = graph.identity(api.operation(op))
        assert (identity.field, identity.path) == ("number", "/projects/{project_id}/tasks"), op
    identity = graph.identity(api.operation("listProjects"))
    assert (identity.field, identity.path) == ("id", None)
    # With the relation known, reading and caching a task are checked too.
    pairs = {(op.operation_id, inv.id) for op, inv in applicable(api)}
    assert {("getTask", "TEN-READ"), ("getTask", "CACHE-ETAG")} <= pairs


def test_the_id_field_is_named_like_the_parameter_or_declared(tmp_path: Path) -> None:
    api = _load(tmp_path, NUMBERED)
    by_path = {c.path: c for c in api.relations.collections}
    cards, stickers = by_path["/boards/{board_id}/cards"], by_path["/stickers"]
    tags = by_path["/tags"]
    # The parameter without the collection's noun; the parameter itself; as declared.
    assert (cards.id_field, cards.id_source, cards.id_within_parent) == ("number", "inferred", True)
    assert (stickers.id_field, stickers.id_within_parent) == ("sticker_no", False)
    assert (tags.id_field, tags.id_source, tags.source) == ("slug", "declared", "declared")
    assert api.relations.parents["getTag"] == (
        Parent("tag", api.operation("createTag"), "slug", "declared"),
    )
    assert api.relations.parents["getSticker"] == (
        Parent("sticker_no", api.operation("createSticker"), "sticker_no", "inferred"),
    )
    # The path parameter of the declared resource takes the id field's type.
    (param,) = api.operation("getTag").params
    assert (param.schema.get("type"), param.schema.get("format")) == ("string", None)
    # Inference alone would have taken ``id`` for tags, and found no id for cards at all.
    inferred = _Inferred(api)
    assert inferred.parents(api.operation("getCard")) is None
    assert inferred.parents(api.operation("getTag")) == [
        ("tag", api.operation("createTag"), "id"),
    ]


def test_a_declared_id_field_wins_over_inference(tmp_path: Path) -> None:
    api = _load(tmp_path, NUMBERED)
    create = api.operation("createTag")
    tag = create.response
    assert tag is not None
    resource = DeclaredResource(
        "/tags", "/tags/{tag}", "tag", tag, {"create": "create_tag", "read": "get_tag"}, "id"
    )
    declared = relations(api.operations, [resource])
    (tags,) = [c for c in declared.collections if c.path == "/tags"]
    assert (tags.id_field, tags.id_source) == ("id", "declared")
    assert declared.parents["getTag"] == (Parent("tag", create, "id", "declared"),)


@pytest.mark.parametrize(
    ("param", "collection", "field"),
    [("appointment_no", "/clinics/{c}/appointments", "number"),
     ("invoice_num", "/invoices", "number"), ("step_idx", "/runs/{r}/steps", "index")],
)  # fmt: skip
def test_an_abbreviated_id_parameter_names_the_spelled_out_field(
    param: str, collection: str, field: str
) -> None:
    """``{appointment_no}`` is filled from the item's ``number`` when it has no ``no`` field."""
    candidates = id_candidates(param, collection)
    assert candidates.index(field) < candidates.index("id"), candidates
