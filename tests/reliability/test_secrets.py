"""No secret in anything ``synth test`` prints or writes, against a server that echoes them all.

``synth test`` runs as a subprocess (so the terminal output is real) with distinctive tenant
tokens and a ``--header`` secret, against tests/reliability/hostile_server.py, with a JUnit
file, a markdown report, a GitHub step summary, and HOME and the working directory in a
temporary folder (where a Hypothesis database would land). Every byte of the output and of
every file under that folder is searched for each secret, raw and encoded.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from tests.reliability.hostile_server import SECRET_HEADER, running_hostile_server
from tests.testing.conftest import ROOT, api, generated  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow

TOKEN_A = "tA-7Qx+zS3cr3t/Alpha="
TOKEN_B = "tB-9Kw+yS3cr3t/Bravo="
BYPASS = "hdr-Zeta+Pr0t3ct/Omega="
# One test per way a secret could get out (a confirmed violation's curl and answer, a
# schemathesis failure, a check error) keeps the run short; SYNTH_SECRETS_SELECT="" runs all.
SELECT = os.environ.get(
    "SYNTH_SECRETS_SELECT",
    "CONFORMANCE or listContacts__ERR_VALIDATION or createContact__IDEM_REPLAY or "
    "getContact__TEN_READ or updateContact__ERR_VALIDATION or listContacts__PAGE_CURSOR",
)


def encodings(secret: str) -> set[str]:
    """The forms a secret may take on its way out: raw, base64, URL-encoded, JSON-escaped."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret), secret.replace("/", "\\/"),
             json.dumps(secret)[1:-1]}  # fmt: skip
    for text in (secret, f"Bearer {secret}"):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            coded = encode(text.encode()).decode()
            forms |= {coded, coded.rstrip("=")}
    return forms


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_no_secret_leaves_the_runner(tmp_path: Path, generated: Path) -> None:  # noqa: F811
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    summary = work / "step-summary.md"
    env = {**os.environ, "HOME": str(home), "GITHUB_STEP_SUMMARY": str(summary),
           "PYTHONPATH": str(ROOT), "COLUMNS": "200"}  # fmt: skip
    for name in list(env):
        if name.startswith("SYNTH_"):
            del env[name]
    synth = Path(sys.executable).with_name("synth")
    with running_hostile_server() as url:
        result = subprocess.run(
            [str(synth), "test", "--base-url", url, "--tenant", f"a={TOKEN_A}",
             "--tenant", f"b={TOKEN_B}", "--header", f"{SECRET_HEADER}={BYPASS}",
             "--contracts", str(ROOT / "contracts"), "--tests", str(generated),
             "--profile", "quick", "--seed", "5", "--junit", "junit.xml",
             "--report", "report.md", *(["-k", SELECT] if SELECT else [])],
            cwd=work, env=env, capture_output=True, check=False, timeout=600,
        )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 1, output.decode(errors="replace")[-4000:]
    written = _files(work) + _files(home)
    names = {p.name for p in written}
    assert {"junit.xml", "report.md", "step-summary.md"} <= names, names
    report = (work / "report.md").read_text(encoding="utf-8")
    assert "curl" in report, report  # reproductions were written
    assert "$TOKEN_A" in report, report
    sources = {"stdout+stderr": output} | {str(p.relative_to(tmp_path)): p.read_bytes()
                                           for p in written}  # fmt: skip
    leaks = [
        f"{form!r} (a form of {secret[:3]}...) in {where}"
        for secret in (TOKEN_A, TOKEN_B, BYPASS)
        for form in encodings(secret)
        for where, data in sources.items()
        if form.encode() in data
    ]
    print(f"\nsearched {len(sources)} outputs ({sum(map(len, sources.values()))} bytes) for "
          f"{sum(len(encodings(s)) for s in (TOKEN_A, TOKEN_B, BYPASS))} forms: "
          f"{len(leaks)} found")  # fmt: skip
    assert not leaks, "\n".join(leaks)
