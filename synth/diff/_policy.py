"""Which breaking changes fail: acknowledgements and the API's major version.

Acknowledgements live in a TOML file, ``contracts/breaking-changes.toml`` by default, beside
the contracts they excuse::

    [[acknowledged]]
    rule = "request-property-became-required"
    location = "/components/schemas/ContactCreate/properties/email"
    operation = "createContact"        # optional: operationId or "POST /contacts"
    reason = "no deployed client creates contacts yet"
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .._errors import InputError
from ._model import Change
from ._rules import RULES, Level

__all__ = ["ACK_FILE", "Ack", "Report", "apply", "load_acks", "major"]

ACK_FILE = "breaking-changes.toml"
_KEYS = {"rule", "location", "operation", "reason"}
_MAJOR = re.compile(r"^\s*v?(\d+)(?:[.\-+]|$)")


@dataclass(frozen=True, slots=True)
class Ack:
    """One acknowledged breaking change: a rule at a location, maybe for one operation."""

    rule: str
    location: str
    reason: str
    operation: str | None = None

    def matches(self, change: Change) -> bool:
        if change.rule != self.rule or change.location != self.location:
            return False
        if self.operation is None:
            return True
        op = change.operation
        if op is None:
            return False
        names = {op.operation_id, f"{op.method.upper()} {op.path}"}
        return self.operation in names

    def to_toml(self) -> str:
        lines = [
            "[[acknowledged]]",
            f"rule = {_quote(self.rule)}",
            f"location = {_quote(self.location)}",
        ]
        if self.operation:
            lines.append(f"operation = {_quote(self.operation)}")
        lines.append(f"reason = {_quote(self.reason)}")
        return "\n".join(lines)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def suggestion(change: Change) -> Ack:
    """The entry that would acknowledge ``change``, for people to paste."""
    op = change.operation.operation_id if change.operation else None
    return Ack(change.rule, change.location, "why existing clients are not affected", op)


def load_acks(path: Path) -> tuple[Ack, ...]:
    """Read an acknowledgements file; any mistake in it is an ``InputError``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"--ack {path}: no such file; create it (see docs/diff.md) or leave --ack out"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc}); fix the file") from None
    unknown = set(data) - {"acknowledged"}
    if unknown:
        raise InputError(
            f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))}; the file holds "
            "only [[acknowledged]] entries"
        )
    entries = data.get("acknowledged", [])
    if not isinstance(entries, list):
        raise InputError(f"{path}: `acknowledged` must be an array of tables: [[acknowledged]]")
    return tuple(_ack(path, index, entry) for index, entry in enumerate(entries, 1))


def _ack(path: Path, index: int, entry: object) -> Ack:
    where = f"{path}: [[acknowledged]] #{index}"
    if not isinstance(entry, dict):
        raise InputError(f"{where}: not a table")
    extra = set(entry) - _KEYS
    if extra:
        raise InputError(f"{where}: unknown key(s) {', '.join(sorted(extra))}; "
                         f"allowed: {', '.join(sorted(_KEYS))}")  # fmt: skip
    for key in ("rule", "location", "reason"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise InputError(f"{where}: `{key}` is missing or empty; give rule, location and "
                             "the reason existing clients are not affected")  # fmt: skip
    rule_id = entry["rule"]
    if rule_id not in RULES:
        close = difflib.get_close_matches(rule_id, list(RULES), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else "; `synth diff` prints the rule ids"
        raise InputError(f"{where}: rule={rule_id!r} is not a rule id{hint}")
    if RULES[rule_id].level is not Level.BREAKING:
        raise InputError(f"{where}: rule={rule_id!r} is not breaking; only breaking changes "
                         "need acknowledging")  # fmt: skip
    if not entry["location"].startswith("/"):
        raise InputError(f"{where}: location={entry['location']!r} is not a JSON pointer "
                         "(it starts with '/'); copy it from `synth diff`")  # fmt: skip
    operation = entry.get("operation")
    if operation is not None and not isinstance(operation, str):
        raise InputError(f"{where}: `operation` must be a string (an operationId)")
    return Ack(rule_id, entry["location"], entry["reason"].strip(), operation)


def major(version: str | None) -> int | None:
    """The semver major of ``info.version`` (``v2``, ``2.1``, ``2.1.0-rc1``); ``None`` if none."""
    if version is None:
        return None
    found = _MAJOR.match(version)
    return int(found.group(1)) if found else None


@dataclass(frozen=True, slots=True)
class Report:
    """A classified diff and the verdict: does it fail?"""

    old_label: str
    new_label: str
    old_version: str | None
    new_version: str | None
    changes: tuple[Change, ...]
    unused_acks: tuple[Ack, ...] = ()

    @property
    def major_bump(self) -> bool:
        old, new = major(self.old_version), major(self.new_version)
        return old is not None and new is not None and new > old

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.breaking)

    @property
    def failing(self) -> tuple[Change, ...]:
        if self.major_bump:
            return ()
        return tuple(c for c in self.breaking if not c.acknowledged)

    @property
    def exit_code(self) -> int:
        return 1 if self.failing else 0


def apply(
    changes: Sequence[Change],
    acks: Sequence[Ack],
    *,
    old_label: str,
    new_label: str,
    old_version: str | None,
    new_version: str | None,
) -> Report:
    """Mark acknowledged changes and build the ``Report``."""
    used: set[Ack] = set()
    marked: list[Change] = []
    for change in changes:
        found = next((a for a in acks if change.breaking and a.matches(change)), None)
        if found is not None:
            used.add(found)
        marked.append(change.acknowledge(found.reason) if found is not None else change)
    unused = tuple(a for a in acks if a not in used)
    return Report(old_label, new_label, old_version, new_version, tuple(marked), unused)
