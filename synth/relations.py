"""Relationships between operations, computed once when the contracts load.

Which operation creates the items a list returns, which creates the parent a path parameter
names, which reads, updates or deletes one item. What a contract declares with
``api.resource()`` is taken as it is declared (``source="declared"``); everything else is
inferred from path templates and response models, never from the names of one particular
API (``source="inferred"``):

- A path parameter ``{p}`` in ``/prefix/{p}/...`` is the id of an item that ``POST /prefix``
  creates.
- ``POST /things`` creates the items of ``GET /things`` when its response model is the
  page's item model; ``GET|PATCH|PUT|DELETE /things/{p}`` act on one of them. Where no POST
  creates them, a PUT declared ``upsert=True`` on ``/things/{p}`` does (the client chooses
  the id).
- ``POST /things/{p}/verb`` (or ``/things/{p}/noun/verb``) is an action on the item
  ``/things/{p}`` when nothing else is made at or under ``/things/{p}/verb`` (or
  ``/things/{p}/noun``): no list there, no item below it; otherwise it creates the items of
  a child collection.
- Items read at ``/things/{p}`` that nothing at ``/things`` creates are created by a POST
  elsewhere answering the read's model (``POST /books/{b}/copies/{c}/loans`` for
  ``GET /loans/{loan_id}``), or as ``api.resource(..., created_by=...)`` declares.
- A request-body field names an item of a collection when declared ``Ref("/things")``, or
  when it is named like the collection's id parameter (``thing_id``) and has its type: the
  test runtime then creates such an item first, as the same tenant, and sends its id.
- The item field that fills ``{p}`` is the field named like ``p`` (``thing_number``), else
  ``p`` without the collection's singular noun (``number``), else ``id``; declared with
  ``api.resource(..., id_field=...)`` it is taken as declared.
- An id is unique only within its parent when the item path has a parameter before its own
  (``/projects/{project_id}/tasks/{task_number}``): an item's identity then includes the
  parent's path.

``relations()`` is the pure function the loader calls; ``Graph`` answers the questions the
test runtime asks, from that precomputed result.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, PydanticUserError, TypeAdapter
from pydantic.fields import FieldInfo

from ._paths import PATH_PARAM
from .contract._api import RoleName as Role
from .contract._models import Ref

if TYPE_CHECKING:
    from .contract import Api
    from .spec import ApiSpec, OperationSpec

__all__ = [
    "Collection",
    "DeclaredResource",
    "Graph",
    "Identity",
    "Parent",
    "Reference",
    "Relations",
    "Role",
    "Source",
    "declared_resources",
    "relations",
]

Source = Literal["declared", "inferred"]


@dataclass(frozen=True, slots=True)
class Parent:
    """A path parameter and the operation that creates the item whose id it takes."""

    param: str
    create: OperationSpec
    id_field: str
    source: Source


@dataclass(frozen=True, slots=True)
class Reference:
    """A request-body ``field`` naming an item of the collection at ``collection``, which
    ``create`` makes; the created item's ``id_field`` is the value to send."""

    field: str
    collection: str
    create: OperationSpec
    id_field: str
    source: Source


@dataclass(frozen=True, slots=True)
class DeclaredResource:
    """What ``api.resource()`` declares: a collection, its item and the operations made on it.

    ``operations`` maps each role to the operation's name (its function-style name; the
    operation id is that name in camelCase).
    """

    path: str
    item_path: str
    id_param: str
    item: type[BaseModel]
    operations: Mapping[Role, str]
    id_field: str | None = None
    actions: Mapping[str, str] = field(default_factory=lambda: types.MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class Collection:
    """A collection of items and the operations that create, list, read, update, delete them.

    ``item_path`` is the template naming one item, ``id_param`` its parameter and
    ``id_field`` the field of an item that fills it (``id_source``: declared or inferred);
    ``id_within_parent`` says the id is unique only among its parent's items. A declared
    collection takes each role from its declaration; the roles it leaves open are inferred
    like any other (see ``source_of``).
    """

    path: str
    item_path: str | None
    id_param: str | None
    item: type[BaseModel] | None
    id_field: str | None
    create: OperationSpec | None
    list: OperationSpec | None
    read: OperationSpec | None
    update: OperationSpec | None
    delete: OperationSpec | None
    source: Source
    declared_roles: frozenset[Role] = frozenset()
    id_source: Source = "inferred"
    id_within_parent: bool = False
    upsert: OperationSpec | None = None
    actions: tuple[OperationSpec, ...] = ()
    declared_actions: frozenset[str] = frozenset()

    def source_of(self, role: Role) -> Source:
        return "declared" if role in self.declared_roles else "inferred"

    def action_source(self, action: OperationSpec) -> Source:
        return "declared" if action.operation_id in self.declared_actions else "inferred"


@dataclass(frozen=True, slots=True)
class Relations:
    """The relations of one API: its collections, and per operation what its path needs.

    ``parents`` maps every operation id to how each of its path parameters is provided,
    outermost first, or None when one cannot be; ``items`` maps the operations that act on
    one item (their path ends at a parameter, or they are an action on it) to the parent
    naming that item; ``actions`` maps each action's operation id to how it is known.
    ``create`` of a collection is its POST, else its upsert: whatever makes its items.
    """

    collections: tuple[Collection, ...]
    parents: Mapping[str, tuple[Parent, ...] | None]
    items: Mapping[str, Parent]
    actions: Mapping[str, Source] = field(default_factory=lambda: types.MappingProxyType({}))
    refs: Mapping[str, tuple[Reference, ...]] = field(
        default_factory=lambda: types.MappingProxyType({})
    )


def declared_resources(api: Api) -> tuple[DeclaredResource, ...]:
    """The resources an ``Api`` declared, as the spec layer records them."""
    return tuple(
        DeclaredResource(
            r.path,
            r.item_path,
            r.id_param,
            r.item,
            types.MappingProxyType(dict(r.roles)),
            r.id_field,
            types.MappingProxyType(dict(r.actions)),
        )
        for r in api.resources
    )


def relations(
    operations: Sequence[OperationSpec],
    declared: Sequence[DeclaredResource] = (),
    tenant_param: str | None = None,
) -> Relations:
    """Relate ``operations``: declared resources first, inference for what nothing declares.

    ``tenant_param`` (``org_id`` in ``/orgs/{org_id}/...``) carries the caller's tenant: no
    operation creates what it names, the runtime fills it, so it is nobody's item or parent.
    """
    by_route = {(op.method, _route(op.path)): op for op in operations}
    by_name = {op.name: op for op in operations}

    def names_item(last: str) -> bool:
        match = PATH_PARAM.fullmatch(last)
        return match is not None and match.group(1) != tenant_param

    # ``/things`` -> ``/things/{p}``: the first item template under each collection path.
    item_paths: dict[str, str] = {}
    for op in operations:
        head, _, last = _route(op.path).rpartition("/")
        if names_item(last):
            item_paths.setdefault(head, op.path)

    actions = _actions(operations, item_paths, declared, by_name)
    canonical = _canonical_creators(operations, item_paths, by_route, actions, tenant_param)
    collections: dict[str, Collection] = {}
    for resource in declared:
        path = _route(resource.path)
        roles = {role: by_name[n] for role, n in resource.operations.items() if n in by_name}
        collections.setdefault(
            path,
            _collection(
                path,
                resource.item_path,
                item=resource.item,
                declared=roles,
                by_route=by_route,
                source="declared",
                id_field=resource.id_field,
                actions=actions,
                canonical=canonical,
            ),
        )
    # Every POST may create items and every item template has a collection above it, as
    # far as inference can tell; the Graph's queries then answer for any operation.
    creates = {c.create.operation_id for c in collections.values() if c.create is not None}
    for op in operations:
        head, _, last = _route(op.path).rpartition("/")
        paths = [head] if names_item(last) else []
        if op.method == "POST" and op.operation_id not in creates | actions.keys():
            paths.insert(0, _route(op.path))
        for path in paths:
            if path not in collections:
                collections[path] = _collection(
                    path,
                    item_paths.get(path),
                    item=None,
                    declared={},
                    by_route=by_route,
                    source="inferred",
                    actions=actions,
                    canonical=canonical,
                )

    # A collection whose items live at another collection's item path (loans created at
    # ``/books/{b}/copies/{c}/loans``, read at ``/loans/{loan_id}``) takes that item path.
    for path, c in list(collections.items()):
        if c.item_path is None and c.create is not None:
            home = next(
                (o for o in collections.values()
                 if o is not c and o.create is c.create and o.item_path is not None),
                None,
            )  # fmt: skip
            if home is not None:
                collections[path] = replace(
                    home, path=c.path, list=c.list, source=c.source,
                    declared_roles=c.declared_roles, id_within_parent=False,
                )  # fmt: skip
    declared_items = {
        c.item_path: c for c in collections.values() if c.source == "declared" and c.item_path
    }
    parents: dict[str, tuple[Parent, ...] | None] = {}
    items: dict[str, Parent] = {}
    for op in operations:
        found = _parents(op, declared_items, by_route, tenant_param, canonical)
        parents[op.operation_id] = found
        if found and (names_item(_route(op.path).rpartition("/")[2]) or op.operation_id in actions):
            items[op.operation_id] = found[-1]
    return Relations(
        tuple(collections.values()),
        types.MappingProxyType(parents),
        types.MappingProxyType(items),
        types.MappingProxyType({op_id: source for op_id, (_, source) in actions.items()}),
        types.MappingProxyType(_references(operations, collections.values())),
    )


def _canonical_creators(
    operations: Sequence[OperationSpec],
    item_paths: Mapping[str, str],
    by_route: Mapping[tuple[str, str], OperationSpec],
    actions: Mapping[str, tuple[str, Source]],
    tenant_param: str | None,
) -> dict[str, OperationSpec]:
    """Item paths whose items a POST elsewhere creates, by that POST.

    Where nothing at ``/things`` makes the items ``GET /things/{p}`` reads (no POST there, no
    upsert), the first POST, not an action, whose response model is the read's creates them.
    """
    out: dict[str, OperationSpec] = {}
    for head, item_path in item_paths.items():
        at = _route(item_path)
        read = by_route.get(("GET", at))
        if read is None or read.response is None or by_route.get(("POST", head)) is not None:
            continue
        put = by_route.get(("PUT", at))
        if put is not None and put.upsert:
            continue
        creator = next(
            (op for op in operations
             if op.method == "POST" and op.operation_id not in actions
             and op.response is read.response and _route(op.path) != head
             and not PATH_PARAM.fullmatch(_route(op.path).rpartition("/")[2])),
            None,
        )  # fmt: skip
        if creator is not None:
            out[at] = creator
    return out


def _references(
    operations: Sequence[OperationSpec], collections: Iterable[Collection]
) -> dict[str, tuple[Reference, ...]]:
    """Per operation, the body fields naming an item of another collection.

    Declared with ``Ref("/members")`` (``x-synth-ref`` in the field's schema); inferred for a
    field named like a collection's id parameter (``member_id``, ``/members/{member_id}``) and
    of the same type as that parameter, when an operation creates the collection's items.
    """
    by_param: dict[str, Collection] = {}
    by_path: dict[str, Collection] = {}
    for c in collections:
        if c.create is None or c.id_field is None or c.item_path is None:
            continue
        by_path.setdefault(c.path, c)
        if c.id_param is not None and not PATH_PARAM.search(c.path):
            by_param.setdefault(c.id_param, c)
    out: dict[str, tuple[Reference, ...]] = {}
    for op in operations:
        if op.body is None:
            continue
        found = []
        for name, info in op.body.model_fields.items():
            key = info.alias or name
            declared = next((m.collection for m in info.metadata if isinstance(m, Ref)), None)
            to = by_path.get(declared) if declared is not None else by_param.get(key)
            if to is None or to.create is None or to.id_field is None or to.create is op:
                continue
            source: Source = "declared" if declared is not None else "inferred"
            if source == "inferred" and not _same_type(info, to, key):
                continue
            found.append(Reference(key, to.path, to.create, to.id_field, source))
        if found:
            out[op.operation_id] = tuple(found)
    return out


def _same_type(info: FieldInfo, collection: Collection, param: str) -> bool:
    """Whether a body field has the type of the path parameter naming the collection's items."""
    ops = (collection.read, collection.update, collection.delete)
    spec = next(
        (p for op in ops if op is not None for p in op.path_params if p.name == param), None
    )
    if spec is None:
        return False
    annotation: Any = (
        Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    )
    try:
        schema = TypeAdapter(annotation).json_schema()
    except PydanticUserError:  # a type without a JSON Schema names no item
        return False
    return _bare(schema) == _bare(spec.schema)


def _bare(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in {"title", "description", "examples"}}


def _actions(
    operations: Sequence[OperationSpec],
    item_paths: Mapping[str, str],
    declared: Sequence[DeclaredResource],
    by_name: Mapping[str, OperationSpec],
) -> dict[str, tuple[str, Source]]:
    """Each action's operation id, with the item path it acts on and how that is known.

    Declared by ``Resource.action``; inferred for a POST on ``{item path}/verb`` when no
    other operation is made at that path or under it (which would make it a collection), and
    it neither is a declared create (``created_by``) nor answers with the model an item GET
    at another path reads: ``POST /sites/{site_id}/meters`` answering the ``Meter`` of
    ``GET /meters/{meter_id}`` makes meters (``_canonical_creators``), it does not act on a
    site. Taken for an action, it had no TEN-CHILD nor VAL-BOUND, and nothing said so.
    """
    out: dict[str, tuple[str, Source]] = {}
    for resource in declared:
        for name in resource.actions.values():
            if name in by_name:
                out[by_name[name].operation_id] = (_route(resource.item_path), "declared")
    creates = {by_name[r.operations["create"]].operation_id for r in declared
               if r.operations.get("create") in by_name}  # fmt: skip
    reads = {_route(p): op.response for op in operations for p in item_paths.values()
             if op.method == "GET" and _route(op.path) == _route(p) and op.response is not None}  # fmt: skip
    items = {_route(p) for p in item_paths.values()}
    for op in operations:
        path = _route(op.path)
        if op.method != "POST" or op.operation_id in out or op.operation_id in creates:
            continue
        # The nearest item path above: ``/members/{member_id}`` for ``.../fines/pay``, with
        # no parameter in the segments after it.
        head, rest = path, ""
        while head and not PATH_PARAM.fullmatch(head.rpartition("/")[2]):
            head, _, last = head.rpartition("/")
            rest = f"/{last}{rest}"
        if not rest or head not in items:
            continue
        elsewhere = {model for at, model in reads.items() if at != head} - {reads.get(head)}
        if op.response is not None and op.response in elsewhere:
            continue
        below = head + "/" + rest.split("/")[1]  # ``/members/{member_id}/fines``
        if any(
            other is not op and (_route(other.path) == below or other.path.startswith(below + "/"))
            for other in operations
        ):
            continue
        out[op.operation_id] = (head, "inferred")
    return out


def _route(path: str) -> str:
    return path.rstrip("/")


def _id_field(
    model: type[BaseModel] | None, param: str | None = None, collection: str = ""
) -> str | None:
    """The field of a created item that fills the path parameter ``param`` naming it.

    The field named like ``param`` (``task_number``), else ``param`` without the singular
    noun of the ``collection`` path (``/projects/{p}/tasks``: ``number``), else ``id``.
    """
    if model is None:
        return None
    fields = model.model_fields
    return next((name for name in id_candidates(param, collection) if name in fields), None)


def collection_noun(collection: str) -> str:
    """One item of the collection at path ``collection``, snake case: ``enrolment`` for
    ``/enrolments``, ``line_item`` for ``/orders/{id}/line-items``."""
    return _singular(collection.rpartition("/")[2]).replace("-", "_").lower()


def id_candidates(param: str | None, collection: str = "") -> list[str]:
    """The item fields that may fill ``param``, in the order inference tries them."""
    candidates = []
    if param is not None:
        candidates.append(param)
        noun = collection_noun(collection)
        for prefix in (f"{noun}_", noun):
            if noun and param.lower().startswith(prefix) and len(param) > len(prefix):
                rest = param[len(prefix) :]
                if not rest.startswith("_"):  # `card_ref` less `card` is not a field name
                    candidates.append(rest[0].lower() + rest[1:])
                    # `appointment_no`: the item's `number`, as the abbreviation is read.
                    candidates += _ABBREVIATIONS.get(rest.lower(), [])
    candidates.append("id")
    return list(dict.fromkeys(candidates))


# What an id parameter's abbreviated rest may stand for (``{appointment_no}``: ``number``).
_ABBREVIATIONS = {"no": ["number"], "num": ["number"], "nr": ["number"], "idx": ["index"]}


def _singular(noun: str) -> str:
    if noun.endswith("ies") and len(noun) > 3:
        return noun[:-3] + "y"
    if noun.endswith("s") and not noun.endswith("ss"):
        return noun[:-1]
    return noun


def _collection(
    path: str,
    item_path: str | None,
    *,
    item: type[BaseModel] | None,
    declared: Mapping[Role, OperationSpec],
    by_route: Mapping[tuple[str, str], OperationSpec],
    source: Source,
    id_field: str | None = None,
    actions: Mapping[str, tuple[str, Source]] | None = None,
    canonical: Mapping[str, OperationSpec] | None = None,
) -> Collection:
    upsert = declared.get("upsert")
    if upsert is None and item_path is not None:
        put = by_route.get(("PUT", _route(item_path)))
        upsert = put if put is not None and put.upsert else None
    create = declared.get("create") or by_route.get(("POST", path)) or upsert
    if create is None and item_path is not None:  # created elsewhere, addressed here
        create = (canonical or {}).get(_route(item_path))
    if item is None and create is not None:
        item = create.response
    # A role nothing declares is found by URL alone; whether a list or a read carries the
    # created items is checked per query by the Graph, against the operation asked about.
    lister = by_route.get(("GET", path))
    if lister is not None and lister.pagination is None:
        lister = None
    read = update = delete = None
    on_item: list[OperationSpec] = []
    if item_path is not None:
        at = _route(item_path)
        read = by_route.get(("GET", at))
        update = by_route.get(("PATCH", at)) or by_route.get(("PUT", at))
        delete = by_route.get(("DELETE", at))
        known = actions or {}
        on_item = [op for op in by_route.values()
                   if op.operation_id in known and known[op.operation_id][0] == at]  # fmt: skip
    last = _route(item_path).rpartition("/")[2] if item_path is not None else ""
    match = PATH_PARAM.fullmatch(last)
    id_param = match.group(1) if match else None
    id_source: Source = "declared" if id_field is not None else "inferred"
    if id_field is None and create is not None:
        id_field = _id_field(item, id_param, path)
    return Collection(
        path=path,
        item_path=item_path,
        id_param=id_param,
        item=item,
        id_field=id_field,
        create=create,
        list=declared.get("list") or lister,
        read=declared.get("read") or read,
        update=declared.get("update") or update,
        delete=declared.get("delete") or delete,
        source=source,
        declared_roles=frozenset(declared),
        id_source=id_source,
        id_within_parent=(
            PATH_PARAM.search(path) is not None
            and id_param is not None
            and (create is None or _route(create.path) == path or create is upsert)
        ),
        upsert=upsert,
        actions=tuple(on_item),
        declared_actions=frozenset(
            op.operation_id for op in on_item if (actions or {})[op.operation_id][1] == "declared"
        ),
    )


def _parents(
    op: OperationSpec,
    declared_items: Mapping[str, Collection],
    by_route: Mapping[tuple[str, str], OperationSpec],
    tenant_param: str | None = None,
    canonical: Mapping[str, OperationSpec] | None = None,
) -> tuple[Parent, ...] | None:
    out = []
    for match in PATH_PARAM.finditer(op.path):
        param = match.group(1)
        if param == tenant_param:
            continue
        resource = declared_items.get(op.path[: match.end()])
        if (
            resource is not None
            and resource.id_param == param
            and resource.create is not None
            and resource.create.response is not None
            and resource.id_field is not None
        ):
            out.append(Parent(param, resource.create, resource.id_field, "declared"))
            continue
        prefix = _route(op.path[: match.start()])
        create = by_route.get(("POST", prefix))
        if create is None:  # the client chooses the id: a PUT upsert on the item creates it
            put = by_route.get(("PUT", _route(op.path[: match.end()])))
            create = put if put is not None and put.upsert else None
        if create is None:  # created elsewhere, addressed at this item path
            create = (canonical or {}).get(_route(op.path[: match.end()]))
        id_field = _id_field(create.response, param, prefix) if create is not None else None
        if create is None or id_field is None:
            return None
        out.append(Parent(param, create, id_field, "inferred"))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Identity:
    """How to tell a collection's items apart: the ``field`` holding the id, and, when the id
    is unique only within its parent, the collection ``path`` whose parameters complete it."""

    field: str
    path: str | None = None


class Graph:
    """Lookups over an ``ApiSpec``'s precomputed relations (``ApiSpec.relations``)."""

    def __init__(self, api: ApiSpec) -> None:
        self.api = api
        self.relations = api.relations
        self.by_route = {(op.method, _route(op.path)): op for op in api.operations}
        self._by_path = {c.path: c for c in api.relations.collections}
        self._by_create: dict[str, Collection] = {}
        # Every collection a create makes items of: a trip made under its vehicle and also
        # listed at the top (``/vehicles/{vehicle_id}/trips``, ``/trips``) has two.
        self._all_by_create: dict[str, list[Collection]] = {}
        self._parts: dict[frozenset[str], dict[str, str]] = {}
        for c in api.relations.collections:
            if c.create is not None:
                self._by_create.setdefault(c.create.operation_id, c)
                self._all_by_create.setdefault(c.create.operation_id, []).append(c)

    def op(self, method: str, path: str) -> OperationSpec | None:
        return self.by_route.get((method, _route(path)))

    def parts(self, apart: frozenset[str] = frozenset()) -> dict[str, str]:
        """Each operation's part of the API, named by its first operation id in sorted order:
        operations are in one part when they act on one collection, or one provides the
        parent or the referenced item another needs. A check writes within its operation's
        part (the fixtures it makes are parents and referenced items), so a list of one part
        does not change under the checks of another on a server whose operations touch only
        what they declare (``synth.testing._lock``).

        ``apart``: creates (by operation id) whose items no check counts but its own: needing
        one of their items (a parent, a referenced item) does not join an operation to their
        part. Those parts are finer (``synth.testing._context.lock_parts``: creates whose every
        list a check's scope isolates); a part of the whole partition is a union of them, and
        keeps its first operation's name, which names one of them."""
        found = self._parts.get(apart)
        if found is None:
            root = {op.operation_id: op.operation_id for op in self.api.operations}

            def find(name: str) -> str:
                while root[name] != name:
                    root[name] = root[root[name]]
                    name = root[name]
                return name

            def join(*ops: OperationSpec | None) -> None:
                names = sorted(find(op.operation_id) for op in ops if op is not None)
                for name in names[1:]:
                    root[name] = names[0]

            for c in self.relations.collections:
                join(c.create, c.list, c.read, c.update, c.delete, c.upsert, *c.actions)
            for op in self.api.operations:
                join(op, self.item_creator(op))
                join(op, *(c for c in self.needed(op) if c.operation_id not in apart))
            found = self._parts[apart] = {name: find(name) for name in root}
        return found

    def needed(self, op: OperationSpec) -> tuple[OperationSpec, ...]:
        """The creates of the items ``op`` needs made first: its parents' and the items its
        body references."""
        return (*(p.create for p in self.parents(op) or ()),
                *(r.create for r in self.references(op)))  # fmt: skip

    def lists_of(self, create: OperationSpec) -> list[OperationSpec]:
        """Every list of the items ``create`` makes: its collections' lists (paginated or
        not), and any other paginated list of the items it answers with."""
        found = [c.list for c in self._collections(create) if c.list is not None]
        found += [op for op in self.api.operations if op.pagination is not None
                  and op.pagination.item is create.response and op not in found]  # fmt: skip
        return found

    def _collection(self, op: OperationSpec) -> Collection | None:
        """The collection ``op`` creates into, else the one at its path."""
        return self._by_create.get(op.operation_id) or self._by_path.get(_route(op.path))

    def parents(self, op: OperationSpec) -> list[Parent] | None:
        """How to provide each path parameter of ``op``, outermost first; None if impossible."""
        found = self.relations.parents.get(op.operation_id)
        return list(found) if found is not None else None

    def id_field(self, create: OperationSpec) -> str | None:
        """The field of a created item that identifies it in paths: ``id``."""
        collection = self._by_create.get(create.operation_id)
        if collection is not None:
            return collection.id_field
        # Not a create of any collection: the id of whatever it answers with.
        return _id_field(create.response)

    def identity(self, op: OperationSpec) -> Identity:
        """The identity of the items ``op`` lists, creates or acts on (``id`` by default)."""
        collection = self._by_create.get(op.operation_id) or self._by_path.get(_route(op.path))
        if collection is None or collection.id_field is None:
            parent = self.relations.items.get(op.operation_id)
            if parent is None:
                return Identity("id")
            collection = self._by_create.get(parent.create.operation_id)
            if collection is None or collection.id_field is None:
                return Identity(parent.id_field)
        path = collection.path if collection.id_within_parent else None
        return Identity(collection.id_field, path)

    def creator_of_items(self, lister: OperationSpec) -> OperationSpec | None:
        """The create of a list's collection, when it makes the list's items."""
        if lister.pagination is None:
            return None
        collection = self._by_path.get(_route(lister.path))
        create = collection.create if collection is not None else None
        if create is None or create.response is not lister.pagination.item:
            return None
        return create

    def lister_of(self, create: OperationSpec) -> OperationSpec | None:
        """The paginated list of the collection a create operation makes items of."""
        collection = self._collection(create)
        lister = collection.list if collection is not None else None
        if lister is None or lister.pagination is None:
            return None
        return lister if lister.pagination.item is create.response else None

    def item_path(self, create: OperationSpec) -> str | None:
        """``/things/{p}`` for ``POST /things``: the template that names one created item."""
        collection = self._collection(create)
        return collection.item_path if collection is not None else None

    def _collections(self, op: OperationSpec) -> list[Collection]:
        """Every collection ``op`` creates into (the first is ``_collection``'s), else the
        one at its path."""
        found = self._all_by_create.get(op.operation_id)
        if found:
            return found
        at = self._by_path.get(_route(op.path))
        return [at] if at is not None else []

    def item_op(self, create: OperationSpec, method: str) -> OperationSpec | None:
        """The operation ``method`` on an item ``create`` made: in the first of its
        collections that has one (a list at the top may have no item path of its own)."""
        for collection in self._collections(create):
            found = self._item_op(collection, create, method)
            if found is not None:
                return found
        return None

    def _item_op(
        self, collection: Collection, create: OperationSpec, method: str
    ) -> OperationSpec | None:
        if collection.item_path is None:
            return None
        if method == "GET":
            found = collection.read
        elif method == "DELETE":
            found = collection.delete
        elif collection.update is not None and collection.update.method == method:
            found = collection.update
        else:  # no role of the collection: any other operation on its item path
            found = self.op(method, collection.item_path)
        if found is not None and method == "GET" and found.response is not create.response:
            return None
        return found

    def references(self, op: OperationSpec) -> tuple[Reference, ...]:
        """The fields of ``op``'s body naming items of other collections (``member_id``)."""
        return self.relations.refs.get(op.operation_id, ())

    def is_create(self, op: OperationSpec) -> bool:
        """Whether ``op`` is the create of a collection (``POST /things``, a PUT upsert)."""
        return op.operation_id in self._by_create

    def item_creator(self, op: OperationSpec) -> OperationSpec | None:
        """For ``X /things/{p}``: the ``POST /things`` that creates the item ``{p}`` names."""
        parent = self.relations.items.get(op.operation_id)
        return parent.create if parent is not None else None

    def is_item_op(self, op: OperationSpec) -> bool:
        return self.item_creator(op) is not None

    def is_action(self, op: OperationSpec) -> bool:
        """``POST /things/{p}/verb``: an action on one item (declared or inferred)."""
        return op.operation_id in self.relations.actions

    def is_child_collection(self, op: OperationSpec) -> bool:
        """A collection under a parent item (``/things/{p}/children``), or under the caller's
        tenant in the path (``/orgs/{org_id}/things``)."""
        under = bool(self.parents(op)) or self.tenant_in_path(op)
        return under and op.operation_id not in self.relations.items and not self.is_tenant_op(op)

    def is_tenant_op(self, op: OperationSpec) -> bool:
        """``op`` acts on the caller's tenant itself: its path ends at the tenant parameter."""
        name = self.api.tenant_param
        return name is not None and _route(op.path).endswith("/{" + name + "}")

    def tenant_in_path(self, op: OperationSpec) -> bool:
        """Whether ``op``'s path carries the caller's tenant (``Api(tenant_param=...)``)."""
        name = self.api.tenant_param
        return name is not None and any(p.name == name for p in op.path_params)

    def deleter(self, create: OperationSpec) -> OperationSpec | None:
        return self.item_op(create, "DELETE")

    def updater(self, create: OperationSpec) -> OperationSpec | None:
        return self.item_op(create, "PATCH") or self.item_op(create, "PUT")

    def reader(self, create: OperationSpec) -> OperationSpec | None:
        return self.item_op(create, "GET")
