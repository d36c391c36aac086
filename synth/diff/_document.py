"""Compare two OpenAPI 3.1 documents: operations, parameters, bodies, responses, headers,
security, servers, webhooks and callbacks, and synth's own extensions (``x-synth-errors``,
``x-synth-semantics``).

Operations are matched by method and path template with parameter names blanked out
(``/contacts/{}``), so renaming a path parameter is not a removed operation; parameters by
(in, name), header names case-insensitively; responses by status and media type; webhooks by
name and method; callbacks by operation, name, expression and method.

Webhooks and callbacks are requests the server sends and the client receives, so their
direction is the reverse of an operation's. Their payload (request body and parameters) is
judged as a response is: narrowing what the server sends is safe, widening it (a new enum value,
a removed or newly optional property, a retyped field, a new media type) breaks a receiver
generated from the old document. The receiver's answers (their responses) are judged as requests
are: the server must still accept what receivers answer. A removed webhook or callback breaks
receivers waiting for it; an added one does not.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .._paths import param_names, route_shape
from ._model import Change, Collector, OpRef
from ._refs import Node, Resolver, Sameness, canonical, component_key, pointer
from ._schema import SchemaDiff

__all__ = ["diff_documents"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def diff_documents(
    old: Mapping[str, Any], new: Mapping[str, Any], old_label: str = "OLD", new_label: str = "NEW"
) -> list[Change]:
    """Every change from ``old`` to ``new``, breaking first, each classified by a rule."""
    return _DocumentDiff(Resolver(old, old_label), Resolver(new, new_label)).run()


@dataclass(frozen=True, slots=True)
class _Op:
    method: str
    path: str  # a path template; a webhook's name; a callback's operation, name and expression
    node: Node
    params: tuple[Node, ...]  # path-level and operation-level, operation-level winning
    kind: Literal["operation", "webhook", "callback"] = "operation"

    @property
    def ref(self) -> OpRef:
        oid = self.node.value.get("operationId")
        return OpRef(self.method, self.path, oid if isinstance(oid, str) else None, self.kind)

    @property
    def inbound(self) -> bool:
        """A request the server sends (a webhook or a callback), not one it receives."""
        return self.kind != "operation"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


class _DocumentDiff:
    def __init__(self, old: Resolver, new: Resolver) -> None:
        self.old, self.new = old, new
        self.out = Collector()
        self.od: Mapping[str, Any] = old.document
        self.nd: Mapping[str, Any] = new.document
        self.same = Sameness(old, new)
        # Whether both state ``x-synth-semantics`` on some operation (``both_state_semantics``).
        self.semantics_stated = all(_states_semantics(d) for d in (self.od, self.nd))

    def run(self) -> list[Change]:
        self.info()
        self.servers()
        self.security_schemes()
        self.schemas()
        self.taxonomy()
        self.operations()
        self.webhooks()
        return sorted(self.out.changes, key=Change.sort_key)

    # -- document level -------------------------------------------------------------------------

    def info(self) -> None:
        ov = _mapping(self.od.get("info")).get("version")
        nv = _mapping(self.nd.get("info")).get("version")
        if ov != nv:
            self.out.add("api-version-changed", "/info/version",
                         f"info.version changed from {ov!r} to {nv!r}", component="info")  # fmt: skip

    def servers(self) -> None:
        def urls(doc: Mapping[str, Any]) -> list[str]:
            listed = doc.get("servers")
            if not isinstance(listed, list) or not listed:
                return ["/"]
            return [str(_mapping(s).get("url", "/")) for s in listed]

        old, new = urls(self.od), urls(self.nd)
        for index, url in enumerate(old):
            if url not in new:
                self.out.add("api-server-removed", pointer("servers", index),
                             f"server {url!r} removed: clients using it call a base URL that is gone",
                             side="old", component="servers")  # fmt: skip
        for index, url in enumerate(new):
            if url not in old:
                self.out.add("api-server-added", pointer("servers", index),
                             f"server {url!r} added", component="servers")  # fmt: skip

    def security_schemes(self) -> None:
        old = _mapping(_mapping(self.od.get("components")).get("securitySchemes"))
        new = _mapping(_mapping(self.nd.get("components")).get("securitySchemes"))
        for name in old:
            ptr = pointer("components", "securitySchemes", name)
            if name not in new:
                self.out.add("api-security-component-removed", ptr,
                             f"security scheme {name!r} removed", side="old",
                             component=f"securitySchemes/{name}")  # fmt: skip
                continue
            oval, nval = _mapping(old[name]), _mapping(new[name])
            for key in ("type", "scheme", "in", "name"):
                if oval.get(key) != nval.get(key):
                    self.out.add("api-security-component-changed", ptr,
                                 f"security scheme {name!r}: {key} changed from "
                                 f"{oval.get(key)!r} to {nval.get(key)!r}",
                                 component=f"securitySchemes/{name}")  # fmt: skip
        for name in new:
            if name not in old:
                self.out.add("api-security-component-added",
                             pointer("components", "securitySchemes", name),
                             f"security scheme {name!r} added", component=f"securitySchemes/{name}")  # fmt: skip

    def schemas(self) -> None:
        old = _mapping(_mapping(self.od.get("components")).get("schemas"))
        new = _mapping(_mapping(self.nd.get("components")).get("schemas"))
        old_keys = {component_key(n) for n in old}
        new_keys = {component_key(n) for n in new}
        for name in old:
            if name not in new and component_key(name) not in new_keys:
                self.out.add("api-schema-removed", pointer("components", "schemas", name),
                             f"component schema {name!r} removed", side="old",
                             component=f"schemas/{name}")  # fmt: skip
        for name in new:
            if name not in old and component_key(name) not in old_keys:
                self.out.add("api-schema-added", pointer("components", "schemas", name),
                             f"component schema {name!r} added", component=f"schemas/{name}")  # fmt: skip

    def both_have_taxonomies(self) -> bool:
        """Whether both documents state a taxonomy: one without ``x-synth-errors`` (any document
        synth did not write) claims no error codes, so none are added or removed by it."""
        return all(isinstance(d.get("x-synth-errors"), list) for d in (self.od, self.nd))

    def taxonomy(self) -> None:
        def codes(doc: Mapping[str, Any]) -> dict[str, tuple[int, Mapping[str, Any]]]:
            listed = doc.get("x-synth-errors")
            if not isinstance(listed, list):
                return {}
            return {str(_mapping(e).get("code")): (i, _mapping(e)) for i, e in enumerate(listed)}

        if not self.both_have_taxonomies():
            return
        old, new = codes(self.od), codes(self.nd)
        for code, (index, entry) in old.items():
            component = f"x-synth-errors/{code}"
            if code not in new:
                self.out.add("error-code-removed", pointer("x-synth-errors", index),
                             f"error code `{code}` ({entry.get('status')}) removed from the "
                             "taxonomy: clients that handle it lose their typed error",
                             side="old", component=component)  # fmt: skip
                continue
            nindex, nentry = new[code]
            ptr = pointer("x-synth-errors", nindex)
            if entry.get("status") != nentry.get("status"):
                self.out.add("error-code-status-changed", ptr + "/status",
                             f"error code `{code}`: status changed from {entry.get('status')} "
                             f"to {nentry.get('status')}", component=component)  # fmt: skip
            if entry.get("type") != nentry.get("type"):
                self.out.add("error-code-type-changed", ptr + "/type",
                             f"error code `{code}`: problem type changed from "
                             f"{entry.get('type')!r} to {nentry.get('type')!r}", component=component)  # fmt: skip
            if entry.get("retryable") != nentry.get("retryable"):
                self.out.add("error-code-retryable-changed", ptr + "/retryable",
                             f"error code `{code}`: retryable changed from "
                             f"{entry.get('retryable')} to {nentry.get('retryable')}",
                             component=component)  # fmt: skip
            for key in ("title", "description"):
                if entry.get(key) != nentry.get(key):
                    self.out.add("error-code-description-changed", ptr + "/" + key,
                                 f"error code `{code}`: {key} changed", component=component)  # fmt: skip
        for code, (index, entry) in new.items():
            if code not in old:
                self.out.add("error-code-added", pointer("x-synth-errors", index),
                             f"error code `{code}` ({entry.get('status')}) added to the taxonomy",
                             component=f"x-synth-errors/{code}")  # fmt: skip

    # -- operations -----------------------------------------------------------------------------

    def collect(self, resolver: Resolver) -> dict[tuple[str, str], _Op]:
        ops: dict[tuple[str, str], _Op] = {}
        paths = _mapping(resolver.document.get("paths"))
        for path in paths:
            for op in _path_item_ops(resolver, Node(paths[path], pointer("paths", path)), path):
                ops[(op.method, route_shape(path))] = op
        return ops

    def webhooks(self) -> None:
        def collect(resolver: Resolver) -> dict[tuple[str, str], _Op]:
            hooks = _mapping(resolver.document.get("webhooks"))
            ops: dict[tuple[str, str], _Op] = {}
            for name in hooks:
                item = Node(hooks[name], pointer("webhooks", name))
                for op in _path_item_ops(resolver, item, str(name), "webhook"):
                    ops[(str(name), op.method)] = op
            return ops

        old, new = collect(self.old), collect(self.new)
        for key, op in old.items():
            if key not in new:
                self.out.add("webhook-removed", op.node.ptr,
                             f"{op.ref} removed: receivers wait for events it no longer sends",
                             side="old", operation=op.ref)  # fmt: skip
        for key, op in new.items():
            if key not in old:
                self.out.add("webhook-added", op.node.ptr, f"{op.ref} added", operation=op.ref)
            else:
                _OperationDiff(self, old[key], op).run()

    def operations(self) -> None:
        old, new = self.collect(self.old), self.collect(self.new)
        for key, op in old.items():
            if key not in new:
                self.out.add("endpoint-removed", op.node.ptr,
                             f"operation {op.ref} removed", side="old", operation=op.ref)  # fmt: skip
        for key, op in new.items():
            if key not in old:
                self.out.add("endpoint-added", op.node.ptr, f"operation {op.ref} added",
                             operation=op.ref)  # fmt: skip
            else:
                _OperationDiff(self, old[key], op).run()


def _path_item_ops(
    resolver: Resolver,
    raw: Node,
    path: str,
    kind: Literal["operation", "webhook", "callback"] = "operation",
) -> Iterator[_Op]:
    """The operations of a Path Item (``$ref`` followed), path-level parameters applied."""
    item, _ = resolver.resolve(raw)
    if not isinstance(item.value, Mapping):
        return
    shared = _param_nodes(item)
    for method in _METHODS:
        op = item.get(method)
        if op is None or not isinstance(op.value, Mapping):
            continue
        params = _merge_params(resolver, shared, _param_nodes(op))
        yield _Op(method, path, op, params, kind)


def _callbacks(resolver: Resolver, op: _Op) -> dict[tuple[str, str, str], _Op]:
    """An operation's callbacks by (name, expression, method)."""
    found: dict[tuple[str, str, str], _Op] = {}
    listed = op.node.get("callbacks")
    if listed is None:
        return found
    for name in _mapping(listed.value):
        callback, _ = resolver.resolve(listed.child(name))
        for expression in _mapping(callback.value):
            where = f"{op.ref} callback {name} {expression}"
            for inner in _path_item_ops(resolver, callback.child(expression), where, "callback"):
                found[(str(name), str(expression), inner.method)] = inner
    return found


def _param_nodes(node: Node) -> list[Node]:
    listed = node.get("parameters")
    if listed is None or not isinstance(listed.value, list):
        return []
    return [listed.child(i) for i in range(len(listed.value))]


def _merge_params(resolver: Resolver, shared: list[Node], own: list[Node]) -> tuple[Node, ...]:
    merged: dict[tuple[str, str], Node] = {}
    for raw in (*shared, *own):
        node, _ = resolver.resolve(raw)
        value = _mapping(node.value)
        merged[(str(value.get("in")), str(value.get("name")))] = Node(value, raw.ptr)
    return tuple(merged.values())


def _param_key(value: Mapping[str, Any], path_names: list[str]) -> tuple[str, str]:
    where, name = str(value.get("in")), str(value.get("name"))
    if where == "path" and name in path_names:  # by position: a rename is not a new parameter
        return ("path", f"#{path_names.index(name)}")
    return (where, name.lower() if where == "header" else name)


def _is_success(status: str) -> bool:
    return status[:1] in ("1", "2", "3")


def _states_semantics(doc: Mapping[str, Any]) -> bool:
    return any(
        isinstance(op, Mapping) and "x-synth-semantics" in op
        for section in ("paths", "webhooks")
        for item in _mapping(doc.get(section)).values()
        for op in _mapping(item).values()
    )


def _style(param: Mapping[str, Any]) -> tuple[Any, Any]:
    """A parameter's style and explode with OpenAPI's defaults filled in: ``form`` in the
    query and cookies, ``simple`` in the path and headers; explode only for ``form``."""
    style = param.get("style", "form" if param.get("in") in ("query", "cookie") else "simple")
    return style, param.get("explode", style == "form")


class _OperationDiff:
    """One operation present in both documents."""

    def __init__(self, doc: _DocumentDiff, old: _Op, new: _Op) -> None:
        self.doc, self.o, self.n = doc, old, new
        self.ref = new.ref
        self.out = doc.out
        self.ov: Mapping[str, Any] = old.node.value
        self.nv: Mapping[str, Any] = new.node.value

    def add(self, rule_id: str, ptr: str, message: str, *, old: bool = False) -> None:
        self.out.add(rule_id, ptr, message, side="old" if old else "new", operation=self.ref)

    def schema_diff(self, direction: Any, root: str, label: str) -> SchemaDiff:
        return SchemaDiff(
            self.doc.old, self.doc.new, self.out, operation=self.ref, direction=direction,
            root=root, label=label, same=self.doc.same,
        )  # fmt: skip

    def run(self) -> None:
        self.metadata()
        if self.o.inbound:
            self.inbound_parameters()
            self.payload()
            self.answers()
            return
        self.parameters()
        self.request_body()
        self.responses()
        self.security()
        self.callbacks()
        _SemanticsDiff(self).run()

    # webhooks and callbacks: the server sends, the client receives

    def callbacks(self) -> None:
        old, new = _callbacks(self.doc.old, self.o), _callbacks(self.doc.new, self.n)
        for key, op in old.items():
            if key not in new:
                self.add("callback-removed", op.node.ptr,
                         f"callback {key[0]} {key[1]}: {key[2].upper()} removed: receivers "
                         "wait for calls it no longer makes", old=True)  # fmt: skip
        for key, op in new.items():
            if key not in old:
                self.add("callback-added", op.node.ptr,
                         f"callback {key[0]} {key[1]}: {key[2].upper()} added")  # fmt: skip
            else:
                _OperationDiff(self.doc, old[key], op).run()

    def inbound_parameters(self) -> None:
        old = {_param_key(p.value, []): p for p in self.o.params}
        new = {_param_key(p.value, []): p for p in self.n.params}
        for key, node in old.items():
            label = f"{node.value.get('in')} parameter `{node.value.get('name')}`"
            if key not in new:
                self.add("webhook-parameter-removed", node.ptr, f"{label} no longer sent", old=True)
                continue
            nnode = new[key]
            was, now = bool(node.value.get("required")), bool(nnode.value.get("required"))
            if was != now:
                became = "required" if now else "optional"
                self.add(
                    f"webhook-parameter-became-{became}", nnode.ptr, f"{label} became {became}"
                )
            oschema, nschema = _param_schema(node), _param_schema(nnode)
            if oschema is not None and nschema is not None:
                self.schema_diff("response", "header", label).compare(oschema, nschema)
        for key, node in new.items():
            if key not in old:
                label = f"{node.value.get('in')} parameter `{node.value.get('name')}`"
                self.add("webhook-parameter-added", node.ptr, f"new {label} sent")

    def payload(self) -> None:
        onode, nnode = self.o.node.get("requestBody"), self.n.node.get("requestBody")
        if onode is None or nnode is None:
            if onode is not None:
                self.add("webhook-payload-removed", onode.ptr, "payload no longer sent", old=True)
            elif nnode is not None:
                self.add("webhook-payload-added", nnode.ptr, "payload added")
            return
        obody, _ = self.doc.old.resolve(onode)
        nbody, _ = self.doc.new.resolve(nnode)
        was = bool(_mapping(obody.value).get("required"))
        now = bool(_mapping(nbody.value).get("required"))
        if was != now:
            became = "required" if now else "optional"
            self.add(f"webhook-payload-became-{became}", nbody.ptr, f"payload became {became}")
        differ = self.schema_diff("response", "body", "payload")
        differ.noun = "payload"
        for mt, ocontent, ncontent in self.media(obody, nbody, "webhook-media-type", "payload"):
            differ.label = "payload" if mt == "application/json" else f"payload ({mt})"
            oschema, nschema = ocontent.get("schema"), ncontent.get("schema")
            if oschema is not None and nschema is not None:
                differ.compare(oschema, nschema)

    def answers(self) -> None:
        """What receivers answer: the server must still accept it, as it would a request."""
        onode, nnode = self.o.node.get("responses"), self.n.node.get("responses")
        old = _mapping(onode.value) if onode else {}
        new = _mapping(nnode.value) if nnode else {}
        differ = self.schema_diff("request", "body", "answer")
        differ.noun = "answer"
        for status in old:
            assert onode is not None
            if status not in new:
                self.add("webhook-answer-status-removed", onode.child(status).ptr,
                         f"a {status} answer is no longer accepted", old=True)  # fmt: skip
                continue
            assert nnode is not None
            oresp, _ = self.doc.old.resolve(onode.child(status))
            nresp, _ = self.doc.new.resolve(nnode.child(status))
            ocontent = _mapping(_mapping(oresp.value).get("content"))
            ncontent = _mapping(_mapping(nresp.value).get("content"))
            for mt in ocontent:
                if mt in ncontent:
                    oschema = oresp.child("content", mt).get("schema")
                    nschema = nresp.child("content", mt).get("schema")
                    if oschema is not None and nschema is not None:
                        differ.label = f"{status} answer"
                        differ.compare(oschema, nschema)
        for status in new:
            if status not in old:
                assert nnode is not None
                self.add("webhook-answer-status-added", nnode.child(status).ptr,
                         f"a {status} answer is accepted")  # fmt: skip

    def metadata(self) -> None:
        ptr = self.n.node.ptr
        oid, nid = self.o.ref.operation_id, self.n.ref.operation_id
        if oid != nid:
            self.add("api-operation-id-changed", ptr + "/operationId",
                     f"operationId changed from {oid!r} to {nid!r}: generated SDK methods "
                     "and code that calls them are renamed")  # fmt: skip
        od, nd = bool(self.ov.get("deprecated")), bool(self.nv.get("deprecated"))
        if od != nd:
            self.add("endpoint-deprecated" if nd else "endpoint-reactivated", ptr,
                     "operation deprecated" if nd else "operation no longer deprecated")  # fmt: skip
        for key in ("summary", "description"):
            if self.ov.get(key) != self.nv.get(key):
                self.add("endpoint-description-changed", ptr + "/" + key, f"{key} changed")
        otags, ntags = list(self.ov.get("tags") or []), list(self.nv.get("tags") or [])
        for tag in otags:
            if tag not in ntags:
                self.add("api-tag-removed", ptr + "/tags", f"tag {tag!r} removed", old=True)
        for tag in ntags:
            if tag not in otags:
                self.add("api-tag-added", ptr + "/tags", f"tag {tag!r} added")

    # parameters

    def parameters(self) -> None:
        onames = param_names(self.o.path)
        nnames = param_names(self.n.path)
        old = {_param_key(p.value, onames): p for p in self.o.params}
        new = {_param_key(p.value, nnames): p for p in self.n.params}
        for key, node in old.items():
            value = node.value
            label = f"{value.get('in')} parameter `{value.get('name')}`"
            if key not in new:
                self.add("request-parameter-removed", node.ptr, f"{label} removed", old=True)
                continue
            nnode = new[key]
            nvalue = nnode.value
            if value.get("in") == "path" and value.get("name") != nvalue.get("name"):
                self.add("request-path-parameter-renamed", nnode.ptr,
                         f"{label} renamed to `{nvalue.get('name')}`")  # fmt: skip
                label = f"{nvalue.get('in')} parameter `{nvalue.get('name')}`"
            was, now = bool(value.get("required")), bool(nvalue.get("required"))
            if was != now:
                became = "required" if now else "optional"
                self.add(
                    f"request-parameter-became-{became}", nnode.ptr, f"{label} became {became}"
                )
            for key2, was2, now2 in zip(
                ("style", "explode"), _style(value), _style(nvalue), strict=True
            ):
                if was2 != now2:
                    self.add("request-parameter-style-changed", nnode.ptr,
                             f"{label}: {key2} changed from {was2!r} to {now2!r}")  # fmt: skip
            oschema, nschema = _param_schema(node), _param_schema(nnode)
            if oschema is not None and nschema is not None:
                self.schema_diff("request", "parameter", label).compare(oschema, nschema)
        for key, node in new.items():
            if key in old:
                continue
            value = node.value
            label = f"{value.get('in')} parameter `{value.get('name')}`"
            if value.get("required"):
                self.add("new-required-request-parameter", node.ptr, f"new required {label}")
            else:
                self.add("new-optional-request-parameter", node.ptr, f"new optional {label}")

    # request body

    def request_body(self) -> None:
        onode, nnode = self.o.node.get("requestBody"), self.n.node.get("requestBody")
        if onode is None and nnode is None:
            return
        if onode is None:
            assert nnode is not None
            nbody, _ = self.doc.new.resolve(nnode)
            if _mapping(nbody.value).get("required"):
                self.add("request-body-added-required", nnode.ptr, "required request body added")
            else:
                self.add("request-body-added-optional", nnode.ptr, "optional request body added")
            return
        obody, _ = self.doc.old.resolve(onode)
        if nnode is None:
            self.add("request-body-removed", onode.ptr, "request body removed", old=True)
            return
        nbody, _ = self.doc.new.resolve(nnode)
        was, now = (
            bool(_mapping(obody.value).get("required")),
            bool(_mapping(nbody.value).get("required")),
        )
        if was != now:
            became = "required" if now else "optional"
            self.add(f"request-body-became-{became}", nbody.ptr, f"request body became {became}")
        differ = self.schema_diff("request", "body", "request body")
        for mt, ocontent, ncontent in self.media(
            obody, nbody, "request-body-media-type", "request"
        ):
            differ.label = "request body" if mt == "application/json" else f"request body ({mt})"
            oschema, nschema = ocontent.get("schema"), ncontent.get("schema")
            if oschema is not None and nschema is not None:
                differ.compare(oschema, nschema)

    def media(
        self, old: Node, new: Node, rule_prefix: str, what: str
    ) -> Iterator[tuple[str, Node, Node]]:
        """Media types in both; report the ones removed and added."""
        ocontent = old.get("content")
        ncontent = new.get("content")
        otypes = _mapping(ocontent.value) if ocontent else {}
        ntypes = _mapping(ncontent.value) if ncontent else {}
        for mt in otypes:
            if mt not in ntypes:
                assert ocontent is not None
                self.add(f"{rule_prefix}-removed", ocontent.ptr + pointer(mt),
                         f"{what} media type {mt} removed", old=True)  # fmt: skip
        for mt in ntypes:
            if mt not in otypes:
                assert ncontent is not None
                self.add(f"{rule_prefix}-added", ncontent.ptr + pointer(mt),
                         f"{what} media type {mt} added")  # fmt: skip
        for mt in otypes:
            if mt in ntypes:
                assert ocontent is not None
                assert ncontent is not None
                yield mt, ocontent.child(mt), ncontent.child(mt)

    # responses

    def responses(self) -> None:
        onode, nnode = self.o.node.get("responses"), self.n.node.get("responses")
        old = _mapping(onode.value) if onode else {}
        new = _mapping(nnode.value) if nnode else {}
        for status in old:
            if status not in new:
                assert onode is not None
                kind = "success" if _is_success(status) else "non-success"
                self.add(f"response-{kind}-status-removed", onode.child(status).ptr,
                         f"{status} response removed", old=True)  # fmt: skip
        for status in new:
            if status not in old:
                assert nnode is not None
                kind = "success" if _is_success(status) else "non-success"
                self.add(f"response-{kind}-status-added", nnode.child(status).ptr,
                         f"{status} response added")  # fmt: skip
        self.error_codes(onode, nnode)
        differ = self.schema_diff("response", "body", "")
        headers = self.schema_diff("response", "header", "")
        for status in old:
            if status not in new:
                continue
            assert onode is not None
            assert nnode is not None
            oresp, _ = self.doc.old.resolve(onode.child(status))
            nresp, _ = self.doc.new.resolve(nnode.child(status))
            self.response_headers(status, oresp, nresp, headers)
            ohas = bool(_mapping(_mapping(oresp.value).get("content")))
            nhas = bool(_mapping(_mapping(nresp.value).get("content")))
            if ohas and not nhas:
                self.add("response-body-removed", oresp.ptr + "/content",
                         f"{status} response: body removed", old=True)  # fmt: skip
                continue
            if nhas and not ohas:
                self.add("response-body-added", nresp.ptr + "/content",
                         f"{status} response: body added")  # fmt: skip
                continue
            for mt, ocontent, ncontent in self.media(oresp, nresp, "response-media-type",
                                                     f"{status} response"):  # fmt: skip
                differ.label = f"{status} response body" + (
                    "" if mt == "application/json" else f" ({mt})"
                )
                oschema, nschema = ocontent.get("schema"), ncontent.get("schema")
                if oschema is not None and nschema is not None:
                    differ.compare(oschema, nschema)

    def response_headers(self, status: str, old: Node, new: Node, differ: SchemaDiff) -> None:
        def by_name(node: Node) -> dict[str, Node]:
            headers = node.get("headers")
            if headers is None:
                return {}
            return {str(k).lower(): headers.child(k) for k in _mapping(headers.value)}

        oh, nh = by_name(old), by_name(new)
        for key, onode in oh.items():
            name = onode.ptr.rsplit("/", 1)[-1]
            label = f"response header `{name}` ({status})"
            ohead, _ = self.doc.old.resolve(onode)
            oreq = bool(_mapping(ohead.value).get("required"))
            if key not in nh:
                kind = "required" if oreq else "optional"
                self.add(f"{kind}-response-header-removed", onode.ptr, f"{label} removed", old=True)
                continue
            nhead, _ = self.doc.new.resolve(nh[key])
            nreq = bool(_mapping(nhead.value).get("required"))
            if oreq != nreq:
                became = "required" if nreq else "optional"
                self.add(
                    f"response-header-became-{became}", nh[key].ptr, f"{label} became {became}"
                )
            oschema, nschema = ohead.get("schema"), nhead.get("schema")
            if oschema is not None and nschema is not None:
                differ.label = label
                differ.compare(oschema, nschema)
        for key, nnode in nh.items():
            if key not in oh:
                name = nnode.ptr.rsplit("/", 1)[-1]
                self.add("response-header-added", nnode.ptr,
                         f"response header `{name}` ({status}) added")  # fmt: skip

    def error_codes(self, onode: Node | None, nnode: Node | None) -> None:
        if not self.doc.both_have_taxonomies():
            return
        old = self.codes(self.doc.old, onode)
        new = self.codes(self.doc.new, nnode)
        for (code, status), ptr in old.items():
            if (code, status) not in new:
                self.add("response-error-code-removed", ptr,
                         f"no longer returns `{code}` with status {status}", old=True)  # fmt: skip
        for (code, status), ptr in new.items():
            if (code, status) not in old:
                self.add("response-error-code-added", ptr,
                         f"may now return `{code}` with status {status}")  # fmt: skip

    @staticmethod
    def codes(resolver: Resolver, responses: Node | None) -> dict[tuple[str, str], str]:
        """(code, status) → pointer, from the per-code examples of each problem response."""
        found: dict[tuple[str, str], str] = {}
        if responses is None:
            return found
        for status in _mapping(responses.value):
            if _is_success(status):
                continue
            resp, _ = resolver.resolve(responses.child(status))
            content = resp.get("content")
            if content is None:
                continue
            for mt in _mapping(content.value):
                examples = content.child(mt).get("examples")
                if examples is None:
                    continue
                for name in _mapping(examples.value):
                    example, _ = resolver.resolve(examples.child(name))
                    value = _mapping(_mapping(example.value).get("value"))
                    code = value.get("code", name)
                    found.setdefault((str(code), status), examples.child(name).ptr)
        return found

    # security

    def security(self) -> None:
        def effective(
            doc: Mapping[str, Any], op: _Op
        ) -> tuple[str, dict[frozenset[str], dict[str, set[str]]]]:
            if "security" in op.node.value:
                listed, ptr = op.node.value["security"], op.node.ptr + "/security"
            else:
                listed, ptr = doc.get("security"), "/security"
            alternatives: dict[frozenset[str], dict[str, set[str]]] = {}
            for requirement in listed if isinstance(listed, list) and listed else [{}]:
                req = _mapping(requirement)
                alternatives[frozenset(req)] = {k: set(v or ()) for k, v in req.items()}
            return ptr, alternatives

        _optr, old = effective(self.doc.od, self.o)
        nptr, new = effective(self.doc.nd, self.n)

        def name(key: frozenset[str]) -> str:
            return " + ".join(sorted(key)) if key else "anonymous access"

        for key, scopes in old.items():
            if key not in new:
                detail = " (the operation now requires authentication)" if not key else ""
                self.add("api-security-removed", nptr,
                         f"security alternative {name(key)} removed{detail}")  # fmt: skip
                continue
            for scheme, wanted in scopes.items():
                for scope in sorted(new[key].get(scheme, set()) - wanted):
                    self.add("api-security-scope-added", nptr,
                             f"{scheme} now also requires scope {scope!r}")  # fmt: skip
                for scope in sorted(wanted - new[key].get(scheme, set())):
                    self.add("api-security-scope-removed", nptr,
                             f"{scheme} no longer requires scope {scope!r}")  # fmt: skip
        for key in new:
            if key not in old:
                self.add("api-security-added", nptr, f"security alternative {name(key)} added")


def _param_schema(node: Node) -> Node | None:
    schema = node.get("schema")
    if schema is not None:
        return schema
    content = node.get("content")
    if content is not None and _mapping(content.value):
        first = next(iter(_mapping(content.value)))
        return content.child(first).get("schema")
    return None


def _number(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _pace(limit: Mapping[str, Any]) -> str:
    return f"{limit.get('limit')} per {limit.get('window')} s per {limit.get('key')}"


class _SemanticsDiff:
    """``x-synth-semantics``: what the contracts promise beyond the schemas."""

    def __init__(self, op: _OperationDiff) -> None:
        self.op = op
        self.old = _mapping(op.ov.get("x-synth-semantics"))
        self.new = _mapping(op.nv.get("x-synth-semantics"))
        self.ptr = op.n.node.ptr + "/x-synth-semantics"
        self.optr = op.o.node.ptr + "/x-synth-semantics"

    def run(self) -> None:
        if not self.old and not self.new:
            return
        # A document that never states semantics (any document synth did not write) promises
        # nothing beyond its schemas: no promise is added or removed by comparing with it.
        if not self.op.doc.semantics_stated:
            return
        # Tenant scoping is compared where both sides state it: an operation without it (in a
        # document synth did not write) claims neither.
        stated = "tenantScoped" in self.old and "tenantScoped" in self.new
        if stated and self.old["tenantScoped"] != self.new["tenantScoped"]:
            now = bool(self.new.get("tenantScoped"))
            self.op.add("tenant-scoping-changed", self.ptr + "/tenantScoped",
                        "became tenant-scoped" if now else
                        "no longer tenant-scoped: callers may see other tenants' objects")  # fmt: skip
        self.idempotency()
        self.pagination()
        self.conditional()
        self.rate_limit()

    def rate_limit(self) -> None:
        old, new = _mapping(self.old.get("rateLimit")), _mapping(self.new.get("rateLimit"))
        ptr = self.ptr + "/rateLimit"
        if not old and not new:
            return
        if not old:
            self.op.add("rate-limit-added", ptr,
                        f"became rate-limited: {_pace(new)}")  # fmt: skip
            return
        if not new:
            self.op.add("rate-limit-removed", self.optr + "/rateLimit",
                        f"no longer rate-limited (was {_pace(old)})", old=True)  # fmt: skip
            return
        if old.get("key") != new.get("key"):
            self.op.add("rate-limit-key-changed", ptr + "/key",
                        f"rate limit counted per {old.get('key')} now per {new.get('key')}")  # fmt: skip
        if old.get("name") != new.get("name"):
            self.op.add("rate-limit-name-changed", ptr + "/name",
                        f"policy {old.get('name')!r} renamed {new.get('name')!r}")  # fmt: skip
        olimit, owindow = _number(old.get("limit")), _number(old.get("window"))
        nlimit, nwindow = _number(new.get("limit")), _number(new.get("window"))
        if (olimit, owindow) == (nlimit, nwindow):
            return
        if nlimit < olimit or nlimit * owindow < olimit * nwindow:  # burst or pace fell
            self.op.add("rate-limit-tightened", ptr,
                        f"rate limit tightened from {_pace(old)} to {_pace(new)}")  # fmt: skip
        else:
            self.op.add("rate-limit-loosened", ptr,
                        f"rate limit loosened from {_pace(old)} to {_pace(new)}")  # fmt: skip

    def idempotency(self) -> None:
        old, new = self.old.get("idempotency"), self.new.get("idempotency")
        ptr = self.ptr + "/idempotency"
        if old is None and new is None:
            return
        if old is None:
            if _mapping(new).get("required"):
                self.op.add("idempotency-key-became-required", ptr,
                            "became idempotent with a required Idempotency-Key")  # fmt: skip
            else:
                self.op.add("idempotency-added", ptr, "became idempotent (key optional)")
            return
        if new is None:
            self.op.add("idempotency-removed", self.optr + "/idempotency",
                        "no longer idempotent: a retried request may act twice", old=True)  # fmt: skip
            return
        o, n = _mapping(old), _mapping(new)
        if o.get("header") != n.get("header"):
            self.op.add("idempotency-key-header-changed", ptr + "/header",
                        f"idempotency key header renamed from {o.get('header')!r} to "
                        f"{n.get('header')!r}")  # fmt: skip
        if bool(o.get("required")) != bool(n.get("required")):
            if n.get("required"):
                self.op.add("idempotency-key-became-required", ptr + "/required",
                            "the Idempotency-Key became required")  # fmt: skip
            else:
                self.op.add("idempotency-key-became-optional", ptr + "/required",
                            "the Idempotency-Key became optional")  # fmt: skip

    def pagination(self) -> None:
        old, new = self.old.get("pagination"), self.new.get("pagination")
        ptr = self.ptr + "/pagination"
        if old is None and new is None:
            return
        if old is None:
            self.op.add("pagination-added", ptr,
                        "became paginated: clients that do not follow next_cursor miss items")  # fmt: skip
            return
        if new is None:
            self.op.add("pagination-removed", self.optr + "/pagination",
                        "no longer paginated", old=True)  # fmt: skip
            return
        o, n = _mapping(old), _mapping(new)
        if list(o.get("order") or []) != list(n.get("order") or []):
            self.op.add("pagination-order-changed", ptr + "/order",
                        f"page order changed from {o.get('order')} to {n.get('order')}")  # fmt: skip
        for key in ("cursorParam", "limitParam"):
            if o.get(key) != n.get(key):
                self.op.add("pagination-cursor-param-changed", ptr + "/" + key,
                            f"{key} changed from {o.get(key)!r} to {n.get(key)!r}")  # fmt: skip
        self.page_limit(_mapping(o.get("limit")), _mapping(n.get("limit")), ptr + "/limit")
        if component_key(str(o.get("item"))) != component_key(str(n.get("item"))):
            self.op.add("pagination-item-changed", ptr + "/item",
                        f"page items changed from {o.get('item')!r} to {n.get('item')!r}")  # fmt: skip
        self.page_filters(o, n, ptr)
        self.page_style(o, n, ptr)
        self.page_sort(_mapping(o.get("sort")), _mapping(n.get("sort")), ptr + "/sort")

    def page_style(self, o: Mapping[str, Any], n: Mapping[str, Any], ptr: str) -> None:
        # Documents from before styles were declared are all cursor-paginated, with Page's fields.
        ostyle, nstyle = o.get("style", "cursor"), n.get("style", "cursor")
        if ostyle != nstyle:
            self.op.add("pagination-style-changed", ptr + "/style",
                        f"pagination style changed from {ostyle!r} to {nstyle!r}: clients "
                        "page another way")  # fmt: skip
        elif o.get("keyset") is True and n.get("keyset") is False:
            self.op.add("pagination-style-changed", ptr + "/keyset",
                        "Link headers no longer carry a keyset position: a walk is no longer "
                        "stable under inserts and deletes")  # fmt: skip
        if ostyle != nstyle:
            return  # the fields of another style are not renames
        defaults = {"itemsField": "items", "nextField": "next_cursor"} if ostyle == "cursor" else {}
        for key in ("itemsField", "nextField", "hasMoreField", "totalField", "beforeParam"):
            old, new = o.get(key, defaults.get(key)), n.get(key, defaults.get(key))
            if old is not None and old != new:
                self.op.add("pagination-field-renamed", ptr + "/" + key,
                            f"{key} changed from {old!r} to {new!r}")  # fmt: skip

    def page_sort(self, o: Mapping[str, Any], n: Mapping[str, Any], ptr: str) -> None:
        if not o and not n:
            return
        if not o:
            self.op.add("pagination-sort-added", ptr, f"takes sort parameter {n.get('param')!r}")
            return
        if not n:
            self.op.add("pagination-sort-removed", self.optr + "/pagination/sort",
                        f"sort parameter {o.get('param')!r} removed", old=True)  # fmt: skip
            return
        for key in ("param", "default"):
            if o.get(key) != n.get(key):
                self.op.add("pagination-sort-changed", ptr + "/" + key,
                            f"sort {key} changed from {o.get(key)!r} to {n.get(key)!r}")  # fmt: skip
        oorders, norders = _mapping(o.get("orders")), _mapping(n.get("orders"))
        for value, order in oorders.items():
            if value not in norders:
                self.op.add("pagination-sort-value-removed", self.optr + "/pagination/sort/orders",
                            f"sort value {value!r} removed", old=True)  # fmt: skip
            elif list(order or []) != list(norders[value] or []):
                self.op.add("pagination-sort-changed", ptr + "/orders",
                            f"sort value {value!r} now means {norders[value]} (was {order})")  # fmt: skip
        for value in norders:
            if value not in oorders:
                self.op.add("pagination-sort-value-added", ptr + "/orders",
                            f"sort value {value!r} added")  # fmt: skip

    def page_limit(self, olim: Mapping[str, Any], nlim: Mapping[str, Any], ptr: str) -> None:
        omax, nmax = olim.get("max"), nlim.get("max")
        if isinstance(omax, int) and isinstance(nmax, int) and omax != nmax:
            kind = "decreased" if nmax < omax else "increased"
            self.op.add(f"pagination-limit-max-{kind}", ptr + "/max",
                        f"largest page {kind} from {omax} to {nmax}")  # fmt: skip
        if olim.get("default") != nlim.get("default"):
            self.op.add("pagination-limit-default-changed", ptr + "/default",
                        f"default page size changed from {olim.get('default')} to "
                        f"{nlim.get('default')}")  # fmt: skip
        if olim.get("outOfRange") != nlim.get("outOfRange"):
            self.op.add("pagination-out-of-range-changed", ptr + "/outOfRange",
                        f"out-of-range limits now {nlim.get('outOfRange')!r} "
                        f"(was {olim.get('outOfRange')!r})")  # fmt: skip

    def page_filters(self, o: Mapping[str, Any], n: Mapping[str, Any], ptr: str) -> None:
        ofil = {str(_mapping(f).get("param")): _mapping(f) for f in o.get("filters") or []}
        nfil = {str(_mapping(f).get("param")): _mapping(f) for f in n.get("filters") or []}
        for param, spec in ofil.items():
            if param not in nfil:
                self.op.add("pagination-filter-removed", self.optr + "/pagination/filters",
                            f"filter `{param}` removed", old=True)  # fmt: skip
            elif canonical(spec) != canonical(nfil[param]):
                self.op.add("pagination-filter-changed", ptr + "/filters",
                            f"filter `{param}` changed from {spec.get('field')} "
                            f"{spec.get('op')} to {nfil[param].get('field')} "
                            f"{nfil[param].get('op')}")  # fmt: skip
        for param in nfil:
            if param not in ofil:
                self.op.add("pagination-filter-added", ptr + "/filters", f"filter `{param}` added")

    def conditional(self) -> None:
        o = _mapping(self.old.get("conditional"))
        n = _mapping(self.new.get("conditional"))
        ptr = self.ptr + "/conditional"
        if bool(o.get("etag")) != bool(n.get("etag")):
            if n.get("etag"):
                self.op.add("conditional-etag-added", ptr, "now returns an ETag")
            else:
                self.op.add("conditional-etag-removed", ptr,
                            "no longer returns an ETag: conditional GETs stop working")  # fmt: skip
        om, nm = o.get("ifMatch"), n.get("ifMatch")
        if om == nm:
            return
        if nm == "required":
            self.op.add("conditional-if-match-became-required", ptr + "/ifMatch",
                        "If-Match became required")  # fmt: skip
        elif nm is None:
            self.op.add("conditional-if-match-removed", ptr,
                        "If-Match no longer honoured: lost-update protection is gone")  # fmt: skip
        elif om is None:
            self.op.add("conditional-if-match-added", ptr + "/ifMatch", "If-Match accepted")
        else:
            self.op.add("conditional-if-match-became-optional", ptr + "/ifMatch",
                        "If-Match became optional")  # fmt: skip
