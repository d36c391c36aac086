"""A small API whose only creator is a PUT upsert, with actions on its items, for tests.

Accounts have client-chosen ids (``acc_`` and eight characters), are created or replaced by
``PUT /accounts/{account_id}``, listed, read, and acted on: ``deposit`` (declared with
``Resource.action``, idempotent) and ``freeze`` (a plain POST, inferred as an action). ``app``
serves them correctly; its switches plant one bug each.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import textwrap
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests._taxonomy import STANDARD_ERRORS

TENANTS = ["a=tok_vault_a_0123456789", "b=tok_vault_b_9876543210"]
_TOKENS = {"tok_vault_a_0123456789": "a", "tok_vault_b_9876543210": "b"}
_ID = re.compile(r"acc_[a-z0-9]{8}")

CONTRACTS = '''\
"""Accounts with client-chosen ids: created by upsert, acted on by deposit and freeze."""

from typing import Annotated

from pydantic import Field

from synth.contract import Api, Filter, Model, Page, RequestModel

api = Api("Vault", "1.0.0", base_path="/v1")
{errors}
ACCOUNT_FROZEN = api.error("account_frozen", 409, "Account frozen", "A frozen account.")

AccountId = Annotated[str, Field(pattern=r"^acc_[a-z0-9]{{8}}$")]


class Account(Model):
    id: AccountId
    name: str
    balance: int
    frozen: bool


class AccountBody(RequestModel):
    name: Annotated[str, Field(min_length=1, max_length=40)]


class Deposit(RequestModel):
    amount: Annotated[int, Field(ge=1, le=1000)]


class AccountPage(Page[Account]):
    pass


accounts = api.resource("/accounts", Account, id_param="account_id")
accounts.upsert(AccountBody)
accounts.list(AccountPage, order=("id",), filters={{"name": Filter("name", "icontains")}})
accounts.get(cacheable=True)
accounts.action("deposit", body=Deposit, idempotent=True, errors=[ACCOUNT_FROZEN])


@api.post("/accounts/{{account_id}}/freeze", status=200)
def freeze_account(account_id: AccountId) -> Account:
    """Freeze an account: it takes no more deposits."""
'''


def write_contracts(root: Path) -> Path:
    """The vault's contracts as a package under ``root``."""
    contracts = root / "contracts"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    errors = textwrap.indent(STANDARD_ERRORS, "")
    (contracts / "api.py").write_text(CONTRACTS.format(errors=errors))
    return contracts


def _problem(
    status: int, code: str, detail: str = "", loc: tuple[str, str] | None = None
) -> Response:
    body: dict[str, Any] = {"type": f"about:blank#{code}", "title": code.replace("_", " "),
                            "status": status, "code": code, "detail": detail or code}  # fmt: skip
    if loc is not None:
        body["errors"] = [{"loc": list(loc), "msg": "Invalid value", "type": "value_error"}]
    return Response(json.dumps(body), status, media_type="application/problem+json")


def _invalid(where: str, name: str) -> Response:
    return _problem(422, "validation_failed", name, (where, name))


_SECRET = b"vault-cursor-key"


def _cursor(tenant: str, name: str, after: str) -> str:
    """An opaque cursor bound to the tenant and the filter, signed against tampering."""
    data = json.dumps([tenant, name, after]).encode()
    sig = hmac.new(_SECRET, data, hashlib.sha256).hexdigest()[:16]
    return base64.urlsafe_b64encode(data).decode() + "." + sig


def _after(cursor: str, tenant: str, name: str) -> str | None:
    """The id a cursor continues after, or None when it is not one this tenant was given."""
    text, _, sig = cursor.partition(".")
    try:
        data = base64.urlsafe_b64decode(text.encode())
        owner, filtered, after = json.loads(data)
    except (ValueError, TypeError):
        return None
    good = hmac.new(_SECRET, data, hashlib.sha256).hexdigest()[:16]
    ok = hmac.compare_digest(good, sig) and owner == tenant and filtered == name
    return after if ok and isinstance(after, str) else None


@dataclass
class Vault:
    """The accounts of every tenant; each switch plants one bug."""

    replay_reapplies: bool = False  # a replayed deposit is answered as stored, and applied again
    freeze_any: bool = False  # freeze finds the account in any tenant
    shared_ids: bool = False  # an upsert on another tenant's id replaces that tenant's account
    duplicates: bool = False  # an upsert on an id in use makes a second account (201)
    reuse_applies: bool = False  # a key reused with another amount is refused, but deposits it
    accounts: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    keys: dict[tuple[str, str], tuple[Any, dict[str, Any]]] = field(default_factory=dict)

    def find(self, tenant: str, account_id: str, anywhere: bool = False) -> dict[str, Any] | None:
        found = self.accounts.get((tenant, account_id))
        if found is None and anywhere:
            found = next((a for (_, i), a in self.accounts.items() if i == account_id), None)
        return found


Handler = Callable[[Request, str, Vault], Awaitable[Response]]


def _endpoint(vault: Vault, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        auth = request.headers.get("authorization", "")
        tenant = _TOKENS.get(auth.removeprefix("Bearer "))
        if tenant is None:
            return _problem(401, "unauthenticated")
        account_id = request.path_params.get("account_id")
        if account_id is not None and not _ID.fullmatch(account_id):
            return _invalid("path", "account_id")
        return await handler(request, tenant, vault)

    return endpoint


async def _body(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except ValueError:
        return None


def _wrong_field(body: Any, field: str) -> str | None:
    """The body field to name in a 422 (an unknown one first), or None when only ``field``."""
    if not isinstance(body, dict):
        return field
    unknown = sorted(set(body) - {field})
    return unknown[0] if unknown else (None if field in body else field)


def _valid_name(body: Any) -> bool:
    return isinstance(body["name"], str) and 1 <= len(body["name"]) <= 40


async def put_account(request: Request, tenant: str, vault: Vault) -> Response:
    account_id = request.path_params["account_id"]
    body = await _body(request)
    wrong = _wrong_field(body, "name")
    if wrong is not None or not _valid_name(body):
        return _invalid("body", wrong or "name")
    existing = vault.find(tenant, account_id, anywhere=vault.shared_ids)
    if existing is not None and vault.duplicates:
        twin = {**existing, "name": body["name"]}
        vault.accounts[tenant, f"{account_id}#{len(vault.accounts)}"] = twin
        return JSONResponse(twin, 201)
    if existing is not None:
        existing["name"] = body["name"]
        return JSONResponse(existing, 200)
    account = {"id": account_id, "name": body["name"], "balance": 0, "frozen": False}
    vault.accounts[tenant, account_id] = account
    return JSONResponse(account, 201)


async def list_accounts(request: Request, tenant: str, vault: Vault) -> Response:
    raw = request.query_params.get("limit", "20")
    if not re.fullmatch(r"-?[0-9]+", raw) or not 1 <= int(raw) <= 100:
        return _invalid("query", "limit")
    limit = int(raw)
    name = request.query_params.get("name", "")
    cursor = request.query_params.get("cursor")
    after = _after(cursor, tenant, name) if cursor is not None else ""
    if after is None:
        return _problem(400, "invalid_cursor")
    mine = sorted((a for (t, _), a in vault.accounts.items() if t == tenant and name.lower() in
                   a["name"].lower() and a["id"] > after), key=lambda a: a["id"])  # fmt: skip
    page = mine[:limit]
    more = len(mine) > limit
    next_cursor = _cursor(tenant, name, page[-1]["id"]) if more else None
    return JSONResponse({"items": page, "next_cursor": next_cursor})


async def get_account(request: Request, tenant: str, vault: Vault) -> Response:
    account = vault.find(tenant, request.path_params["account_id"])
    if account is None:
        return _problem(404, "not_found")
    tag = '"' + hashlib.sha256(json.dumps(account, sort_keys=True).encode()).hexdigest()[:16] + '"'
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers={"ETag": tag})
    return JSONResponse(account, headers={"ETag": tag})


async def deposit(request: Request, tenant: str, vault: Vault) -> Response:  # noqa: PLR0911 (one answer per rule)
    key = request.headers.get("idempotency-key")
    if not key:
        return _problem(400, "idempotency_key_missing")
    body = await _body(request)
    wrong = _wrong_field(body, "amount")
    if wrong is not None:
        return _invalid("body", wrong)
    amount = body["amount"]
    if type(amount) is not int or not 1 <= amount <= 1000:
        return _invalid("body", "amount")
    account = vault.find(tenant, request.path_params["account_id"])
    stored = vault.keys.get((tenant, key))
    if stored is not None:
        if stored[0] != (request.path_params["account_id"], body):
            if vault.reuse_applies and account is not None:
                account["balance"] += amount
            return _problem(422, "idempotency_key_reused")
        if vault.replay_reapplies and account is not None:
            account["balance"] += amount
        return JSONResponse(stored[1], 200, headers={"Idempotent-Replayed": "true"})
    if account is None:
        return _problem(404, "not_found")
    if account["frozen"]:
        return _problem(409, "account_frozen")
    account["balance"] += amount
    vault.keys[tenant, key] = ((request.path_params["account_id"], body), dict(account))
    return JSONResponse(account, 200)


async def freeze(request: Request, tenant: str, vault: Vault) -> Response:
    account = vault.find(tenant, request.path_params["account_id"], anywhere=vault.freeze_any)
    if account is None:
        return _problem(404, "not_found")
    account["frozen"] = True
    return JSONResponse(account, 200)


def app(vault: Vault) -> Starlette:
    """The vault served under ``/v1``."""
    item = "/v1/accounts/{account_id}"
    return Starlette(
        routes=[
            Route("/v1/accounts", _endpoint(vault, list_accounts), methods=["GET"]),
            Route(item, _endpoint(vault, get_account), methods=["GET"]),
            Route(item, _endpoint(vault, put_account), methods=["PUT"]),
            Route(item + "/deposit", _endpoint(vault, deposit), methods=["POST"]),
            Route(item + "/freeze", _endpoint(vault, freeze), methods=["POST"]),
        ]
    )
