"""schemathesis's ``object_level_authorization`` check, with the run's tenants as its peers.

That check lives in schemathesis's own engine (it replays one identity's reads as each other
identity, following the objects its coverage, fuzzing and stateful phases create), so it is
run through ``st run`` with a Web Fuzzing Commons auth document naming every tenant. It needs
a server over HTTP; against an in-process app it is skipped, saying so. The auth document and
schemathesis's files live in a temporary folder removed afterwards (Hypothesis's storage is
this process's: ``Engine``), and everything shown is redacted.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shlex
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis.configuration import storage_directory

from .._errors import UsageError
from ._config import is_far
from ._http import Exchange, Request
from ._order import OBJECT_LEVEL
from ._record import finish
from ._st import BACKOFF_ENV, GATE_ENV, GO, PROBES
from ._st import command as st_command
from ._target import Target
from ._violation import Finding, Outcome

__all__ = [
    "CHECK",
    "Engine",
    "Standby",
    "exit_status",
    "object_level_authorization",
    "phase_groups",
    "st_reports",
    "st_run",
    "standby",
]

CHECK = "object_level_authorization"
INVARIANT = OBJECT_LEVEL
PHASES = "examples,coverage,fuzzing,stateful"
# Against a far target, schemathesis's phases as three `st run` processes at once: the check
# sends its requests one after another (one worker: Hypothesis is not built for threads drawing
# at once), so behind a round trip its time is its request count times the round trip, and
# processes side by side divide it. On the CRM's contacts part at a 50 ms round trip the
# coverage phase (with the examples', which the contracts seldom give) took 6.5 s, fuzzing
# 6.0 s and stateful 4.9 s; three processes took 8.4 and 8.6 s against 9.9 and 10.0 s for two
# (examples and coverage, fuzzing and stateful), the jobs part 6.2 and 6.4 s against 6.8 and
# 7.9 s, and a fourth (the examples alone) gained nothing (`python -m bench.object_level`).
# Each process follows the objects its own phases make; each deletes and updates what it finds
# in the part's lists, which may turn another's read into a 404, never into another tenant's
# object on a server that keeps tenants apart. Over the examples' correct servers and their
# planted tenancy bugs, one process, two and three reported the same (bench/notes/latency.md).
PHASE_GROUPS = ("examples,coverage", "fuzzing", "stateful")
STORAGE_ENV = "HYPOTHESIS_STORAGE_DIRECTORY"


def _config(target: Target) -> tuple[str, str]:
    """``(auth.json, schemathesis.toml)`` naming every tenant as a peer."""
    users = []
    for tenant in target.config.tenants:
        credential = target.credential
        headers = [{"name": credential.header, "value": credential.value(tenant.token)}]
        headers += [{"name": name, "value": value} for name, value in target.config.headers]
        users.append({"name": tenant.name, "fixedHeaders": headers})
    names = [t.name for t in target.config.tenants]
    toml = (
        '[auth.wfc]\npath = "auth.json"\n'
        f"user = {json.dumps(names[0])}\npeers = {json.dumps(names)}\n"
    )
    return json.dumps({"auth": users}), toml


def object_level_authorization(target: Target, part: str | None = None) -> None:
    """Run schemathesis's object-level authorization check over ``part`` of the API (its
    operations, ``Graph.parts``), or the whole API; a failure fails the calling test."""
    why_not = _why_not_here(target)
    if why_not:
        pytest.skip(why_not)
    started = time.monotonic()
    ready = target.standby.pop(part, None) if part is not None else None
    operations = ready.operations if ready is not None else _operations(target, part)
    finding = Finding(INVARIANT, part or "all", Outcome.PASSED, 0.0, 0)
    with contextlib.ExitStack() as stack:
        if ready is not None:
            stack.callback(ready.stop)
            folder = ready.folder
            # The timeout the client has learned by now (``_command``'s, a test later).
            ready.engine.go(target.client.timeout)
            done = ready.engine.wait()
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="synth-st-")))
            done = st_run(target, operations, folder)
        unreadable = ""
        try:
            events, entries = st_reports(folder)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # A report cut short (schemathesis stopped while writing it): the check's outcome
            # is an error in the run's findings, not a pytest error that leaves none.
            events, entries = [], []
            unreadable = f"{type(exc).__name__}: {exc}"
        sent = len(entries)
    _note_creates(target, entries)
    exercised = operations or [op.operation_id for op in target.api.operations]
    # Its requests spent the part's rate-limit quotas, as any tenant (``Target.last_spent``).
    target.spent_by_engine(exercised)
    # Its engine deleted and updated objects it found in lists, whoever made them.
    target.spoil_shared(exercised)
    failures = _failures(events)
    if unreadable:
        finding.outcome = Outcome.ERROR
        finding.message = target.redact(
            f"ERROR reading schemathesis's reports (exit {done.returncode}; {unreadable}): what "
            "it found is unknown, and the objects it made were not deleted; run again, and "
            f"if it persists report it with this output: {done.stderr[-1500:]}"
        )
    elif done.returncode not in (0, 1):
        finding.outcome = Outcome.ERROR
        finding.message = target.redact(
            f"ERROR running schemathesis (exit {done.returncode}): {done.stdout[-1500:]}"
            f"{done.stderr[-1500:]}"
        )
    elif failures:
        said = [text for text, _ in failures]
        finding.outcome = Outcome.VIOLATION
        finding.expected = "no tenant receives an object another tenant owns"
        finding.actual = target.redact("; ".join(said))
        # The owner's read and the peer's, as schemathesis sent them, as curl commands (the
        # report shows an invariant's request sequence so); schemathesis ran them, no replay
        # of ours stands behind them.
        shown = [(text, _reproduction(fetched, target.redact)) for text, fetched in failures]
        finding.curl = "\n".join(f"# {target.redact(text)}\n{curl}" for text, curl in shown if curl)
        finding.message = target.redact(
            f"{INVARIANT} violated (schemathesis object_level_authorization):\n  "
            + "\n  ".join(said)
        )
    # schemathesis sent its own requests (counted from its HAR), none through our client.
    finish(finding, target, started, target.client.requests - sent)


def phase_groups(target: Target) -> tuple[str, ...]:
    """The phases of each `st run` process of the check: ``PHASE_GROUPS`` where requests keep
    their sender waiting (``is_far``: the answers the client has timed so far, else the
    host), else all in one. At loopback the check is bound by the CPUs, and a second process
    costs more than it saves, its start-up first (importing schemathesis's engine; the CRM's
    parts at loopback: 3.1 and 2.5 s in one process, 3.5 and 3.2 s in three): the warehouse
    example's two object-level checks alone at loopback (two workers, so four
    processes on two CPUs) took 14.2 to 16.6 s in two processes each, 7.6 to 9.3 s in one
    (measured once, by a script outside the repository that forced two processes;
    ``bench.object_level`` times one process and the split on the CRM's parts, and with
    ``--examples`` compares what they report)."""
    return PHASE_GROUPS if is_far(target.url, target.client.round_trip) else (PHASES,)


class Engine:
    """The check's ``st run`` over ``operations`` (all: none named), in ``folder``: its auth
    document, configuration and the API's document are written there first, then one process
    per group of phases (``groups``, else ``phase_groups``) starts at once, its reports landing
    in ``folder / "reports" / <group's index>`` (``st_reports``).

    ``gated``: started ahead of the check (``standby``), each process loads the document and
    draws its first cases, then waits before its first request (schemathesis's probes of the
    base URL aside: ``_st.Gate``) until ``go``; ``stop`` ends it without a request sent."""

    def __init__(
        self,
        target: Target,
        operations: list[str],
        folder: Path,
        groups: tuple[str, ...] | None = None,
        *,
        gated: bool = False,
    ) -> None:
        auth, toml = _config(target)
        (folder / "auth.json").write_text(auth, encoding="utf-8")
        (folder / "schemathesis.toml").write_text(toml, encoding="utf-8")
        (folder / "openapi.json").write_text(target.document, encoding="utf-8")
        # ``st`` with synth's retry schedule (``_st``: no wait before the first retry).
        st = st_command()
        env = {**os.environ, BACKOFF_ENV: str(target.config.backoff)}
        # Hypothesis's storage: this process's own (`.hypothesis` in the working directory,
        # or STORAGE_ENV), not the temporary folder each process runs in. Hypothesis keeps
        # there the table of the characters a codec encodes (schemathesis draws strings for
        # UTF-8), which it otherwise builds by encoding each of the 1.1 million code points:
        # about 2.5 s of CPU in every process, six in a run at a far target (`py-spy` over
        # the CRM's contacts part: `intervals_from_codec`, a quarter of the samples). Their
        # example database stays in memory (``_command``), as fresh as the folder's was.
        env[STORAGE_ENV] = str(storage_directory(intent_to_write=False).path.absolute())
        if gated:
            # schemathesis's probes (two anonymous GETs of the base URL, no operation's path)
            # go ahead, unless a declared rate limit counts by address (``key="ip"``): a
            # server limiting so may count every request from here, and the probes must not
            # land in a rate-limit check's burst.
            by_address = any(op.rate_limit is not None and op.rate_limit.key == "ip"
                             for op in target.api.operations)  # fmt: skip
            env[GATE_ENV] = "all" if by_address else PROBES
        self._running: list[tuple[list[str], subprocess.Popen[str], IO[str], IO[str]]] = []
        try:
            for index, phases in enumerate(groups or phase_groups(target)):
                command = _command(st, target, operations, phases, f"reports/{index}")
                # Files, not pipes: a process whose pipe filled while another was read would
                # stall.
                out = (folder / f"st-{index}.out").open("w+")
                err = (folder / f"st-{index}.err").open("w+")
                stdin = subprocess.PIPE if gated else subprocess.DEVNULL
                process = subprocess.Popen(command, cwd=folder, stdin=stdin, stdout=out,
                                           stderr=err, text=True, env=env)  # fmt: skip
                self._running.append((command, process, out, err))
        except BaseException:
            self.stop()
            raise

    def go(self, timeout: float | None = None) -> None:
        """Let gated processes send (nothing for others), each request with ``timeout`` where
        given (the client's, learned by now: ``_st.Gate``); one that has ended meanwhile
        (schemathesis failing to start) says so in ``wait``."""
        line = GO if timeout is None else f"{GO} {timeout:.3f}"
        for _, process, _, _ in self._running:
            if process.stdin is not None:
                # BrokenPipeError: it has ended; its exit status tells why.
                with contextlib.suppress(OSError):
                    process.stdin.write(line + "\n")
                    process.stdin.close()

    def wait(self) -> subprocess.CompletedProcess[str]:
        """Each process's end: the exit status is the first of theirs that is neither 0 nor 1
        (``exit_status``); the output is theirs, one after another. Interrupted (Ctrl-C, a
        timeout), none goes on sending."""
        codes, stdout, stderr = [], "", ""
        try:
            for _, process, out, err in self._running:
                codes.append(process.wait())
                out.seek(0)
                err.seek(0)
                stdout, stderr = stdout + out.read(), stderr + err.read()
        finally:
            self.stop()
        return subprocess.CompletedProcess(self._running[0][0], exit_status(codes), stdout,
                                           stderr)  # fmt: skip

    def stop(self) -> None:
        """End every process still running (a gated one before it sent anything) and close
        its files."""
        for _, process, out, err in self._running:
            if process.poll() is None:
                process.kill()
                process.wait()
            if process.stdin is not None and not process.stdin.closed:
                with contextlib.suppress(OSError):
                    process.stdin.close()
            out.close()
            err.close()


def st_run(
    target: Target, operations: list[str], folder: Path, groups: tuple[str, ...] | None = None
) -> subprocess.CompletedProcess[str]:
    """``Engine`` started and waited for: the check's ``st run`` processes over ``operations``
    in ``folder``, as one completed process."""
    return Engine(target, operations, folder, groups).wait()


class Standby:
    """The object-level check of one part, started ahead of its test (``standby``) in a
    temporary folder of its own, held at its first request until the test takes it
    (``object_level_authorization``: ``engine.go``); ``stop`` ends it and removes the
    folder."""

    def __init__(self, target: Target, operations: list[str]) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="synth-st-")
        self.folder = Path(self._folder.name)
        self.operations = operations
        try:
            self.engine = Engine(target, operations, self.folder, gated=True)
        except BaseException:
            self._folder.cleanup()
            raise

    def stop(self) -> None:
        self.engine.stop()
        self._folder.cleanup()


def _operations(target: Target, part: str | None) -> list[str]:
    """The operations of ``part`` (``Graph.parts``: named by one of its operations), sorted;
    none (the whole API) where ``part`` is None."""
    if part is None:
        return []
    parts = target.graph.parts()
    if part not in parts:
        raise UsageError(
            f"{part!r} names no part of the API under the current contracts; the generated "
            "tests are stale: run `synth generate` to regenerate them"
        )
    return sorted(op for op, named in parts.items() if named == part)


def _why_not_here(target: Target) -> str:
    """Why the check cannot run against ``target`` (its test is skipped saying so); "" where
    it can."""
    if target.config.app is not None:
        return ("schemathesis's object-level authorization check runs in its own engine, "
                "which needs a server over HTTP (--base-url), not an in-process app")  # fmt: skip
    if len(target.config.tenants) < 2:
        return "object-level authorization needs two or more tenants (--tenant)"
    return ""


def standby(target: Target, part: str) -> None:
    """Start the object-level check of ``part`` ahead of its test, held before its first
    request (``Engine``'s ``gated``), where the run will get to it soon (the test after the
    one starting: ``plugin``). A process of schemathesis spends a second or two of CPU before
    its first request (importing, loading the document, drawing the coverage phase's cases:
    0.9 and 2.1 s on the CRM's two parts at loopback, alone on the machine); started at its
    test, that time sits between the rest of its part's checks and the run's end. Meanwhile
    it sends nothing but schemathesis's two probes of the base URL, no operation's path (and
    not those where a rate limit counts by address: ``Engine``): the rest of the part may
    still be running. The test takes it (``object_level_authorization``);
    one not taken (the run stopped first, a test skipped) is stopped with the target
    (``Target.close``). Nothing where one is already waiting for ``part``, or the check
    cannot run here."""
    if part in target.standby or _why_not_here(target):
        return
    try:
        operations = _operations(target, part)
    except UsageError:
        return  # the test says so when it runs
    target.standby[part] = Standby(target, operations)


def exit_status(codes: list[int]) -> int:
    """One exit status for ``st run`` processes that ended with ``codes``: the first that is
    neither 0 (nothing found) nor 1 (a check failed), schemathesis's own failure, else 1 if
    any found something, else 0."""
    return next((code for code in codes if code not in (0, 1)), max(codes, default=0))


def st_reports(folder: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The events (ndjson) and HAR entries ``st_run``'s processes left in ``folder``; OSError,
    ValueError, KeyError or TypeError where a report was cut short."""
    reports = folder / "reports"
    events = [json.loads(line) for path in sorted(reports.rglob("*.ndjson"))
              for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]  # fmt: skip
    entries = [entry for p in sorted(reports.rglob("har*"))
               for entry in json.loads(p.read_text(encoding="utf-8"))["log"]["entries"]]  # fmt: skip
    return events, entries


def _command(
    st: list[str], target: Target, operations: list[str], phases: str, reports: str
) -> list[str]:
    """The ``st run`` command (``st``: how ``st`` is started) of the object-level check over
    ``operations`` (all: none named), running ``phases`` and writing its reports to the
    folder ``reports``."""
    command = [*st, "run", "openapi.json", "--url", target.url, "--checks", CHECK,
               "--phases", phases, "--workers", "1",
               # The check replays an owner's successful GET as each peer, and the objects
               # it follows are those the owner's successful writes made: a request the
               # schema refuses makes neither. Negative cases were 56% of its requests on
               # the CRM's contacts part (193 requests, not 435; 16 s, not 38 s at a 50 ms
               # round trip); over the examples' correct servers and their 16 planted
               # tenancy bugs, both modes reported the same (4 bugs, nothing on correct).
               "--mode", "positive",
               "--max-examples", str(target.config.profile.examples),
               # The timeout the client has learned from the answers so far (``Client.
               # timeout``; the configured one at most): a held answer costs its engine a
               # second or so, not the whole --timeout, while it keeps the part. A request
               # it times out is an error of that scenario, never a failure of the check.
               "--request-timeout", f"{target.client.timeout:.3f}",
               # A reset or a timed-out request is sent again, as the client would (the
               # first retry at once, then backing off: ``_st``).
               "--request-retries", str(target.config.retries),
               "--report", "ndjson,har", "--report-dir", reports,
               # Hypothesis's storage is shared (``Engine``), its example database not: no
               # example of an earlier run is replayed.
               "--generation-database", ":memory:",
               # Unsanitised so the HAR tells whose token made each object (for cleanup);
               # it stays in this temporary folder, and what is shown is redacted.
               "--output-sanitize", "false"]  # fmt: skip
    if target.config.seed is not None:
        command += ["--seed", str(target.config.seed)]
    for operation in operations:
        command += ["--include-operation-id", operation]
    return command


def _note_creates(target: Target, entries: list[dict[str, Any]]) -> None:
    """Put schemathesis's successful POSTs in the request log, so the run deletes what they made.

    The log is what ``Target.close`` reads to clean up after every create, ours or not.
    """
    credential = target.credential
    tenants = {credential.value(t.token): t.name for t in target.config.tenants}
    base_path = urlsplit(target.config.url).path.rstrip("/")
    for entry in entries:
        request, response = entry.get("request", {}), entry.get("response", {})
        if request.get("method") != "POST" or not 200 <= int(response.get("status", 0)) < 300:
            continue
        auth = next((h.get("value") for h in request.get("headers", [])
                     if str(h.get("name", "")).lower() == credential.header.lower()), None)  # fmt: skip
        tenant = tenants.get(str(auth))
        if tenant is None:
            continue
        path = urlsplit(request.get("url", "")).path
        path = path[len(base_path) :] if path.startswith(base_path) else path
        body = str(response.get("content", {}).get("text") or "").encode()
        exchange = Exchange(Request(tenant, "POST", path), int(response["status"]),
                            httpx.Headers(), body, 0.0)  # fmt: skip
        target.client.log.append(exchange)


def _failures(events: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """Each failure of the check in schemathesis's events: what it says, and the requests of
    its scenario that fetched the object it names (``_reproduction``). Its ndjson report
    leaves out the curl command its own output shows (``CheckFailureInfo.code_sample``)."""
    found = []
    for event in events:
        finished = event.get("ScenarioFinished")
        if not finished or finished.get("status") != "failure":
            continue
        recorder = finished.get("recorder", {})
        for checks in recorder.get("checks", {}).values():
            for check in checks:
                if check.get("name") == CHECK and check.get("status") == "failure":
                    failure = check.get("failure_info") or {}
                    title = (failure.get("failure") or {}).get("message") or "failed"
                    said = f"{recorder.get('label', '?')}: {str(title).splitlines()[0]}"
                    case = (failure.get("failure") or {}).get("case_id")
                    found.append((said, _fetched(recorder.get("interactions") or {}, case)))
    return sorted(dict(found).items(), key=lambda pair: pair[0])


def _fetched(interactions: dict[str, Any], case: Any) -> tuple[dict[str, Any], ...]:
    """The requests answered 2xx with the method and URL of the failing one (``case``): the
    owner's read and the peer's, oldest first."""
    failed = (interactions.get(case) or {}).get("request") or {}
    if not failed:
        return ()
    same = [i for i in interactions.values() if isinstance(i, dict)
            and (i.get("request") or {}).get("method") == failed.get("method")
            and (i.get("request") or {}).get("uri") == failed.get("uri")
            and 200 <= int((i.get("response") or {}).get("status_code") or 0) < 300]  # fmt: skip
    return tuple(i["request"] for i in sorted(same, key=lambda i: i.get("timestamp") or 0))


def _reproduction(requests: Iterable[dict[str, Any]], redact: Callable[[str], str]) -> str:
    """``requests`` (schemathesis's, as its report records them) as curl commands, secrets
    redacted to ``$TOKEN_A`` and friends, in double quotes where the shell is to expand one."""
    lines = []
    for request in requests:
        parts = ["curl", "-sS", "-i", "-X", shlex.quote(str(request.get("method", "GET"))),
                 shlex.quote(str(request.get("uri", "")))]  # fmt: skip
        for name, values in (request.get("headers") or {}).items():
            for value in values if isinstance(values, list) else [values]:
                header = f"{name}: {value}"
                hidden = redact(header)
                parts += ["-H", f'"{hidden}"' if hidden != header else shlex.quote(header)]
        body = request.get("body")
        if isinstance(body, dict) and "$base64" in body:
            body = base64.b64decode(body["$base64"]).decode("utf-8", "replace")
        if isinstance(body, str) and body:
            parts += ["--data-raw", shlex.quote(redact(body))]
        lines.append(" ".join(parts))
    return "\n".join(lines)
