"""The Docker image's entry command and health check, run the way the image runs them, outside
Docker (no Docker engine runs on the development machines): the package installed non-editably
into a fresh virtual environment as the build stage does, /app laid out as the runtime stage
copies it, the Dockerfile's ENV applied, its ENTRYPOINT + CMD started, its HEALTHCHECK polled."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT


def final_stage(dockerfile: Path) -> list[str]:
    """The runtime stage's instructions, continuation lines joined."""
    text = dockerfile.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    last_from = max(i for i, ln in enumerate(lines) if ln.upper().startswith("FROM "))
    return lines[last_from:]


def instruction(stage: list[str], name: str) -> list[str]:
    return [ln[len(name) + 1 :].strip() for ln in stage if ln.upper().startswith(name + " ")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.timeout(1800)  # an install from scratch, then whole runs: longer than the suite's per-test limit
def test_image_entry_command_and_health_check_outside_docker(tmp_path):
    stage = final_stage(ROOT / "Dockerfile")
    env_pairs = dict(kv.split("=", 1) for line in instruction(stage, "ENV") for kv in shlex.split(line))
    entry = json.loads(instruction(stage, "ENTRYPOINT")[0]) + json.loads(instruction(stage, "CMD")[0])
    health = instruction(stage, "HEALTHCHECK")[0]
    health_cmd = json.loads(health[health.index("CMD") + 3 :].strip())
    assert env_pairs["NEWSBOT_TERMINAL__ENABLED"] == "false" and "USER newsbot" in stage

    # Build stage: the sources the Dockerfile copies, installed (not editable) with the pinned versions.
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "constraints.txt", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for pkg in ("bot", "digests", "corpus", "config"):
        shutil.copytree(ROOT / pkg, src / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "."],
                         cwd=src, capture_output=True, text=True, timeout=1800)
    assert pip.returncode == 0, pip.stderr[-3000:]

    # Runtime stage: /app holds run_bot.py and the bundled corpus; data lives on the volume.
    app, data = tmp_path / "app", tmp_path / "data"
    app.mkdir()
    shutil.copy(ROOT / "run_bot.py", app / "run_bot.py")
    shutil.copytree(ROOT / "corpus" / "articles", app / "corpus" / "articles")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "PYTHON", "VIRTUAL_ENV"))}
    env.update({k: v.replace("/app", str(app)).replace("/data", str(data)) for k, v in env_pairs.items()})
    env["PATH"] = f"{venv / 'bin'}:{env['PATH']}"
    port = free_port()
    env["NEWSBOT_HEALTH__PORT"] = str(port)

    # No platform token and no terminal: the image says what to set instead of idling.
    idle = subprocess.run(entry, cwd=app, env=env, capture_output=True, text=True, timeout=120)
    assert idle.returncode == 2 and "no Discord or Slack token is set" in idle.stderr, idle.stderr

    # With a channel to serve (here the terminal, kept open), the health check turns healthy.
    env["NEWSBOT_TERMINAL__ENABLED"] = "true"
    bot = subprocess.Popen(entry, cwd=app, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            check = subprocess.run(health_cmd, cwd=app, env=env, capture_output=True, text=True, timeout=30)
            if check.returncode == 0 or time.monotonic() > deadline or bot.poll() is not None:
                break
            time.sleep(0.5)
        assert check.returncode == 0, (check.stderr, bot.poll())
        bot.send_signal(signal.SIGTERM)  # docker stop
        out, err = bot.communicate(timeout=60)
    finally:
        bot.kill()
    assert bot.returncode == 0, err
    assert "Syrian" in out and "Traceback" not in err
    assert (data / "newsbot.db").exists()
