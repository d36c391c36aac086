"""An API twenty times the example's size, and a server for it.

The contracts: the example's (``contracts/``) repeated under twenty prefixes, ``/p01`` to
``/p20``: each copy's paths start with its prefix, its operations and models carry it as a
suffix (``createContactP01``, ``ContactP01``), its rate limits a policy name of their own
(each instance has its own limiter), and all share the example's ``api.py`` (one base path, one
error taxonomy). 200 operations where the example has 10.

The server: the reference server mounted twenty times, one independent instance (its own
store) per prefix; a request to ``/api/v1/p07/contacts`` reaches the seventh as
``/api/v1/contacts``, and the ``Location`` it answers gets the prefix back.

    python -m bench._twenty --port 0   # prints ``listening on http://127.0.0.1:PORT``
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import re
import socket
import subprocess
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from examples.reference_server.app import create_app
from examples.reference_server.process import serve_on, started

__all__ = ["COPIES", "PREFIXES", "build", "create_twenty_app", "serve", "write_contracts"]

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"
COPIES = 20
PREFIXES = tuple(f"p{i:02d}" for i in range(1, COPIES + 1))
BASE_PATH = "/api/v1"
_SHARED = ("__init__.py", "api.py")
_MODELS = "models"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]


def _model_names(source: str) -> list[str]:
    tree = ast.parse(source)
    return [node.name for node in tree.body if isinstance(node, ast.ClassDef)]


def _named_limit(arguments: str, prefix: str) -> str:
    """``RateLimit(arguments)`` with its policy name suffixed by ``prefix`` (named ``prefix``
    where it had none)."""
    named = re.sub(r'\bname="([^"]*)"', rf'name="\1-{prefix}"', arguments)
    return (
        f"RateLimit({named})" if named != arguments else f'RateLimit(name="{prefix}", {arguments})'
    )


def _copy(source: str, prefix: str, models: list[str], *, operations: bool) -> str:
    suffix = prefix.upper()
    for name in models:
        source = re.sub(rf"\b{name}\b", name + suffix, source)
    # Each copy is served by an instance of its own, with a rate limiter of its own: its
    # limits are quotas of their own, named apart (the example's unnamed one is
    # "20-per-5s" in every copy, which would declare one quota shared by all twenty).
    source = re.sub(r"\bRateLimit\(([^()]*)\)", lambda m: _named_limit(m.group(1), prefix), source)
    if operations:
        source = source.replace(f"from .{_MODELS} import", f"from .{_MODELS}_{prefix} import")
        source = re.sub(r"^def (\w+)\(", rf"def \1_{prefix}(", source, flags=re.M)
        source = re.sub(r"""(["'])/(?=[a-z{])""", rf"\1/{prefix}/", source)
    return source


def write_contracts(folder: Path, source: Path = CONTRACTS) -> Path:
    """Write the 20x contracts into ``folder`` (made if missing); returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in _SHARED:
        if (source / name).exists():
            (folder / name).write_text((source / name).read_text())
    models_source = (source / f"{_MODELS}.py").read_text()
    models = _model_names(models_source)
    modules = sorted(p for p in source.glob("*.py") if p.name not in (*_SHARED, f"{_MODELS}.py"))
    for prefix in PREFIXES:
        text = _copy(models_source, prefix, models, operations=False)
        (folder / f"{_MODELS}_{prefix}.py").write_text(text)
        for module in modules:
            text = _copy(module.read_text(), prefix, models, operations=True)
            (folder / f"{module.stem}_{prefix}.py").write_text(text)
    return folder


def build(folder: Path) -> tuple[Path, Path]:
    """The 20x contracts under ``folder/contracts`` and ``synth generate``'s output under
    ``folder/generated``; returns both."""
    contracts = write_contracts(folder / "contracts")
    out = folder / "generated"
    synth = Path(sys.executable).parent / "synth"
    done = subprocess.run([str(synth), "generate", "--contracts", str(contracts), "--out", str(out)],
                          capture_output=True, text=True, check=False, cwd=ROOT)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"synth generate failed on the 20x API:\n{done.stdout}{done.stderr}")
    return contracts, out


class _Twenty:
    """Routes ``/api/v1/pNN/...`` to the NN-th reference server as ``/api/v1/...``."""

    def __init__(self, work_delay: float) -> None:
        self.apps = {p: create_app(work_delay=work_delay) for p in PREFIXES}
        self.nowhere = next(iter(self.apps.values()))

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        head, _, rest = path.removeprefix(BASE_PATH + "/").partition("/")
        app = self.apps.get(head) if path.startswith(BASE_PATH + "/") else None
        if app is None:  # no such prefix: a path no instance has, so its 404 is the answer
            await self.nowhere(
                {**scope, "path": "/nowhere" + path, "raw_path": None}, receive, send
            )
            return
        inner = f"{BASE_PATH}/{rest}"
        prefix = f"{BASE_PATH}/{head}".encode()

        async def send_prefixed(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (k, prefix + v[len(BASE_PATH) :] if k.lower() == b"location"
                     and v.startswith(BASE_PATH.encode()) else v)
                    for k, v in message["headers"]
                ]  # fmt: skip
            await send(message)

        await app({**scope, "path": inner, "raw_path": inner.encode()}, receive, send_prefixed)


def create_twenty_app(work_delay: float = 0.0) -> Any:
    """The 20x server as an ASGI app."""
    return _Twenty(work_delay)


@contextmanager
def serve(work_delay: float = 0.0) -> Iterator[str]:
    """Start ``python -m bench._twenty`` on a free loopback port; yield its base URL."""
    command = [
        sys.executable,
        "-m",
        "bench._twenty",
        "--port",
        "0",
        "--work-delay",
        str(work_delay),
    ]
    with started(command, "the 20x server") as url:
        yield url


async def _serve(app: Any, sock: socket.socket, url: str) -> None:
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    await serve_on(uvicorn.Server(config), sock, url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench._twenty")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--work-delay", type=float, default=0.0)
    args = parser.parse_args(argv)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", args.port))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    asyncio.run(_serve(create_twenty_app(args.work_delay), sock, url))
    return 0


if __name__ == "__main__":
    sys.exit(main())
