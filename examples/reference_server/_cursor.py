"""Opaque page cursors: the last key served, HMAC-signed and bound to a tenant and a scope.

A cursor is ``base64url(json payload) . base64url(hmac-sha256)``. The payload holds a digest
of the scope (tenant, list, path parameters, filters) and the keyset position; anything that
does not verify (malformed, tampered, minted for another tenant or another list) is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

__all__ = ["CursorError", "CursorSigner", "scope_digest"]


class CursorError(Exception):
    """The cursor is malformed, tampered with or foreign."""


def scope_digest(tenant: str, scope: dict[str, Any]) -> str:
    canonical = json.dumps([tenant, scope], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorSigner:
    """Mints and verifies cursors with one secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()

    def mint(self, scope: str, position: list[Any]) -> str:
        payload = json.dumps({"s": scope, "p": position}, separators=(",", ":")).encode()
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    def verify(self, cursor: str, scope: str) -> list[Any]:
        """The position a cursor carries; ``CursorError`` unless it is ours, for this scope."""
        head, sep, tail = cursor.partition(".")
        if not sep or not cursor.isascii():
            raise CursorError("not a cursor")
        try:
            payload, mac = _unb64(head), _unb64(tail)
        except (binascii.Error, ValueError) as exc:
            raise CursorError("not a cursor") from exc
        if not hmac.compare_digest(mac, self._mac(payload)):
            raise CursorError("signature mismatch")
        data = json.loads(payload)
        if not isinstance(data, dict) or data.get("s") != scope:
            raise CursorError("minted for another list")
        position = data.get("p")
        if not isinstance(position, list):
            raise CursorError("no position")
        return position

    # -- planted bugs ---------------------------------------------------------------------

    @staticmethod
    def mint_unsigned(position: list[Any]) -> str:
        """page-cursor-unsigned / page-cursor-500: a bare base64 JSON position."""
        return _b64(json.dumps(position, separators=(",", ":")).encode())

    @staticmethod
    def read_unsigned(cursor: str) -> list[Any]:
        """Decode without any checks; raises whatever the decoding raises."""
        position = json.loads(_unb64(cursor))
        if not isinstance(position, list):
            raise TypeError("cursor is not a list")
        return position
