"""Relationships between operations, derived from the ApiSpec alone.

Which operation creates the items a list returns, which creates the parent a path parameter
names, which reads, updates or deletes one item: all of it follows from path templates and
response models, never from the names of one particular API.

- A path parameter ``{p}`` in ``/prefix/{p}/...`` is the id of an item that ``POST /prefix``
  creates.
- ``POST /things`` creates the items of ``GET /things`` when its response model is the
  page's item model; ``GET|PATCH|PUT|DELETE /things/{p}`` act on one of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .spec import ApiSpec, OperationSpec

__all__ = ["Graph", "Parent"]

_PARAM = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True, slots=True)
class Parent:
    """A path parameter and the operation that creates the item whose id it takes."""

    param: str
    create: OperationSpec
    id_field: str


class Graph:
    """Lookups over an ``ApiSpec``'s operations."""

    def __init__(self, api: ApiSpec) -> None:
        self.api = api
        self.by_route = {(op.method, op.path.rstrip("/")): op for op in api.operations}
        # ``/things`` -> ``/things/{p}``: the first item template under each collection path.
        self.item_paths: dict[str, str] = {}
        for op in api.operations:
            head, _, last = op.path.rstrip("/").rpartition("/")
            if _PARAM.fullmatch(last):
                self.item_paths.setdefault(head, op.path)

    def op(self, method: str, path: str) -> OperationSpec | None:
        return self.by_route.get((method, path.rstrip("/")))

    def parents(self, op: OperationSpec) -> list[Parent] | None:
        """How to provide each path parameter of ``op``, outermost first; None if impossible."""
        out = []
        for match in _PARAM.finditer(op.path):
            prefix = op.path[: match.start()].rstrip("/")
            create = self.op("POST", prefix)
            if create is None or create.response is None:
                return None
            id_field = self.id_field(create)
            if id_field is None:
                return None
            out.append(Parent(match.group(1), create, id_field))
        return out

    @staticmethod
    def id_field(create: OperationSpec) -> str | None:
        """The field of a created item that identifies it in paths: ``id``."""
        if create.response is not None and "id" in create.response.model_fields:
            return "id"
        return None

    def creator_of_items(self, lister: OperationSpec) -> OperationSpec | None:
        """The POST on a list's own path whose response is the list's item model."""
        if lister.pagination is None:
            return None
        create = self.op("POST", lister.path)
        if create is None or create.response is not lister.pagination.item:
            return None
        return create

    def lister_of(self, create: OperationSpec) -> OperationSpec | None:
        """The paginated GET on a create operation's path that lists what it creates."""
        lister = self.op("GET", create.path)
        if lister is None or lister.pagination is None:
            return None
        return lister if lister.pagination.item is create.response else None

    def item_path(self, create: OperationSpec) -> str | None:
        """``/things/{p}`` for ``POST /things``: the template that names one created item."""
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
        """For ``X /things/{p}``: the ``POST /things`` that creates the item ``{p}`` names."""
        parents = self.parents(op)
        if not parents or not op.path.rstrip("/").endswith("}"):
            return None
        return parents[-1].create

    def is_item_op(self, op: OperationSpec) -> bool:
        return self.item_creator(op) is not None

    def is_child_collection(self, op: OperationSpec) -> bool:
        """A collection under a parent item: ``/things/{p}/children``."""
        parents = self.parents(op)
        return bool(parents) and not op.path.rstrip("/").endswith("}")

    def deleter(self, create: OperationSpec) -> OperationSpec | None:
        return self.item_op(create, "DELETE")

    def updater(self, create: OperationSpec) -> OperationSpec | None:
        return self.item_op(create, "PATCH") or self.item_op(create, "PUT")

    def reader(self, create: OperationSpec) -> OperationSpec | None:
        return self.item_op(create, "GET")
