"""SQLite storage for the reference server: one connection, used only from the event loop.

Every method runs to completion without awaiting, so each one is atomic with respect to
other requests on the loop; the idempotency protocol relies on that (see ``_idempotency``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

__all__ = ["IdempotencyRecord", "Store", "format_time", "instant_us"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)

_SCHEMA = """
CREATE TABLE contacts (
    id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL, email TEXT, phone TEXT,
    tags TEXT NOT NULL, created_at TEXT NOT NULL, created_us INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX contacts_page ON contacts (tenant, created_us DESC, id DESC);
CREATE TABLE interactions (
    id TEXT PRIMARY KEY, tenant TEXT NOT NULL, contact_id TEXT NOT NULL, type TEXT NOT NULL,
    occurred_at TEXT NOT NULL, occurred_us INTEGER NOT NULL, summary TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX interactions_page ON interactions (contact_id, occurred_us DESC, id DESC);
CREATE TABLE jobs (
    id TEXT PRIMARY KEY, tenant TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
    attempts INTEGER NOT NULL, max_attempts INTEGER NOT NULL, last_error TEXT,
    created_at TEXT NOT NULL, created_us INTEGER NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX jobs_page ON jobs (tenant, created_us DESC, id DESC);
CREATE TABLE idempotency (
    tenant TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, state TEXT NOT NULL,
    status INTEGER, body BLOB, headers TEXT, PRIMARY KEY (tenant, key)
);
"""

Direction = Literal["desc", "asc"]


def instant_us(value: datetime) -> int:
    """Microseconds since the epoch; subtraction, so year 1 with an offset cannot overflow."""
    return (value - _EPOCH) // _US


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _icontains(haystack: str | None, needle: str | None) -> int:
    if haystack is None or needle is None:
        return 0
    return int(needle.lower() in haystack.lower())


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """A stored idempotency key: in flight, or done with the response to replay."""

    fingerprint: str
    state: Literal["in_flight", "done"]
    status: int | None
    body: bytes | None
    headers: dict[str, str]


class Store:
    """Tables for contacts, interactions, jobs and idempotency records."""

    def __init__(self, path: str = ":memory:") -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.create_function("icontains", 2, _icontains, deterministic=True)
        # The loop is single-threaded; the lock only guards against a caller on another thread.
        self._lock = threading.RLock()
        self._last_us = 0
        with self._lock:
            exists = self._db.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='contacts'"
            ).fetchone()
            if not exists:
                self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def now(self) -> tuple[str, int]:
        """A strictly increasing timestamp: text (RFC 3339, microseconds, Z) and its instant."""
        us = max(instant_us(datetime.now(UTC)), self._last_us + 1)
        self._last_us = us
        return format_time(_EPOCH + us * _US), us

    def _all(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(row) for row in self._db.execute(sql, args).fetchall()]

    def _one(self, sql: str, args: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self._all(sql, args)
        return rows[0] if rows else None

    def _run(self, sql: str, args: Sequence[Any] | Mapping[str, Any] = ()) -> int:
        with self._lock:
            return self._db.execute(sql, args).rowcount

    # -- contacts ---------------------------------------------------------------------------

    def contact(self, contact_id: str, tenant: str | None) -> dict[str, Any] | None:
        """The contact in ``tenant``, or in any tenant when ``tenant`` is None."""
        if tenant is None:
            return self._one("SELECT * FROM contacts WHERE id = ?", (contact_id,))
        return self._one("SELECT * FROM contacts WHERE id = ? AND tenant = ?", (contact_id, tenant))

    def email_owner(self, email: str, tenant: str | None, exclude: str | None = None) -> bool:
        """Whether another contact (in ``tenant``, or anywhere if None) has ``email``."""
        sql = "SELECT 1 FROM contacts WHERE email = ? AND id != ?"
        args: list[Any] = [email, exclude or ""]
        if tenant is not None:
            sql += " AND tenant = ?"
            args.append(tenant)
        return self._one(sql, args) is not None

    def insert_contact(self, row: dict[str, Any]) -> None:
        self._run(
            "INSERT INTO contacts (id, tenant, name, email, phone, tags, created_at, created_us,"
            " updated_at) VALUES (:id, :tenant, :name, :email, :phone, :tags, :created_at,"
            " :created_us, :updated_at)",
            {**row, "tags": json.dumps(row["tags"])},
        )

    def update_contact(self, contact_id: str, changes: dict[str, Any]) -> None:
        if "tags" in changes:
            changes = {**changes, "tags": json.dumps(changes["tags"])}
        assignments = ", ".join(f"{column} = :{column}" for column in changes)
        self._run(
            f"UPDATE contacts SET {assignments} WHERE id = :_id", {**changes, "_id": contact_id}
        )

    def delete_contact(self, contact_id: str) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM interactions WHERE contact_id = ?", (contact_id,))
            self._db.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))
            self._db.execute("COMMIT")

    # -- interactions and jobs --------------------------------------------------------------

    def insert_interaction(self, row: dict[str, Any]) -> None:
        self._run(
            "INSERT INTO interactions (id, tenant, contact_id, type, occurred_at, occurred_us,"
            " summary, created_at) VALUES (:id, :tenant, :contact_id, :type, :occurred_at,"
            " :occurred_us, :summary, :created_at)",
            row,
        )

    def insert_job(self, row: dict[str, Any]) -> None:
        self._run(
            "INSERT INTO jobs (id, tenant, kind, status, attempts, max_attempts, last_error,"
            " created_at, created_us, updated_at) VALUES (:id, :tenant, :kind, :status,"
            " :attempts, :max_attempts, :last_error, :created_at, :created_us, :updated_at)",
            row,
        )

    def job(self, job_id: str, tenant: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM jobs WHERE id = ? AND tenant = ?", (job_id, tenant))

    # -- pages ------------------------------------------------------------------------------

    def page(
        self,
        table: str,
        sort: str,
        where: Sequence[tuple[str, tuple[Any, ...]]],
        *,
        after: tuple[int, str] | None,
        offset: int | None = None,
        count: int,
        primary: Direction = "desc",
        tiebreak: Direction = "desc",
    ) -> list[dict[str, Any]]:
        """Up to ``count`` rows after ``after`` in the order (sort, id), keyset or by offset."""
        clauses = [clause for clause, _ in where]
        args = [arg for _, clause_args in where for arg in clause_args]
        if after is not None:
            first = "<" if primary == "desc" else ">"
            second = "<" if tiebreak == "desc" else ">"
            clauses.append(f"({sort} {first} ? OR ({sort} = ? AND id {second} ?))")
            args += [after[0], after[0], after[1]]
        sql = f"SELECT * FROM {table}"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += f" ORDER BY {sort} {primary.upper()}, id {tiebreak.upper()} LIMIT ?"
        args.append(count)
        if offset is not None:
            sql += " OFFSET ?"
            args.append(offset)
        return self._all(sql, args)

    # -- idempotency ------------------------------------------------------------------------

    def idem_get(self, tenant: str, key: str) -> IdempotencyRecord | None:
        row = self._one("SELECT * FROM idempotency WHERE tenant = ? AND key = ?", (tenant, key))
        if row is None:
            return None
        return IdempotencyRecord(
            row["fingerprint"],
            row["state"],
            row["status"],
            row["body"],
            json.loads(row["headers"]) if row["headers"] else {},
        )

    def idem_begin(self, tenant: str, key: str, fingerprint: str) -> bool:
        """Insert the in-flight row; False if the key is already taken."""
        try:
            self._run(
                "INSERT INTO idempotency (tenant, key, fingerprint, state) VALUES (?, ?, ?, ?)",
                (tenant, key, fingerprint, "in_flight"),
            )
        except sqlite3.IntegrityError:
            return False
        return True

    def idem_finish(
        self,
        tenant: str,
        key: str,
        fingerprint: str,
        *,
        status: int,
        body: bytes,
        headers: dict[str, str],
    ) -> None:
        self._run(
            "INSERT OR REPLACE INTO idempotency (tenant, key, fingerprint, state, status, body,"
            " headers) VALUES (?, ?, ?, 'done', ?, ?, ?)",
            (tenant, key, fingerprint, status, body, json.dumps(headers)),
        )

    def idem_release(self, tenant: str, key: str) -> None:
        self._run("DELETE FROM idempotency WHERE tenant = ? AND key = ?", (tenant, key))
