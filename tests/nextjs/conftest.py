"""The Next.js example, built once per session; each test gets a fresh PostgreSQL cluster."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from examples.nextjs.stack import REPO, Postgres, next_build, npm_ci


def _missing() -> str | None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node and npm are needed"
    if not (REPO / "generated" / "zod" / "index.ts").exists():
        return "generated/zod is missing: run `make contracts`"
    return None


@pytest.fixture(scope="session")
def built_app() -> None:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    npm_ci()
    next_build()


@pytest.fixture
def postgres(built_app: None) -> Iterator[Postgres]:
    with Postgres.start() as pg:
        pg.create_database()
        yield pg
