"""``synth test`` through click's runner: exit codes and output."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from synth.testing.cli import test_command as command


def test_usage_errors_exit_2(generated: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        command, ["--tests", str(generated), "--base-url", "http://127.0.0.1:1"], env={}
    )
    assert result.exit_code == 2
    assert "UsageError: no tenants" in result.output
    result = runner.invoke(command, ["--base-url", "https://example.com", "--tenant", "a=secret-tok",
                                     "--tests", str(generated)], env={})  # fmt: skip
    assert result.exit_code == 2
    assert "--allow-host example.com" in result.output
    assert "secret-tok" not in result.output


def test_missing_generated_tests(tmp_path: Path) -> None:
    result = CliRunner().invoke(command, ["--base-url", "http://127.0.0.1:1", "--tenant", "a=t",
                                          "--tests", str(tmp_path)], env={})  # fmt: skip
    assert result.exit_code == 2
    assert "synth generate" in result.output


def test_dry_run_lists_tests_and_sends_nothing(generated: Path) -> None:
    result = CliRunner().invoke(command, ["--base-url", "http://127.0.0.1:9", "--tenant", "a=ta",
                                          "--tenant", "b=tb", "--tests", str(generated), "--dry-run"],
                                env={})  # fmt: skip
    assert result.exit_code == 0, result.output


def test_unreachable_target_is_a_configuration_error(generated: Path) -> None:
    """Nothing listens on port 9 of loopback: exit 2 at once, not minutes of skipped checks."""
    result = CliRunner().invoke(command, ["--base-url", "http://127.0.0.1:9", "--tenant", "a=ta",
                                          "--tenant", "b=tb", "--tests", str(generated)],
                                env={})  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "no server answers there" in result.output
