"""Import the contract modules and find the one ``Api`` they declare.

A failure here stops the loading at once: without the modules nothing else can be checked.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import re
import sys
import traceback
import types
from collections.abc import Iterable
from pathlib import Path

from .. import contract
from .._errors import ContractError, Location
from ..contract import Api
from ._common import first_line
from ._problems import Problems

__all__ = ["find_api", "import_contracts"]


def import_contracts(root: Path, problems: Problems) -> list[types.ModuleType]:
    if not root.is_dir():
        problems.add(
            None,
            f"contracts directory {str(root)!r} does not exist",
            "pass --contracts DIR pointing at the folder of contract modules",
        )
        raise problems.error()
    files = sorted(p for p in root.glob("*.py") if p.name != "__init__.py")
    if not files:
        problems.add(
            None,
            f"no contract modules (*.py) in {str(root)!r}",
            "put the modules that declare the API in this folder",
        )
        raise problems.error()
    digest = hashlib.sha1(str(root.resolve()).encode()).hexdigest()[:10]
    package = f"_synth_contracts_{digest}"
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]
    init = root / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        package, init, submodule_search_locations=[str(root)]
    )
    assert spec is not None  # always, for a .py location
    assert spec.loader is not None
    pkg = importlib.util.module_from_spec(spec)
    sys.modules[package] = pkg
    modules: list[types.ModuleType] = []
    try:
        if init.exists():  # a folder without __init__.py is a namespace package: fine
            spec.loader.exec_module(pkg)
        for file in files:
            modules.append(importlib.import_module(f"{package}.{file.stem}"))
    except ContractError:
        raise
    except BaseException as exc:  # a contract module's import failed: point at its line
        if isinstance(exc, KeyboardInterrupt):
            raise
        _import_problem(root, exc, problems)
        raise problems.error() from None
    return modules


def _import_problem(root: Path, exc: BaseException, problems: Problems) -> None:
    resolved = root.resolve()
    if isinstance(exc, SyntaxError) and exc.filename:
        where = Location(exc.filename, exc.lineno or 1)
        problems.add(where, f"syntax error: {exc.msg}", "correct the Python syntax here")
        return
    location = None
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        try:
            Path(frame.filename).resolve().relative_to(resolved)
        except ValueError:
            continue
        location = Location(frame.filename, frame.lineno or 1)
        break
    message = f"importing the contracts failed: {type(exc).__name__}: {first_line(exc)}"
    hint = "fix this line so the module imports"
    if isinstance(exc, TypeError):
        hint = _call_hint(str(exc)) or hint
    problems.add(location, message, hint)


# Python's words for a call with the wrong arguments: ``Api.get() got an unexpected keyword
# argument 'foo'``, ``Api.error() missing 2 required positional arguments: ...``.
_BAD_CALL = re.compile(
    r"(?P<name>[\w.]+)\(\) (?:got an unexpected keyword argument '(?P<keyword>\w+)'|missing "
    r"\d+ required|takes \d+ positional|takes no arguments)"
)
# Options that ``api.route`` takes but the method's own decorator refuses, on purpose.
_ROUTE_ONLY = {"idempotent", "paginated", "cacheable", "upsert"}


def _call_hint(text: str) -> str | None:
    """How to call a callable of the contract language that was called wrongly: its signature."""
    found = _BAD_CALL.search(text)
    if found is None:
        return None
    target: object = contract
    for part in found["name"].split("."):
        target = getattr(target, part, None)
    if target is None or not callable(target):
        return None  # not the contract language's: Python's message says it all
    shown = found["name"].removesuffix(".__init__")
    shown = "api." + shown.removeprefix("Api.") if shown.startswith("Api.") else shown
    params = [p for p in inspect.signature(target).parameters.values() if p.name != "self"]
    signature = f"{shown}({_arguments(params)})"
    keyword = found["keyword"]
    if keyword in _ROUTE_ONLY and shown.startswith("api."):
        return (
            f"this option does not apply to this method ({shown} takes: {signature}); "
            "api.route(method, path, ...) takes every option and the loader says why one "
            "does not apply"
        )
    if keyword:
        return f"{keyword!r} is not an option of {shown}; its options: {signature}"
    return f"call it as its signature says: {signature}"


def _arguments(params: list[inspect.Parameter]) -> str:
    """``path, *, status=200``: names and defaults, without the annotations."""
    out: list[str] = []
    for param in params:
        if param.kind is param.KEYWORD_ONLY and "*" not in out:
            out.append("*")
        if param.default is param.empty:
            out.append(param.name)
        else:  # a dataclass's default_factory shows as <factory>: say "some default"
            shown = repr(param.default)
            out.append(f"{param.name}={'...' if shown == '<factory>' else shown}")
    return ", ".join(out)


def find_api(root: Path, modules: Iterable[types.ModuleType], problems: Problems) -> Api:
    found: dict[int, Api] = {}
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, Api):
                found[id(value)] = value
    if len(found) == 1:
        return next(iter(found.values()))
    if not found:
        problems.add(
            None,
            f"no `Api(...)` object in the modules of {str(root)!r}",
            "declare `api = Api(title, version)` in one module and import it elsewhere",
        )
        raise problems.error()
    for extra in list(found.values())[1:]:
        problems.add(
            extra.location,
            "more than one `Api(...)` object in the contracts",
            "declare one Api and import it in every contract module",
        )
    raise problems.error()
