"""The README's two commands, from a clean clone, as a new user runs them."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.helpers import ROOT


@pytest.mark.slow
@pytest.mark.timeout(3600)  # an install from scratch, then whole runs: longer than the suite's per-test limit
def test_readme_commands_from_a_clean_clone(tmp_path):
    clone = tmp_path / "newsbot"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    readme = (clone / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    # A new user's shell: no NEWSBOT_* (so no PostgreSQL, and no recursion into this slow test).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "PYTEST_", "VIRTUAL_ENV"))}
    run = subprocess.run(["make", "run"], cwd=clone, env=env, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Syrian" in run.stdout and "Traceback" not in run.stderr
    test = subprocess.run(["make", "test"], cwd=clone, env=env, capture_output=True, text=True, timeout=3600)
    assert test.returncode == 0, test.stdout[-5000:] + test.stderr[-3000:]
    assert " passed" in test.stdout
    assert "PostgreSQL was skipped" in test.stdout
