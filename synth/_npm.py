"""The npm package around emitted TypeScript: ``package.json`` and the ``tsconfig.json`` that builds it.

One shape for both packages synth writes (the TypeScript client of ``synth generate``, and
``synth zod --package``): TypeScript sources under ``src/``, compiled by the package's own
``build`` script (``tsc``) to ``dist/`` as ES modules with their ``.d.ts``, which is what
``exports`` names. Why compiled output rather than sources in ``exports``: Node refuses to
run TypeScript from ``node_modules``, so a package whose entry points are ``.ts`` works in a
bundler only; and why not ``.js`` written by synth itself: the Zod schemas' types are
inferred by tsc, and only tsc writes their ``.d.ts`` faithfully. OpenAPI Generator's
``typescript-fetch`` with ``npmName`` ships the same way (sources, ``tsc`` on ``prepare``).

The build is strict (``strict``, ``noUncheckedIndexedAccess``, ``exactOptionalPropertyTypes``)
with ``module``/``moduleResolution: nodenext``, so what it emits loads in Node's ESM loader and in
bundlers alike. Keys are written in a fixed order and JSON is indented by two spaces, as npm
writes it, so the bytes are deterministic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._errors import UsageError

__all__ = [
    "GITIGNORE",
    "TYPESCRIPT",
    "ZOD_RANGE",
    "check_name",
    "gitignore",
    "package_json",
    "semver",
    "tsconfig_json",
    "valid_name",
]

# The zod the emitted code is tested with (node/package.json pins 4.6.7); a peer dependency
# takes its caret range so a consumer's newer zod 4 satisfies it without a second copy.
ZOD_RANGE = "^4.6.7"
# The compiler the package's build script runs, as node/package.json pins it.
TYPESCRIPT = "5.9.3"

# npm's rules for a package name (validate-npm-package-name): lower case, URL-safe, at most
# 214 characters, an optional `@scope/`, not starting with `.` or `_`.
_NAME = re.compile(r"^(?:@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$")
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


def valid_name(name: str) -> str | None:
    """Why ``name`` is not a usable npm package name, or None when it is."""
    if len(name) > 214:
        return "it is longer than 214 characters"
    if not _NAME.match(name):
        return (
            "npm package names are lower case letters, digits and `-._~`, optionally under "
            "an `@scope/`, and do not start with `.` or `_`"
        )
    return None


def check_name(name: str, option: str) -> str:
    """``name`` when npm accepts it; otherwise a ``UsageError`` saying how to fix it."""
    reason = valid_name(name)
    if reason is not None:
        raise UsageError(
            f"{option}={name!r} is not a valid npm package name: {reason}; "
            f"for example {option}=my-api or {option}=@acme/my-api"
        )
    return name


def semver(version: str) -> str:
    """The npm version of an API version: itself when it is semver, else its numbers.

    ``"1.0.0"`` stays; ``"v2"`` → ``"2.0.0"``; ``"2024-01-15"`` → ``"2024.1.15"``;
    ``"1.2"`` → ``"1.2.0"``; a version with no number at all → ``"0.0.0"``. npm refuses a
    package whose version is not semver, and an API's version often is not.
    """
    text = version.strip().removeprefix("v").removeprefix("V")
    if _SEMVER.match(text):
        return text
    numbers = [str(int(n)) for n in re.findall(r"\d+", text)[:3]]
    return ".".join([*numbers, "0", "0", "0"][:3])


def _entry(dist: str) -> dict[str, str]:
    """The conditions of one entry point: types first, as TypeScript requires."""
    return {"types": f"./dist/{dist}.d.ts", "import": f"./dist/{dist}.js",
            "default": f"./dist/{dist}.js"}  # fmt: skip


def package_json(
    *,
    provenance: str,
    name: str,
    version: str,
    description: str,
    entries: Mapping[str, str],
) -> str:
    """``package.json`` of a package whose ``src/*.ts`` build to ``dist/``.

    ``entries``: subpath (``"."``, ``"./zod"``) → module under ``dist/`` without its
    extension (``"index"``, ``"zod/index"``). ``provenance`` goes under npm's comment key
    ``"//"``, where the writer finds it.
    """
    main = entries.get(".")
    data: dict[str, Any] = {
        "//": provenance,
        "name": name,
        "version": semver(version),
        "description": description,
        "type": "module",
        "exports": {
            **{path: _entry(dist) for path, dist in entries.items()},
            "./package.json": "./package.json",
        },
    }
    if main is not None:
        data["main"] = f"./dist/{main}.js"
        data["types"] = f"./dist/{main}.d.ts"
    data |= {
        "files": ["dist", "src"],
        "sideEffects": False,
        "scripts": {"build": "tsc -p tsconfig.json", "prepare": "tsc -p tsconfig.json"},
        "peerDependencies": {"zod": ZOD_RANGE},
        "devDependencies": {"typescript": TYPESCRIPT, "zod": ZOD_RANGE.removeprefix("^")},
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def tsconfig_json(provenance: str, lib: Sequence[str] = ("ES2022", "DOM", "DOM.Iterable")) -> str:
    """The build of the package: ``src/`` → ``dist/`` (ES modules, ``.d.ts``), strict."""
    options = {
        "target": "ES2022",
        "module": "NodeNext",
        "moduleResolution": "NodeNext",
        "lib": list(lib),
        "types": [],
        "strict": True,
        "noUncheckedIndexedAccess": True,
        "exactOptionalPropertyTypes": True,
        "noImplicitOverride": True,
        "declaration": True,
        "rootDir": "src",
        "outDir": "dist",
        "skipLibCheck": True,
    }
    body = json.dumps({"compilerOptions": options, "include": ["src/**/*.ts"]}, indent=2)
    return f"// {provenance}\n{body}\n"


def gitignore(provenance: str) -> str:
    """What the build and a local ``npm install`` leave in the package, kept out of git.

    ``npm pack`` still ships ``dist/``: the ``files`` of ``package.json`` win over ignore files.
    """
    return f"# {provenance}\n{GITIGNORE}"


GITIGNORE = "dist/\nnode_modules/\n"
