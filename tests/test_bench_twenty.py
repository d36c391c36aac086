"""The latency benchmark's 20x API: its contracts load as twenty prefixed copies of the
example's, synth generates tests for it, and its server answers under every prefix, each
prefix an instance of its own."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from pathlib import Path

import httpx
import pytest

import synth
from bench._twenty import PREFIXES, build, create_twenty_app, write_contracts
from examples.reference_server.app import load_spec
from synth.testing._parallel import alone, shape_of

AUTH = {"Authorization": "Bearer token-a"}


def test_the_contracts_are_the_example_twenty_times(tmp_path: Path) -> None:
    example = load_spec()
    spec = synth.load(write_contracts(tmp_path / "contracts"))
    assert len(PREFIXES) == 20
    assert len(spec.operations) == 20 * len(example.operations)
    assert spec.base_path == example.base_path
    for prefix in PREFIXES:
        copy = {(op.method, op.path.removeprefix(f"/{prefix}")): op for op in spec.operations
                if op.path.startswith(f"/{prefix}/")}  # fmt: skip
        assert set(copy) == {(op.method, op.path) for op in example.operations}
        for op in example.operations:
            twin = copy[op.method, op.path]
            # The suffix goes on the function or, for the resource helper's, on the model:
            # createContactP01, listJobP01s.
            assert prefix.upper() in twin.operation_id
            assert (twin.status, twin.tenant_scoped) == (op.status, op.tenant_scoped)
            assert twin.idempotency == op.idempotency
            if op.pagination is None:
                assert twin.pagination is None
            else:  # the same pagination of the copy's own item model
                assert twin.pagination is not None
                assert twin.pagination.item_schema == f"{op.pagination.item_schema}{prefix.upper()}"
                same = dataclasses.replace(twin.pagination, item=op.pagination.item,
                                           item_schema=op.pagination.item_schema)  # fmt: skip
                assert same == op.pagination
            assert twin.cache == op.cache
            assert [e.code for e in twin.errors] == [e.code for e in op.errors]
            # Each copy's limiter is its own: a quota of its own name.
            if op.rate_limit is None:
                assert twin.rate_limit is None
            else:
                assert twin.rate_limit is not None
                assert (
                    dataclasses.replace(twin.rate_limit, name=op.rate_limit.name) == op.rate_limit
                )
                assert twin.rate_limit.name == prefix
    getjob = next(op.operation_id for op in spec.operations if op.path == "/p07/jobs/{job_id}"
                  and op.method == "GET")  # fmt: skip
    shape = shape_of(spec)
    # A rate-limit check on one copy keeps that copy's quota, not the other nineteen's.
    assert alone("RATE-LIMIT", getjob, shape) == "quota"
    quotas = {op.rate_limit.quota for op in spec.operations if op.rate_limit is not None}
    assert len(quotas) == 20


@pytest.mark.slow
def test_synth_generates_twenty_times_the_tests(tmp_path: Path) -> None:
    _, out = build(tmp_path)
    openapi = json.loads((out / "openapi.json").read_text())
    assert len(openapi["paths"]) == 20 * len(
        json.loads((Path(__file__).parents[1] / "generated" / "openapi.json").read_text())["paths"]
    )
    tests = sum(
        len(re.findall(r"^def test_", p.read_text(), re.M))
        for p in (out / "tests").glob("test_*.py")
    )
    example = Path(__file__).parents[1] / "generated" / "tests"
    per_copy = sum(
        len(re.findall(r"^def test_", p.read_text(), re.M)) for p in example.glob("test_*.py")
    )
    assert tests >= 20 * (per_copy - 1)  # the tenant-authorization test is one per API


def _client() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_twenty_app())
    return httpx.AsyncClient(transport=transport, base_url="http://twenty.test", headers=AUTH)


def test_the_server_answers_under_each_prefix_each_its_own_instance() -> None:
    asyncio.run(_each_prefix())


async def _each_prefix() -> None:
    async with _client() as client:
        await _exercise(client)


async def _exercise(client: httpx.AsyncClient) -> None:
    made: dict[str, str] = {}
    for i, prefix in enumerate(PREFIXES):
        base = f"/api/v1/{prefix}"
        created = await client.post(f"{base}/contacts", json={"name": f"Ada {prefix}"},
                                    headers={"Idempotency-Key": "same-key"})  # fmt: skip
        assert created.status_code == 201, created.text
        location = created.headers["Location"]
        assert location == f"{base}/contacts/{created.json()['id']}"
        read = await client.get(location)
        assert read.status_code == 200
        assert read.json() == created.json()
        job = await client.post(f"{base}/jobs", json={"kind": "export_contacts"},
                                headers={"Idempotency-Key": f"job-{i}"})  # fmt: skip
        assert job.status_code == 202, job.text
        made[prefix] = created.json()["id"]
    for prefix, contact_id in made.items():
        listed = (await client.get(f"/api/v1/{prefix}/contacts")).json()["items"]
        assert [c["id"] for c in listed] == [contact_id]  # the same key made one per instance
        other = PREFIXES[(PREFIXES.index(prefix) + 1) % len(PREFIXES)]
        elsewhere = await client.get(f"/api/v1/{other}/contacts/{contact_id}")
        assert elsewhere.status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/contacts", "/api/v1/p21/contacts", "/p01/contacts"])
def test_a_path_outside_every_prefix_is_the_declared_404(path: str) -> None:
    async def get() -> httpx.Response:
        async with _client() as client:
            return await client.get(path)

    response = asyncio.run(get())
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_found"
