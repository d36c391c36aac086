"""The README writes out ``Api(...)``'s signature (a new user had to guess it): it stays the
signature ``synth.contract.Api`` has."""

from __future__ import annotations

import inspect
import re

from synth.contract import Api

from .conftest import ROOT


def test_the_readme_gives_api_s_signature() -> None:
    parameters = list(inspect.signature(Api.__init__).parameters.values())[1:]
    shown = []
    for parameter in parameters:
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and "*" not in shown:
            shown.append("*")
        default = parameter.default
        shown.append(parameter.name if default is inspect.Parameter.empty
                     else f"{parameter.name}={default!r}".replace("'", '"'))  # fmt: skip
    expected = f"Api({', '.join(shown)})"
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    found = re.search(r"`(Api\(title, version, \*,[^`]*\))`", readme)
    assert found is not None, "README.md no longer writes out Api(title, version, *, ...)"
    assert found.group(1) == expected
