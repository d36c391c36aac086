"""The contract's examples in the SDKs' documentation of each method."""

from __future__ import annotations

from types import ModuleType

from synth.emit import sdk_typescript
from synth.spec import ApiSpec


def test_python_docstring_shows_the_examples(sdk: ModuleType) -> None:
    doc = sdk.Client.create_contact.__doc__
    assert doc is not None
    assert sdk.AsyncClient.create_contact.__doc__ == doc
    assert (
        "    Examples:\n"
        "            A name only:\n"
        '                body: {"name": "Ada Lovelace"}\n'
        '                -> 201 {"id": "4b1c8a52-6f0e-4d3a-9c57-2e8f1d0a7b36", "name": "Ada Lovelace",'
    ) in doc
    assert '"tags": ["customer", "vip"]}' in doc
    assert "Examples:" not in (sdk.Client.get_contact.__doc__ or "")


def test_typescript_jsdoc_shows_the_examples(spec: ApiSpec) -> None:
    client = sdk_typescript.emit(spec, {})["sdk/typescript/src/client.ts"]
    assert (
        "   * @example A name only\n"
        '   * // body: {"name": "Ada Lovelace"}\n'
        '   * // -> 201 {"id": "4b1c8a52-6f0e-4d3a-9c57-2e8f1d0a7b36",'
    ) in client
    assert "   * @example Every field\n" in client
