"""Fresh values for fields declared ``Unique()``: a run never sends one value twice.

A server keeps such a field unique within its scope and answers a duplicate with a 409, so a
body whose unique field repeats a value sent earlier in the run (Hypothesis draws ``A0`` for
many examples) would be refused for the repeat, not for what a check is about. ``Context``
gives each body it sends fresh values in its unique fields, once per body: one body sent
several times (a replay, concurrent requests) stays the same body.

The values are not drawn from Hypothesis: whether a value is fresh depends on what the run
sent before, and a strategy that depended on it would make Hypothesis report its own test as
flaky. They come from a random generator seeded by the run's seed, from the field's JSON
Schema (``rstr`` turns a ``pattern`` into matching strings), and each candidate is kept only
if the contract's own model accepts the body with it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import random
import re
import string
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import rstr
from pydantic import BaseModel

from ..contract._models import UNIQUE_KEYWORD
from ..spec import ApiSpec
from ._data import Schemas, accepts

__all__ = ["Fresh", "fixed_reason"]

_REF = "#/components/schemas/"
# Candidates tried for one field before its drawn value is sent as it is.
_TRIES = 50
_ALPHABET = string.ascii_lowercase + string.digits
# Integers without bounds come from here: inside a 32-bit column.
_INT_RANGE = (1, 2**31 - 1)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# Integer ranges this small are drawn from their unused values, not at random.
_SMALL_RANGE = 10_000


def fixed_reason(schemas: Schemas, schema: Mapping[str, Any]) -> str | None:
    """Why a field with this schema cannot take a fresh value in each example, or None."""
    schema = _value_branch(schemas, schema)
    if "enum" in schema or "const" in schema:
        return "it takes only the values listed in its schema"
    kind = schema.get("type")
    if kind == "boolean":
        return "a boolean has two values only"
    if kind in {"object", "array", "null"} or kind is None:
        return f"synth makes fresh values for strings and numbers only, not {kind or 'any type'}"
    return None


def unique_notes(api: ApiSpec, schemas: Schemas) -> list[str]:
    """One line per field declared ``Unique()`` that cannot take fresh values, and why."""
    lines = []
    for op in api.operations:
        if op.body_schema is None:
            continue
        props = schemas.properties(op.body_schema)
        for field in op.unique:
            why = fixed_reason(schemas, props.get(field, {}))
            if why is not None:
                lines.append(
                    f"  unique field {op.body_schema}.{field} of {op.operation_id} cannot take a "
                    f"fresh value in every example ({why}): fixtures that repeat it are set aside "
                    "when the server answers its 409"
                )
        for where in _nested_unique(schemas, op.body_schema):
            lines.append(
                f"  unique field {where} in the body of {op.operation_id} is not varied: synth "
                "makes fresh values for the body's own fields only; fixtures that repeat it are "
                "set aside when the server answers its 409"
            )
    return lines


def _nested_unique(schemas: Schemas, component: str) -> list[str]:
    """``Model.field`` for each field declared ``Unique()`` inside the body, not at its top."""
    found: list[str] = []
    seen: set[str] = {component}

    def visit(schema: Any, top: bool) -> None:
        if not isinstance(schema, Mapping):
            return
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(_REF) and ref[len(_REF) :] not in seen:
            name = ref[len(_REF) :]
            seen.add(name)
            for field, sub in schemas.components[name].get("properties", {}).items():
                if _marked(sub):
                    found.append(f"{name}.{field}")
                visit(sub, top=False)
            return
        for key in ("items", "additionalProperties"):
            visit(schema.get(key), top=False)
        for branch in [
            *schema.get("anyOf", ()),
            *schema.get("oneOf", ()),
            *schema.get("allOf", ()),
        ]:
            visit(branch, top=top)
        if not top:
            for sub in schema.get("properties", {}).values():
                visit(sub, top=False)

    for sub in schemas.components[component].get("properties", {}).values():
        visit(sub, top=False)
    return found


def _marked(schema: Any) -> bool:
    if not isinstance(schema, Mapping):
        return False
    if schema.get(UNIQUE_KEYWORD) is True:
        return True
    return any(_marked(b) for b in schema.get("anyOf", ()))


class Fresh:
    """Values never sent before in this run, per field name; shared by every check."""

    def __init__(self, schemas: Schemas, seed: int | None, salt: str = "") -> None:
        self.schemas = schemas
        self._seed = seed
        # The run's id: a run repeated with its seed against a server that kept the last
        # one's data makes values of its own (an upsert's ids: the same ones would replace
        # the last run's items, as the same markers would find them).
        self._salt = salt
        self._random = random.Random(seed)
        self._rstr = rstr.Rstr(self._random)
        self._used: defaultdict[str, set[str]] = defaultdict(set)
        self._lock = threading.Lock()
        # The values the run's other worker processes sent (``share``), read up to here.
        self._shared: Path | None = None
        self._read = 0
        self._added: list[tuple[str, str]] = []

    def share(self, folder: str | Path) -> None:
        """Keep the values fresh across the run's worker processes, through a record in the
        run's folder: each process draws from a seed of its own, and a short value (a key of
        two characters: ``^[A-Z][A-Z0-9]{1,9}$``) drawn in two of them was refused by the
        server the second time, as a duplicate of the other tenant's item or of its own."""
        self._shared = Path(folder) / "fresh-values"
        self._shared.touch()

    @contextmanager
    def _taking(self) -> Iterator[None]:
        """The thread's and the run's lock on the values, with what other processes sent
        since the last time read into ``_used``; what ``_use`` adds meanwhile is recorded."""
        with self._lock:
            if self._shared is None:
                yield
                return
            with self._shared.open("a+", encoding="utf-8") as record:
                fcntl.flock(record, fcntl.LOCK_EX)  # let go as the file closes
                record.seek(self._read)
                for line in record.read().splitlines():
                    name, _, key = line.partition("\t")
                    self._used[name].add(key)
                try:
                    yield
                finally:
                    if self._added:
                        record.write("".join(f"{name}\t{key}\n" for name, key in self._added))
                        record.flush()
                        self._added.clear()
                    self._read = record.tell()

    def _use(self, name: str, key: str) -> None:
        self._used[name].add(key)
        if self._shared is not None:
            self._added.append((name, key))

    def reseed(self, check: str) -> None:
        """Draw from the run's seed and ``check`` from here on: with ``--seed``, what a check
        sends does not depend on which checks ran before it in its process (``--workers``)."""
        if self._seed is not None:
            digest = hashlib.sha256(f"{self._seed}:{self._salt}:{check}".encode()).digest()
            with self._lock:
                self._random.seed(int.from_bytes(digest[:8], "big"))

    def value(
        self, model: type[BaseModel], component: str, field: str, body: Mapping[str, Any]
    ) -> Any | None:
        """A value for ``body[field]`` not used before in this run that ``model`` accepts in
        ``body``, or None when none was found."""
        schema = self.schemas.properties(component).get(field, {})
        if fixed_reason(self.schemas, schema) is not None:
            return None
        with self._taking():
            used = self._used[field]
            for _ in range(_TRIES):
                candidate = self._candidate(
                    _value_branch(self.schemas, schema), body.get(field), used
                )
                if candidate is None:
                    return None
                key = json.dumps(candidate, sort_keys=True)
                if key in used or not accepts(model, {**body, field: candidate}):
                    continue
                self._use(field, key)
                return candidate
        return None

    def path_value(
        self, key: str, schema: Mapping[str, Any], accepts: Callable[[Any], bool]
    ) -> str | None:
        """Text for a path parameter (``key`` names it) not used before in this run, whose
        value ``accepts`` takes, or None when none was found: an id a client chooses for a
        new item (an upsert), the same on a replay of the example, new in every example."""
        schema = _value_branch(self.schemas, schema)
        if fixed_reason(self.schemas, schema) is not None:
            return None
        with self._taking():
            used = self._used[f"path {key}"]
            for _ in range(_TRIES):
                candidate = self._candidate(schema, None, used)
                if candidate is None:
                    return None
                text = candidate if isinstance(candidate, str) else json.dumps(candidate)
                key_text = json.dumps(candidate, sort_keys=True)
                if key_text in used or not text or "/" in text or not accepts(candidate):
                    continue
                self._use(f"path {key}", key_text)
                return text
        return None

    def refreshed(self, model: type[BaseModel], component: str, body: Any) -> Any:
        """``body`` with a fresh value in every field that takes one (free text keeps its
        text, run marker included, and gains a fresh word): a retry after an undeclared
        uniqueness conflict."""
        if not isinstance(body, dict):
            return body
        out = dict(body)
        for field in body:
            value = self.value(model, component, field, out)
            if value is not None:
                out[field] = value
        return out

    def _candidate(self, schema: Mapping[str, Any], current: Any, used: set[str]) -> Any:
        kind = schema.get("type")
        if kind == "string":
            return self._string(schema, current)
        if kind in {"integer", "number"}:
            return self._number(schema, used, integer=kind == "integer")
        return None

    def _string(self, schema: Mapping[str, Any], current: Any) -> str | None:
        pattern, fmt = schema.get("pattern"), schema.get("format")
        if isinstance(pattern, str):
            try:
                return self._rstr.xeger(pattern)
            except (re.error, ValueError, TypeError, KeyError):
                return None  # a pattern Python's re cannot read: no fresh value
        word = "".join(self._random.choices(_ALPHABET, k=12))
        if fmt in _FORMATS:
            return _FORMATS[fmt](self._random, word)
        lo = schema.get("minLength", 1)
        hi = schema.get("maxLength", 200)
        if isinstance(current, str) and current and fmt is None:
            # Free text keeps its words (a run marker, say) and gains a fresh one.
            text = f"{current} {word}"
            if len(text) <= hi:
                return text
            keep = hi - len(word) - 1
            return f"{current[:keep]} {word}" if keep > 0 else word[:hi]
        length = max(lo, min(hi, len(word)))
        return "".join(self._random.choices(_ALPHABET, k=length))

    def _number(
        self, schema: Mapping[str, Any], used: set[str], *, integer: bool
    ) -> int | float | None:
        lo, hi = _INT_RANGE
        if isinstance(schema.get("minimum"), int | float):
            lo = schema["minimum"]
        if isinstance(schema.get("exclusiveMinimum"), int | float):
            lo = schema["exclusiveMinimum"] + (1 if integer else 1e-6)
        if isinstance(schema.get("maximum"), int | float):
            hi = schema["maximum"]
        if isinstance(schema.get("exclusiveMaximum"), int | float):
            hi = schema["exclusiveMaximum"] - (1 if integer else 1e-6)
        if lo > hi:
            return None
        if not integer:
            return round(self._random.uniform(lo, hi), 6)
        step = schema.get("multipleOf")
        step = step if isinstance(step, int) and step > 0 else 1
        first, last = -(-int(lo) // step), int(hi) // step
        if first > last:
            return None
        if last - first < _SMALL_RANGE:
            # A small range is used up value by value: draw among those not used yet.
            left = [n * step for n in range(first, last + 1) if str(n * step) not in used]
            return self._random.choice(left) if left else None
        return self._random.randint(first, last) * step


_FORMATS: dict[str, Callable[[random.Random, str], str]] = {
    "email": lambda _, word: f"{word}@example.com",
    "uuid": lambda rng, _: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    "date-time": lambda rng, _: (
        (_EPOCH + timedelta(seconds=rng.randrange(10**9))).isoformat().replace("+00:00", "Z")
    ),
    "date": lambda rng, _: (_EPOCH + timedelta(days=rng.randrange(20_000))).date().isoformat(),
    "uri": lambda _, word: f"https://example.com/{word}",
}


def _value_branch(schemas: Schemas, schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """The schema itself, or for ``anyOf [T, null]`` the branch that is not null."""
    schema = schemas.resolve(schema)
    branches = [schemas.resolve(b) for b in schema.get("anyOf", ())]
    values = [b for b in branches if b.get("type") != "null"]
    return values[0] if len(values) == 1 and "type" not in schema else schema
