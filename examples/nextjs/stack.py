"""Run the Next.js example for a test: a throwaway PostgreSQL cluster, migrations, ``next start``.

Everything is local and temporary: the cluster lives in a temp directory, listens on a free
loopback port with its unix socket beside its data, and is removed on exit. Used by
``scripts/verify-nextjs`` and by ``tests/nextjs``.

    with Postgres.start() as pg:
        pg.create_database("synth")      # roles, database, migrations
        with NextServer.start(pg.env("synth")) as app:
            ... app.base_url ...
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "APP_DIR",
    "REPO",
    "NextServer",
    "Postgres",
    "exit_on_signals",
    "free_port",
    "log",
    "next_build",
    "npm_ci",
]

APP_DIR = Path(__file__).resolve().parent
REPO = APP_DIR.parents[1]
NODE_ENV = {"NEXT_TELEMETRY_DISABLED": "1", "NODE_ENV": "production"}


def log(message: str) -> None:
    print(f"[verify-nextjs] {message}", file=sys.stderr, flush=True)


def exit_on_signals() -> None:
    """Turn SIGTERM and SIGHUP into SystemExit, so ``finally`` blocks tear everything down."""

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(
    cmd: list[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    quiet: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run ``cmd``; on failure raise with its output, which is otherwise kept quiet."""
    result = subprocess.run(
        cmd, cwd=cwd, env={**os.environ, **(env or {})}, text=True, capture_output=True,
        check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} exited {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    if not quiet and result.stdout.strip():
        print(result.stdout.rstrip(), file=sys.stderr)
    return result


@contextlib.contextmanager
def _locked(name: str) -> Iterator[None]:
    """An exclusive lock across processes (pytest-xdist workers build and install once)."""
    with open(APP_DIR / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def npm_ci() -> None:
    """Install the app's dependencies from package-lock.json unless they already match it."""
    with _locked("npm-ci"):
        stamp = APP_DIR / "node_modules" / ".synth-installed"
        lock = APP_DIR / "package-lock.json"
        if stamp.exists() and stamp.read_text() == lock.read_text():
            return
        _run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=APP_DIR)
        stamp.write_text(lock.read_text())


_BUILD_INPUTS = ("app", "lib", "instrumentation.ts", "next.config.ts", "tsconfig.json",
                 "package-lock.json")  # fmt: skip


def _sources_digest() -> str:
    digest = hashlib.sha256()
    roots = [APP_DIR / name for name in _BUILD_INPUTS] + [REPO / "generated" / "zod"]
    for root in roots:
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file():
                digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def next_build() -> None:
    """``next build``, unless .next was built from exactly these sources (a server may be
    serving it: another pytest worker's)."""
    with _locked("next-build"):
        stamp = APP_DIR / ".next" / "synth-sources"
        digest = _sources_digest()
        if stamp.exists() and stamp.read_text() == digest:
            return
        _run(["node", "node_modules/next/dist/bin/next", "build"], cwd=APP_DIR, env=NODE_ENV,
             quiet=True)  # fmt: skip
        stamp.write_text(digest)


def _pg_bin() -> Path:
    """The newest installed PostgreSQL's bin directory; installs the Debian package if none."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if not found:
        if os.geteuid() != 0:
            raise RuntimeError("PostgreSQL is not installed: apt-get install -y postgresql")
        log("installing PostgreSQL (apt-get install postgresql)")
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        _run(["apt-get", "update", "-q"], env=env, quiet=True)
        _run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"], env=env,
             quiet=True)  # fmt: skip
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(found[-1]).parent


def _version(path: str) -> int:
    return int(Path(path).parts[-3])


@dataclass
class Postgres:
    """A throwaway cluster: superuser over the unix socket, roles over loopback TCP."""

    root: Path
    port: int
    bin: Path
    user: str | None  # the OS user the server runs as (None: ourselves)
    passwords: dict[str, str] = field(default_factory=dict)

    @classmethod
    @contextlib.contextmanager
    def start(cls) -> Iterator[Postgres]:
        bin_dir = _pg_bin()
        root = Path(tempfile.mkdtemp(prefix="synth-pg-"))
        # initdb refuses to run as root: then the cluster belongs to the postgres user.
        user = "postgres" if os.geteuid() == 0 else None
        if user is not None:
            shutil.chown(root, user)
        pg = cls(root, free_port(), bin_dir, user)
        try:
            pg._initdb()
            pg._ctl("start", "-w", "-t", "60", "-l", str(root / "server.log"), "-o",
                    f"-p {pg.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                    "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")  # fmt: skip
            yield pg
        finally:
            with contextlib.suppress(Exception):
                pg._ctl("stop", "-m", "immediate", "-w")
            shutil.rmtree(root, ignore_errors=True)

    def _as_user(self, cmd: list[str]) -> list[str]:
        return ["runuser", "-u", self.user, "--", *cmd] if self.user else cmd

    def _initdb(self) -> None:
        pwfile = self.root / "pw"
        _run(self._as_user([
            str(self.bin / "initdb"), "-D", str(self.root / "data"), "-U", "postgres",
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        ]), quiet=True)  # fmt: skip
        pwfile.unlink(missing_ok=True)

    def _ctl(self, *args: str) -> None:
        _run(self._as_user([str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), *args]),
             quiet=True)  # fmt: skip

    def psql(self, sql: str, database: str = "postgres", **variables: str) -> str:
        """Run ``sql`` as the superuser over the unix socket; returns the output."""
        cmd = [str(self.bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(self.root),
               "-p", str(self.port), "-U", "postgres", "-d", database, "-At"]  # fmt: skip
        for name, value in variables.items():
            cmd += ["-v", f"{name}={value}"]
        result = subprocess.run(
            cmd, input=sql, text=True, capture_output=True, check=False, env=os.environ
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}")
        return result.stdout

    def url(self, role: str, database: str = "synth") -> str:
        return f"postgresql://{role}:{self.passwords[role]}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> None:
        """Roles and the ``synth`` database (bootstrap-db.sql), then the migrations as owner."""
        for role in ("synth_owner", "synth_app", "synth_worker"):
            self.passwords[role] = secrets.token_hex(16)
        sql = (APP_DIR / "scripts" / "bootstrap-db.sql").read_text()
        self.psql(sql, owner_password=self.passwords["synth_owner"],
                  app_password=self.passwords["synth_app"],
                  worker_password=self.passwords["synth_worker"])  # fmt: skip
        self.migrate("up")

    def migrate(self, *args: str) -> None:
        _run(["node", "scripts/migrate.mjs", *args], cwd=APP_DIR,
             env={"MIGRATE_DATABASE_URL": self.url("synth_owner")}, quiet=True)  # fmt: skip

    def app_env(self, *, role: str = "synth_app") -> dict[str, str]:
        """The environment the app reads: its own role, and the worker's."""
        return {
            "DATABASE_URL": self.url(role),
            "WORKER_DATABASE_URL": self.url("synth_worker"),
        }


@dataclass
class NextServer:
    """``next start`` on a free loopback port; its JSON log lines are kept in a file."""

    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @classmethod
    @contextlib.contextmanager
    def start(cls, env: Mapping[str, str], *, timeout: float = 60.0) -> Iterator[NextServer]:
        port = free_port()
        log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below
            prefix="synth-next-", suffix=".log", delete=False
        )
        process = subprocess.Popen(
            [
                "node",
                "node_modules/next/dist/bin/next",
                "start",
                "-H",
                "127.0.0.1",
                "-p",
                str(port),
            ],
            cwd=APP_DIR,
            env={**os.environ, **NODE_ENV, "CURSOR_SECRET": secrets.token_hex(32), **env},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = cls(f"http://127.0.0.1:{port}", process, Path(log_file.name))
        try:
            server._wait_ready(timeout)
            yield server
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log_file.close()

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"next start exited {self.process.returncode}:\n{self.logs()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/api/v1/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"next start did not answer within {timeout}s:\n{self.logs()}")

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def log_records(self) -> list[dict[str, object]]:
        records = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if isinstance(record, dict):
                    records.append(record)
        return records
