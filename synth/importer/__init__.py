"""``synth import``: an OpenAPI document as a contract package, the adoption path for an
existing API.

    reading      the document (3.0 upgraded, other files bundled, validated) and ``--out``
    models       the component schemas through datamodel-code-generator, on synth's bases
    operations   each operation in the contract language, semantics from ``x-synth-semantics``
                 or inferred and marked for review
    render       the package's modules

Nothing is written until the whole package is built and loads as contracts; what it could not
carry is listed per operation and schema, in the result and as comments in the package.
"""

from __future__ import annotations

import copy
import http
import re
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import ContractError, InputError, UsageError
from ..document import build
from ..loader._taxonomy import ERROR_CODE
from ..spec import ApiSpec
from ._models import Notes, models_source, request_schemas, response_schemas
from ._operations import IMPLIED_CODES, METHODS, Operation, operation, problem_examples, snake
from ._patterns import drop_uncarried_patterns
from ._reading import base_path_and_servers, check_out, follow_part_refs, read
from ._render import api_module, constant, init_module, operations_module
from ._wayback import way_back

__all__ = ["Imported", "import_document"]

# The status each code synth implies has (as synth's loader suggests it).
_IMPLIED_STATUS = {
    "idempotency_key_missing": 400, "idempotency_key_reused": 422, "idempotency_key_in_use": 409,
    "invalid_cursor": 400, "unauthenticated": 401, "not_found": 404, "validation_failed": 422,
    "invalid_request": 400, "precondition_failed": 412, "precondition_required": 428,
    "internal_error": 500,
}  # fmt: skip
# The code an error status gets when the document names none (the first code of that status).
_BY_STATUS = {
    400: "invalid_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 410: "gone", 412: "precondition_failed",
    413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_failed",
    428: "precondition_required", 429: "rate_limited", 500: "internal_error",
    502: "bad_gateway", 503: "service_unavailable", 504: "gateway_timeout",
}  # fmt: skip
_ATTEMPTS = 12


@dataclass
class Imported:
    """What ``synth import`` wrote and what it could not carry."""

    files: list[str]
    operations: int
    skipped: int
    notes: Notes = field(default_factory=Notes)
    # What openapi-spec-validator found wrong in the document, each read as described.
    findings: list[str] = field(default_factory=list)


def import_document(source: Path, out: Path, *, force: bool = False) -> Imported:
    """Write the contract package for the document ``source`` into ``out``."""
    check_out(out, force)
    findings: list[str] = []
    document = read(source, findings)
    original = copy.deepcopy(document)  # as read, for the way back
    follow_part_refs(document)
    notes = Notes()
    synth_own = "x-synth-errors" in document
    _hoist_inline(document, notes)
    drop_uncarried_patterns(document, notes)
    request = request_schemas(document)
    models = models_source(
        document, request, notes, synth_own=synth_own, response=response_schemas(document)
    )
    errors, inferred_errors = _taxonomy(document, synth_own)
    taxonomy = {e["code"]: constant(e["code"]) for e in errors}
    for e in reversed(errors):  # a status's own code stands for it, else its first code
        status = int(e["status"])
        if _BY_STATUS.get(status, e["code"]) == e["code"] or f"status:{status}" not in taxonomy:
            taxonomy[f"status:{status}"] = e["code"]
    auth, auth_import = _auth(document, notes)
    base_path, servers = base_path_and_servers(document)
    tenant_param = next(
        (
            op["x-synth-semantics"]["tenantParam"]
            for item in document["paths"].values()
            for op in item.values()
            if isinstance(op, dict) and "tenantParam" in (op.get("x-synth-semantics") or {})
        ),
        None,
    )
    request_id = next(
        (
            op["x-synth-semantics"]["requestId"]
            for item in document["paths"].values()
            for op in item.values()
            if isinstance(op, dict)
            and isinstance((op.get("x-synth-semantics") or {}).get("requestId"), dict)
        ),
        None,
    )
    global_security = document.get("security")
    ops: list[Operation] = []
    total = 0
    for path, item in document["paths"].items():
        if not isinstance(item, dict):
            continue
        for method, op in item.items():
            if method in ("parameters", "summary", "description", "servers", "$ref") or \
                    method.startswith("x-"):  # fmt: skip
                continue
            total += 1
            where = f"{method.upper()} {path}"
            if method not in METHODS:
                notes.lose(where, f"the {method.upper()} method (a contract declares GET, POST, "
                           "PUT, PATCH and DELETE; a server answers HEAD and OPTIONS itself)")  # fmt: skip
                continue
            security = op.get("security", global_security)
            secured = bool(security) and all(bool(req) for req in security)
            built = operation(
                method, path, op, item.get("parameters") or [], models.names, notes, taxonomy,
                secured=secured, classes=models.classes, base_path=base_path,
                components=document.get("components", {}).get("schemas", {}),
            )  # fmt: skip
            if built is not None:
                ops.append(built)
    for key in ("webhooks", "callbacks"):
        if document.get(key):
            notes.lose("document", f"`{key}` (a contract declares no {key})")
    files = {
        "__init__.py": init_module(source.name),
        "api.py": api_module(
            source.name,
            document,
            base_path=base_path,
            servers=servers,
            auth=auth,
            auth_import=auth_import,
            tenant_param=tenant_param,
            request_id=request_id,
            errors=errors,
            error_type_base=_type_base(errors),
            notes=notes,
            inferred_errors=inferred_errors,
        ),
        "models.py": _models_file(source.name, models.source, notes),
    }
    ops, spec = _loadable(source.name, files, ops, notes)
    if spec is None:
        raise InputError(
            f"{source}: no operation could be written as a contract ({total} in the document); "
            + _lost_summary(notes)
        )
    _way_back(original, build(spec), ops, notes)
    files["operations.py"] = operations_module(source.name, ops, notes)
    _write(files, out)
    return Imported(sorted(files), len(ops), total - len(ops), notes, findings)


# What a change on the way back says the contract language cannot carry, by its rule and
# direction (True: from the document to the package); the other changes follow from a
# construct listed where it was read.
_CAUSES = {
    ("response-non-success-status-added", True): (
        "its error answers: a contract answers errors as RFC 9457 problem details and declares "
        "those its semantics imply (422 for input, 500, 401 with credentials, 404 by id)"
    ),
    ("request-body-additional-properties-tightened", True): (
        "a request body open to unknown properties (a contract's request models refuse them)"
    ),
    ("request-property-additional-properties-tightened", True): (
        "a request object open to unknown properties (a contract's request models refuse them)"
    ),
}


# The headers synth declares for an operation's semantics, named in a change's message.
_MANAGED_HEADER = re.compile(
    r"header (?:parameter )?`(?:Idempotency-Key|If-Match|If-None-Match|ETag|Idempotent-Replayed)`",
    re.IGNORECASE,
)


def _way_back(
    original: dict[str, Any], again: dict[str, Any], ops: list[Operation], notes: Notes
) -> None:
    """Each breaking change synth diff finds between the document and the package's, either
    way: a note, and a comment over the operation it concerns (the others head
    operations.py)."""
    comments: dict[str, list[str]] = {}
    for shown, what, where, rule, forth in way_back(original, again):
        notes.change(shown, what)
        comments.setdefault(where, []).append(f"# synth import: changed on the way back: {what}")
        cause = _CAUSES.get((rule, forth))
        if cause is None and "(application/problem+json)" in what:
            cause = (
                "its problem answers' schema (a contract's problem answers are synth's "
                "`Problem`: type, title, status, detail, instance, code and errors)"
            )
        if cause is None and _MANAGED_HEADER.search(what):
            cause = (
                "the headers of its semantics as the document writes them (a contract's are "
                "synth's: an Idempotency-Key of 1 to 255 characters, If-Match, ETag, "
                "Idempotent-Replayed on a replay)"
            )
        if cause is not None and (where or "api", cause) not in notes.lost:
            notes.lose(where or "api", cause)
            comments.setdefault(where, []).insert(0, f"# synth import: not carried: {cause}")
    for op in ops:
        if op.where in comments:
            op.text = "\n".join([*comments[op.where], op.text])


def _lost_summary(notes: Notes) -> str:
    shown = "; ".join(f"{w}: {x}" for w, x in notes.lost[:5])
    return f"not carried: {shown}" if shown else "see the document's operations"


def _models_file(source: str, text: str, notes: Notes) -> str:
    lost = [
        f"# synth import: not carried: {w}: {x}" for w, x in notes.lost if w.startswith("schema ")
    ]
    head = f'"""The request and response models.\n\nImported by `synth import` from {source} ' \
        "(the schemas through datamodel-code-generator); this is now the contract: edit it, " \
        'then run `synth generate`.\n"""\n\n'  # fmt: skip
    return head + ("\n".join(lost) + "\n\n" if lost else "") + text


def _write(files: Mapping[str, str], out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            tmp = out / f".{name}.tmp"
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(out / name)
    except OSError as exc:
        raise UsageError(
            f"--out {out}: cannot write there ({exc}); name a folder you can write"
        ) from None


def _loadable(
    source: str, files: dict[str, str], ops: list[Operation], notes: Notes
) -> tuple[list[Operation], ApiSpec | None]:
    """The operations whose contract loads, and what it loads as (None when no operation is
    left): each one synth's loader refuses is left out, with its problem; a refusal
    elsewhere is a bug in this command."""
    from ..loader import load

    for _ in range(_ATTEMPTS):
        if not ops:
            return ops, None
        with tempfile.TemporaryDirectory(prefix="synth-import-") as tmp:
            root = Path(tmp)
            # Unformatted: black takes minutes on a large API, and the loader needs no layout.
            text = operations_module(source, ops, notes, formatted=False)
            for name, body in {**files, "operations.py": text}.items():
                (root / name).write_text(body, encoding="utf-8")
            try:
                # Pydantic's notes on the models (a default it cannot serialize, say) are
                # for `synth generate` to show; this load only asks whether the package loads.
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    spec = load(root)
                return ops, spec
            except ContractError as exc:
                refused = _refused(exc, text, ops)
                if not refused:
                    raise InputError(
                        f"{source}: the imported package does not load as contracts, "
                        f"which is a bug in synth import: {exc}"
                    ) from None
                dropped = set()
                for op, message in refused.items():
                    if op.unpaged is not None:  # its inferred pagination first
                        what = f"the pagination its parameters and page suggest, refused by " \
                            f"synth's loader: {message}" + _paging_hint(message)  # fmt: skip
                        notes.lose(op.where, what)
                        notes.inferred[:] = [
                            (w, x) for w, x in notes.inferred
                            if not (w == op.where and "pagination from its parameters" in x)
                        ]  # fmt: skip
                        op.unpaged.text = f"# synth import: not carried: {what}\n{op.unpaged.text}"
                        ops[ops.index(op)] = op.unpaged
                        continue
                    if op.plain:  # its examples first: the operation may stand without them
                        notes.lose(op.where, f"its examples, refused by synth's loader: {message}")
                        op.text, op.plain = op.plain, ""
                    else:
                        notes.lose(op.where, f"refused by synth's loader: {message}")
                        dropped.add(op.name)
                ops = [op for op in ops if op.name not in dropped]
    raise InputError(
        f"{source}: the imported package still does not load as contracts after leaving out "
        f"what synth refused {_ATTEMPTS} times, which is a bug in synth import"
    )


def _paging_hint(message: str) -> str:
    """What to change in the document for the pagination to be read, where the loader's
    message shows it."""
    if "MISSING" in message and "next_field" in message:
        return (
            " (the page leaves its next field out instead of answering null at the end: "
            "list it under `required` and make it nullable, then import again)"
        )
    return ""


def _refused(exc: ContractError, text: str, ops: list[Operation]) -> dict[Operation, str]:
    """Each operation a problem of ``exc`` points into: a line of its decorator, signature or
    docstring in operations.py, or its function's name in the message."""
    lines = text.splitlines()
    defs: dict[str, int] = {}
    for n, line in enumerate(lines, 1):
        if line.startswith("def "):
            defs.setdefault(line[4:].split("(", 1)[0], n)
    spans: list[tuple[int, int, Operation]] = []
    for op in ops:
        end = defs[op.name]
        start = end
        while start > 1 and lines[start - 2].strip() != "":
            start -= 1
        stop = end
        while stop < len(lines) and lines[stop].startswith("    "):
            stop += 1
        spans.append((start, stop, op))
    refused: dict[Operation, str] = {}
    for problem in str(exc).splitlines()[1:]:
        m = re.search(r"operations\.py:(\d+): (.*)", problem)
        if m:
            number = int(m.group(1))
            owner = next((op for a, b, op in spans if a <= number <= b), None)
            if owner is not None:  # else not an operation's: seen again if it stays
                refused.setdefault(owner, m.group(2))
    return refused


def _hoist_inline(  # noqa: PLR0912 (bodies and answers, objects and arrays of them)
    document: dict[str, Any], notes: Notes
) -> None:
    """An inline object schema of a body or a success response becomes a named component
    (the operation's name), so a model can declare it."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for path, item in document["paths"].items():
        for method, op in (item or {}).items():
            if method not in METHODS or not isinstance(op, dict):
                continue
            stem = "".join(w[:1].upper() + w[1:] for w in snake(
                str(op.get("operationId") or f"{method}_{path}")).split("_"))  # fmt: skip
            places = [(op.get("requestBody") or {}, "Body")]
            for status, response in (op.get("responses") or {}).items():
                if str(status).startswith("2") and isinstance(response, dict):
                    places.append(
                        (response, "Response" if status == "200" else f"Response{status}")
                    )
            for holder, suffix in places:
                for media in (holder.get("content") or {}).values():
                    schema = media.get("schema") if isinstance(media, dict) else None
                    if not isinstance(schema, dict) or "$ref" in schema:
                        continue
                    target = schema
                    wrap = None
                    if schema.get("type") == "array" and isinstance(schema.get("items"), dict) \
                            and "$ref" not in schema["items"]:  # fmt: skip
                        target, wrap = schema["items"], schema
                    if target.get("type") != "object" and "properties" not in target:
                        continue
                    name = stem + suffix + ("Item" if wrap else "")
                    while name in schemas:
                        name += "_"
                    schemas[name] = copy.deepcopy(target)
                    ref = {"$ref": f"#/components/schemas/{name}"}
                    if wrap is not None:
                        wrap["items"] = ref
                    else:
                        media["schema"] = ref
                    notes.infer(f"{method.upper()} {path}", f"the model name {name} for an "
                                "inline schema")  # fmt: skip


def _taxonomy(document: Mapping[str, Any], synth_own: bool) -> tuple[list[dict[str, Any]], bool]:
    if synth_own:
        return [dict(e) for e in document["x-synth-errors"]], False
    statuses = sorted({
        int(s)
        for item in document["paths"].values() if isinstance(item, dict)
        for op in item.values() if isinstance(op, dict)
        for s in (op.get("responses") or {})
        if str(s).isdigit() and int(s) >= 400
    })  # fmt: skip
    codes: dict[str, int] = dict(_IMPLIED_STATUS)
    said: dict[str, tuple[Any, Any]] = {}  # code -> its example's title, its answer's description
    # The codes the document's problem answers name in their examples, with their statuses.
    for item in document["paths"].values():
        for op in (item or {}).values() if isinstance(item, dict) else ():
            for status, response in ((op or {}).get("responses") or {}).items() \
                    if isinstance(op, dict) else ():  # fmt: skip
                for example in problem_examples(response):
                    code = example.get("code")
                    if (
                        str(status).isdigit()
                        and isinstance(code, str)
                        and ERROR_CODE.fullmatch(code)
                    ):
                        codes.setdefault(code, int(status))
                        said.setdefault(code, (example.get("title"), response.get("description")))
    for status in statuses:
        code = _BY_STATUS.get(status, f"error_{status}")
        codes.setdefault(code, status)
        if codes[code] != status:
            codes[f"error_{status}"] = status
    errors = []
    for code, status in sorted(codes.items(), key=lambda kv: (kv[1], kv[0])):
        try:
            title = http.HTTPStatus(status).phrase
        except ValueError:
            title = code.replace("_", " ").capitalize()
        if code in IMPLIED_CODES:
            title = code.replace("_", " ").capitalize()
        given, description = said.get(code, (None, None))
        title = given if isinstance(given, str) and given.strip() else title
        if not isinstance(description, str) or not description.strip():
            description = title + "."
        errors.append({"code": code, "status": status, "title": title, "description": description})
    return errors, True


def _type_base(errors: list[dict[str, Any]]) -> str | None:
    for e in errors:
        t = e.get("type")
        if isinstance(t, str) and t.endswith(e["code"]):
            return t[: -len(e["code"])]
    return None


def _auth(document: Mapping[str, Any], notes: Notes) -> tuple[str | None, str | None]:
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    if not schemes:
        notes.lose("api", "no security scheme in the document; synth declares a bearer token")
        return None, None
    chosen = next(
        (n for req in document.get("security") or [] for n in req if n in schemes),
        next(iter(schemes)),
    )
    s = schemes[chosen]
    others = [n for n in schemes if n != chosen]
    if others:
        notes.lose("api", f"security schemes {', '.join(others)} (a contract has one: {chosen})")
    desc = f", description={s['description']!r}" if s.get("description") else ""
    if s.get("type") == "http" and str(s.get("scheme", "")).lower() == "bearer":
        fmt = f", bearer_format={s['bearerFormat']!r}" if s.get("bearerFormat") else ""
        return f"Bearer(scheme_name={chosen!r}{desc}{fmt})", "Bearer"
    if s.get("type") == "apiKey" and str(s.get("name", "")).lower() == "authorization":
        notes.lose("api", f"security scheme {chosen}: a key in the `Authorization` header with "
                   "its own prefix; declared as a bearer token")  # fmt: skip
        return f"Bearer(scheme_name={chosen!r}{desc})", "Bearer"
    if s.get("type") == "apiKey" and s.get("in") == "header":
        return f"ApiKey(header={s.get('name')!r}, scheme_name={chosen!r}{desc})", "ApiKey"
    if s.get("type") == "apiKey" and s.get("in") == "cookie":
        return f"Cookie(name={s.get('name')!r}, scheme_name={chosen!r}{desc})", "Cookie"
    kind = f"{s.get('type')} {s.get('scheme') or s.get('in') or ''}".strip()
    notes.lose("api", f"security scheme {chosen} ({kind}; synth declares a bearer token, an API "
               "key header or a cookie)")  # fmt: skip
    return None, None
