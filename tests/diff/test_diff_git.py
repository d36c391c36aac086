"""`synth diff --against REV`: the contracts folder at a git revision against the working tree,
in a real temporary repository, and the `--ci` mode `make contracts` runs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from synth.diff.cli import diff_command

ROOT = Path(__file__).resolve().parents[2]


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=synth", "-c", "user.email=synth@example.test",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


@pytest.fixture(autouse=True)
def _no_outer_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "app"
    repo.mkdir()
    git(repo, "init", "-q")
    shutil.copytree(ROOT / "contracts", repo / "contracts",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    git(repo, "add", "contracts")
    git(repo, "commit", "-q", "-m", "contracts")
    return repo


def run(repo: Path, *args: str) -> Result:
    return CliRunner().invoke(
        diff_command, [*args, "--contracts", str(repo / "contracts")], catch_exceptions=False
    )


def make_email_required(repo: Path) -> None:
    models = repo / "contracts" / "models.py"
    text = models.read_text(encoding="utf-8")
    old = "    email: EmailStr | None = None\n    phone: Phone | None = None\n    tags: Tags = []\n"
    assert old in text
    models.write_text(text.replace(old, old.replace("email: EmailStr | None = None",
                                                    "email: EmailStr | None"), 1))  # fmt: skip
    # createContact's example sends no email; the contracts refuse it once email is required.
    contacts = repo / "contracts" / "contacts.py"
    example = 'body={"name": "Ada Lovelace"}'
    assert example in contacts.read_text(encoding="utf-8")
    contacts.write_text(contacts.read_text(encoding="utf-8").replace(
        example, 'body={"name": "Ada Lovelace", "email": None}'), encoding="utf-8")  # fmt: skip


def bump_major(repo: Path) -> None:
    api = repo / "contracts" / "api.py"
    api.write_text(api.read_text(encoding="utf-8").replace('"1.0.0"', '"2.0.0"', 1))


def test_unchanged_working_tree_has_no_changes(repo: Path) -> None:
    result = run(repo, "--against", "HEAD")
    assert result.exit_code == 0, result.output
    assert "0 breaking, 0 non-breaking" in result.output


def test_field_made_required_is_named(repo: Path) -> None:
    make_email_required(repo)
    result = run(repo, "--against", "HEAD", "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    found = [c for c in data["changes"] if c["rule"] == "request-property-became-required"]
    assert found, data["changes"]
    assert found[0]["location"] == "/components/schemas/ContactCreate/properties/email"
    assert found[0]["operation"]["operationId"] == "createContact"
    assert data["old"]["source"] == "contracts/ at HEAD"


def test_revision_as_positional_argument(repo: Path) -> None:
    make_email_required(repo)
    result = run(repo, "HEAD", str(repo / "contracts"))
    assert result.exit_code == 1, result.output
    assert "request-property-became-required" in result.output


def test_major_bump_in_the_contracts_passes(repo: Path) -> None:
    make_email_required(repo)
    bump_major(repo)
    result = run(repo, "--against", "HEAD")
    assert result.exit_code == 0, result.output
    assert "major bump" in result.output
    assert "request-property-became-required" in result.output


def test_acknowledgement_beside_the_contracts_passes(repo: Path) -> None:
    make_email_required(repo)
    (repo / "contracts" / "breaking-changes.toml").write_text(
        "[[acknowledged]]\n"
        'rule = "request-property-became-required"\n'
        'location = "/components/schemas/ContactCreate/properties/email"\n'
        'reason = "the only client already sends email"\n'
        "\n[[acknowledged]]\n"
        'rule = "request-property-default-value-removed"\n'
        'location = "/components/schemas/ContactCreate/properties/email"\n'
        'reason = "it goes with the change above"\n',
        encoding="utf-8",
    )
    result = run(repo, "--against", "HEAD")
    assert result.exit_code == 0, result.output


def test_bad_revision_exits_2(repo: Path) -> None:
    result = run(repo, "--against", "no-such-branch")
    assert result.exit_code == 2
    assert result.output.startswith("InputError: --against no-such-branch: no such git revision")
    assert "Traceback" not in result.output


def test_ci_compares_with_the_merge_base_of_origin_main(repo: Path) -> None:
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(repo, "checkout", "-q", "-b", "feature")
    make_email_required(repo)
    git(repo, "commit", "-q", "-am", "email required")
    result = run(repo, "--ci")
    assert result.exit_code == 1, result.output
    assert "merge base of origin/main" in result.output
    assert "request-property-became-required" in result.output
    assert "FAILED" in result.output


def test_ci_without_origin_main_compares_with_head(repo: Path) -> None:
    make_email_required(repo)
    result = run(repo, "--ci")
    assert result.exit_code == 1, result.output
    assert "HEAD (no origin/main)" in result.output


def test_ci_skips_without_any_commit(tmp_path: Path) -> None:
    repo = tmp_path / "fresh"
    repo.mkdir()
    git(repo, "init", "-q")
    shutil.copytree(ROOT / "contracts", repo / "contracts")
    result = run(repo, "--ci")
    assert result.exit_code == 0, result.output
    assert "skipping the breaking-change check" in result.output


def test_ci_skips_outside_a_repository(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "contracts", tmp_path / "contracts")
    result = run(tmp_path, "--ci")
    assert result.exit_code == 0, result.output
    assert "skipping" in result.output


def test_base_without_contracts_skips_in_ci_and_fails_otherwise(tmp_path: Path) -> None:
    repo = tmp_path / "app"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "README").write_text("x\n")
    git(repo, "add", "README")
    git(repo, "commit", "-q", "-m", "first")
    shutil.copytree(ROOT / "contracts", repo / "contracts")
    result = run(repo, "--ci")
    assert result.exit_code == 0, result.output
    assert "has no contracts/ folder" in result.output
    result = run(repo, "--against", "HEAD")
    assert result.exit_code == 2
    assert "has no contracts/ folder" in result.output


def test_contracts_that_do_not_load_at_the_revision_exit_2(repo: Path) -> None:
    (repo / "contracts" / "broken.py").write_text("raise RuntimeError('boom')\n")
    git(repo, "add", "contracts")
    git(repo, "commit", "-q", "-m", "broken")
    (repo / "contracts" / "broken.py").unlink()
    result = run(repo, "--against", "HEAD")
    assert result.exit_code == 2
    assert "do not load with this version of synth" in result.output
    assert "Traceback" not in result.output
